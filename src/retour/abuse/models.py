"""What is observed about returns (parcels, devices, cards), their abuse assessment, staff's verdicts, and
the weights the verdicts give each signal."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from retour.catalog.models import Store
from retour.orders.models import Customer
from retour.returns.models import Return


class Observation(models.Model):
    """What staff, the warehouse or an integration noticed about a return (``services.observe``)."""

    ret = models.OneToOneField(Return, on_delete=models.CASCADE, related_name="+", verbose_name=_("return"))
    shipped_weight_grams = models.PositiveIntegerField(_("weight shipped (g)"), null=True, blank=True)
    received_weight_grams = models.PositiveIntegerField(_("weight received (g)"), null=True, blank=True)
    accessories_missing_lines = models.PositiveIntegerField(
        _("high-value items without accessories"), default=0
    )
    worn = models.BooleanField(_("worn"), default=False)
    device_cookie = models.CharField(_("device cookie"), max_length=128, blank=True)
    card_fingerprint = models.CharField(_("card fingerprint"), max_length=128, blank=True)
    refund_before_shipping = models.BooleanField(_("refund asked before shipping"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("return observation")
        verbose_name_plural = _("return observations")

    def __str__(self) -> str:
        return str(self.ret_id)


class IdentityKey(models.Model):
    """A normalised email, address, card fingerprint or device cookie of a customer who asked for a return:
    two customers sharing one may be one shopper."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("email")
        ADDRESS = "address", _("address")
        CARD = "card", _("card")
        DEVICE = "device", _("device")

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+", verbose_name=_("store"))
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="+", verbose_name=_("customer")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    key = models.CharField(_("key"), max_length=255)

    class Meta:
        verbose_name = _("identity key")
        verbose_name_plural = _("identity keys")
        constraints = [
            models.UniqueConstraint(fields=["customer", "kind", "key"], name="identity_key_once"),
        ]
        indexes = [models.Index(fields=["store", "kind", "key"], name="identity_key_lookup")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.key}"


class Assessment(models.Model):
    """A return's abuse score and the signals behind it (each with its points and reasons in English and
    French), and staff's latest verdict."""

    class Verdict(models.TextChoices):
        NONE = "", _("not judged")
        FRAUD = "fraud", _("fraud")
        LEGITIMATE = "legitimate", _("legitimate")

    ret = models.OneToOneField(Return, on_delete=models.CASCADE, related_name="+", verbose_name=_("return"))
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+", verbose_name=_("store"))
    score = models.PositiveSmallIntegerField(_("score"), default=0, db_index=True)
    review = models.BooleanField(_("sent to review"), default=False)
    signals = models.JSONField(_("signals"), default=list)
    assessed_at = models.DateTimeField(_("assessed at"))
    verdict = models.CharField(_("verdict"), max_length=16, choices=Verdict.choices, blank=True, default="")
    verdict_at = models.DateTimeField(_("verdict at"), null=True, blank=True)

    class Meta:
        verbose_name = _("abuse assessment")
        verbose_name_plural = _("abuse assessments")

    def __str__(self) -> str:
        return f"{self.ret_id}: {self.score}"

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(str(signal["code"]) for signal in self.signals)


class VerdictRecord(models.Model):
    """Each verdict given, kept (a later one does not erase it): what the signals were when it was given."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="verdicts", verbose_name=_("assessment")
    )
    verdict = models.CharField(_("verdict"), max_length=16, choices=Assessment.Verdict.choices)
    codes = models.JSONField(_("signals"), default=list)
    note = models.CharField(_("note"), max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("verdict")
        verbose_name_plural = _("verdicts")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.verdict


class SignalWeights(models.Model):
    """The store's weight of each signal, as its verdicts re-weighed them (``domain.signals.reweigh``)."""

    store = models.OneToOneField(Store, on_delete=models.CASCADE, related_name="+", verbose_name=_("store"))
    weights = models.JSONField(_("weights"), default=dict)
    verdicts = models.PositiveIntegerField(_("verdicts counted"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("signal weights")
        verbose_name_plural = _("signal weights")

    def __str__(self) -> str:
        return str(self.store_id)
