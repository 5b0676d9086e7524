"""The `retour` command: Django's management commands under one name, spelled with dashes."""

from __future__ import annotations

import os
import signal
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


def test_ctrl_c_stops_a_command_without_a_traceback_and_as_interrupted():
    """Ctrl+C while a command works (the demo loading under `make run`): no traceback, and the command
    ends as interrupted by SIGINT, so that the shell or make that started it stops too."""
    command = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "retour.cli",
            "shell",
            "--no-imports",
            "-c",
            "print('working', flush=True); import time; time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert command.stdout is not None
    assert command.stdout.readline() == "working\n"  # started: Django is set up, the command runs
    command.send_signal(signal.SIGINT)
    _out, err = command.communicate(timeout=60)
    assert "Traceback" not in err
    assert command.returncode == -signal.SIGINT
