"""Pydantic's validation messages in the reader's language: French through gettext, English as pydantic."""

from __future__ import annotations

import typing
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation
from pydantic import ValidationError
from pydantic_core.core_schema import ErrorType

from factories import json_line, json_order
from retour.core import schema_errors
from retour.core.schema_errors import translated_message
from retour.orders.importers.json_orders import OrderIn

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    translation.deactivate()


def messages(order: dict[str, Any], language: str = "en") -> dict[str, str]:
    """Each bad field of ``order`` with its message in ``language`` (the API validates in the request's)."""
    with translation.override(language), pytest.raises(ValidationError) as error:
        OrderIn.model_validate(order)
    with translation.override(language):
        return {
            ".".join(str(part) for part in item["loc"]): translated_message(item)
            for item in error.value.errors(include_url=False)
        }


def broken_order() -> dict[str, Any]:
    order = json_order(
        ordered_at="2025-13-11T09:55:16+02:00",
        shipping="4,90",
        is_gift="maybe",
        customer={"email": "ayumu.example.com"},
        lines=[json_line(quantity=1.5), json_line(unit_price="free"), json_line(title=["Board"])],
        shipments=[{"estimated_delivery_latest": "11/05/2025"}],
    )
    del order["number"]
    return order


def test_the_common_messages_read_in_french():
    assert messages(broken_order(), "fr") == {
        "number": "Champ obligatoire",
        "ordered_at": "Doit être une date et une heure valides avec leur décalage horaire, par exemple "
        "2026-03-02T14:05:00+01:00 (le mois n’est pas compris entre 1 et 12)",
        "shipping": "Doit être un nombre décimal valide",
        "is_gift": "Doit être un booléen valide (true ou false)",
        "customer.email": "ce n’est pas une adresse e-mail valide",
        "lines.0.quantity": "Doit être un nombre entier valide, sans partie décimale",
        "lines.1.unit_price": "Doit être un nombre décimal valide",
        "lines.2.title": "Doit être une chaîne de caractères valide",
        "shipments.0.estimated_delivery_latest": "Doit être une date valide au format AAAA-MM-JJ "
        "(caractère non valide dans l’année)",
    }


def test_the_same_messages_in_english():
    english = messages(broken_order())
    assert english["number"] == "Field required"
    assert english["shipping"] == "Input should be a valid decimal"
    assert english["customer.email"] == "not a valid email address"
    assert (
        english["lines.0.quantity"] == "Input should be a valid integer, got a number with a fractional part"
    )
    assert english["ordered_at"].endswith("(the month is not between 1 and 12)")


def test_an_unknown_field_and_a_choice_in_french():
    order = json_order(coupon="SPRING", financial_status="paid-ish", shipping_country="fra")
    assert messages(order, "fr") == {
        "coupon": "Les champs supplémentaires ne sont pas autorisés",
        "financial_status": "Doit valoir 'pending', 'authorized', 'paid', 'partially_paid', "
        "'partially_refunded', 'refunded' ou 'voided'",
        "shipping_country": "ce n’est pas un code pays à deux lettres (ISO 3166, en majuscules)",
    }


def test_a_count_picks_the_french_plural():
    with translation.override("fr"):
        one = translated_message({"type": "string_too_short", "msg": "", "ctx": {"min_length": 1}})
        two = translated_message({"type": "string_too_long", "msg": "", "ctx": {"max_length": 3}})
        items = translated_message(
            {"type": "too_short", "msg": "", "ctx": {"min_length": 1, "actual_length": 0}}
        )
    assert one == "Doit comporter au moins 1 caractère"
    assert two == "Doit comporter au plus 3 caractères"
    assert items == "Doit comporter au moins 1 élément, et non 0"
    assert messages(json_order(currency="EURO"))["currency"] == "String should have at most 3 characters"


def test_a_bound_reads_as_its_value():
    [message] = messages(json_order(lines=[json_line(quantity=0)]), "fr").values()
    assert message == "Doit être supérieur ou égal à 1"


def test_an_error_we_do_not_rewrite_keeps_its_message():
    assert translated_message({"type": "url_parsing", "msg": "Input should be a valid URL"}) == (
        "Input should be a valid URL"
    )
    # A context that lacks what our message needs (another pydantic version): pydantic's message.
    assert translated_message({"type": "string_too_short", "msg": "too short!", "ctx": {}}) == "too short!"


def test_a_date_problem_we_do_not_know_is_left_out_rather_than_shown_in_english():
    error = {"type": "date_parsing", "msg": "", "ctx": {"error": "something new in speedate"}}
    with translation.override("fr"):
        assert translated_message(error) == "Doit être une date valide au format AAAA-MM-JJ"


def test_every_rewritten_type_is_one_pydantic_raises():
    """A renamed error type would silently fall back to English: this fails instead."""
    assert set(schema_errors._MESSAGES) <= set(typing.get_args(ErrorType))
