"""The `retour` command: Django's management commands under one name, spelled with dashes."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from retour.cli import EXIT_BROKEN_PIPE, main

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


def run_into_a_closed_pipe(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``retour ARGS`` with its standard output a pipe nobody reads any more (``retour … | head``
    once head has had its lines); the pipe is closed before the command starts, so it always sees it."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(  # noqa: S603 - our own command, with fixed arguments
            [sys.executable, "-m", "retour.cli", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)


@pytest.mark.parametrize("args", [("help",), ("help", "--commands"), ("diffsettings",)])
def test_a_command_writing_into_a_closed_pipe_stops_quietly(args: tuple[str, ...]):
    finished = run_into_a_closed_pipe(*args)
    assert finished.stderr == ""
    assert finished.returncode == EXIT_BROKEN_PIPE == 141


def test_a_closed_pipe_at_the_final_flush_stops_quietly_too(monkeypatch: pytest.MonkeyPatch):
    """The output fits in the buffer: the pipe is found closed only when stdout is flushed."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    with os.fdopen(write_end, "w") as closed:
        monkeypatch.setattr("sys.stdout", closed)
        with pytest.raises(SystemExit) as exit_:
            main(["retour", "help", "--commands"])
        assert exit_.value.code == EXIT_BROKEN_PIPE
        # stdout now writes to /dev/null, so closing it (and Python's flush at exit) raises nothing.
        print("more output", file=closed)
