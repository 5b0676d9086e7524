"""The `retour` command: Django's management commands under one name, spelled with dashes."""

from __future__ import annotations

import pytest

from retour.cli import main

pytestmark = pytest.mark.unit


def test_a_dashed_command_name_runs_the_management_command(capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit) as exit_:
        main(["retour", "import-orders", "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: retour import_orders")
    assert "--format" in out
    assert "--store" in out


def test_help_explains_a_dashed_command_name(capsys: pytest.CaptureFixture[str]):
    main(["retour", "help", "create-api-token"])
    out = capsys.readouterr().out
    assert out.startswith("usage: retour create_api_token")
    assert "username" in out


def test_an_unknown_command_fails(capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit) as exit_:
        main(["retour", "no-such-command"])
    assert exit_.value.code == 1
    assert "Unknown command: 'no_such_command'" in capsys.readouterr().err
