"""Forms check, services write: a valid policy form saves nothing until the admin saves it."""

from __future__ import annotations

import pytest

from retour.catalog.models import Store
from retour.policies import services
from retour.policies.forms import PolicyVersionForm
from retour.policies.models import PolicyVersion

pytestmark = pytest.mark.django_db


def test_a_valid_policy_form_writes_nothing(store: Store):
    document = services.template_text(services.template_names()[0])
    form = PolicyVersionForm(data={"store": store.pk, "document": document, "note": "draft"})
    assert form.is_valid(), form.errors
    assert PolicyVersion.objects.count() == 0


def test_an_invalid_document_is_the_forms_error_and_writes_nothing(store: Store):
    form = PolicyVersionForm(data={"store": store.pk, "document": "rules: [", "note": ""})
    assert not form.is_valid()
    assert form.errors["document"]
    assert PolicyVersion.objects.count() == 0


def test_checking_a_policy_saves_nothing_and_loading_it_saves_one_version(store: Store):
    document = services.template_text(services.template_names()[0])
    services.check_policy(store, document)
    assert services.latest_number(store) is None
    version = services.load_policy(store, document)
    assert (services.latest_number(store), version.number) == (1, 1)
