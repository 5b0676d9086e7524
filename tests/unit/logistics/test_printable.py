"""What the label's Helvetica prints: Windows-1252 as it is, anything else as its plain letter or "?"."""

from __future__ import annotations

import pytest

from retour.logistics.labels import printable

pytestmark = pytest.mark.unit


def test_french_prints_as_it_is_written():
    assert printable("Zoé à l’hôtel « Œuf » 12 €") == "Zoé à l’hôtel « Œuf » 12 €"


def test_letters_helvetica_lacks_are_printed_plain_not_as_boxes():
    assert printable("Łukasz Dvořák") == "Lukasz Dvorák"  # á is in Windows-1252, ř is not
    assert printable("Đặng Thị") == "Dang Thi"


def test_what_has_no_plain_letter_becomes_a_question_mark():
    assert printable("王芳") == "??"
