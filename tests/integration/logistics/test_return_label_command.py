"""``retour return-label NUMBER --output FILE [--language fr]``."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from retour.cli import main
from retour.returns.models import Return

pytestmark = pytest.mark.django_db


def slip_text(path: Path) -> str:
    return PdfReader(path).pages[1].extract_text()


def test_the_command_writes_the_pdf_in_the_shoppers_language(labelled: Return, tmp_path: Path):
    output = tmp_path / "label.pdf"
    out = io.StringIO()
    call_command("return_label", labelled.number, "--output", str(output), stdout=out)
    assert output.read_bytes().startswith(b"%PDF-")
    assert "Bordereau de retour" in slip_text(output)
    assert str(output) in out.getvalue()


def test_the_retour_command_takes_the_dashed_name_and_a_language(labelled: Return, tmp_path: Path):
    output = tmp_path / "label-en.pdf"
    main(["retour", "return-label", labelled.number, "--output", str(output), "--language", "en"])
    text = slip_text(output)
    assert "Packing slip" in text
    assert labelled.number in text


def test_a_return_without_a_label_is_refused_and_nothing_is_written(approved, tmp_path: Path):
    ret = approved("drop_off")
    output = tmp_path / "none.pdf"
    with pytest.raises(CommandError, match=ret.number):
        call_command("return_label", ret.number, "--output", str(output))
    assert not output.exists()


def test_an_unknown_return_is_refused(db, tmp_path: Path):
    with pytest.raises(CommandError, match="RZZZZZZZZ"):
        call_command("return_label", "RZZZZZZZZ", "--output", str(tmp_path / "x.pdf"))


def test_an_unwritable_output_is_refused(labelled: Return, tmp_path: Path):
    with pytest.raises(CommandError, match="missing"):
        call_command("return_label", labelled.number, "--output", str(tmp_path / "missing" / "x.pdf"))
