from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SellersConfig(AppConfig):
    name = "retour.sellers"
    label = "sellers"
    verbose_name = _("Seller accounts")
