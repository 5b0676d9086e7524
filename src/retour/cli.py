"""The ``retour`` command: Django's management commands under one name.

``retour import-orders …`` runs the ``import_orders`` management command; dashes and underscores are
interchangeable in the command name so that the documented spelling (dashes) works.
"""

from __future__ import annotations

import os
import signal
import sys

# What a shell reports for a program stopped by SIGPIPE (128 + 13), as `yes | head` would be.
EXIT_BROKEN_PIPE = 141


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "retour.config.settings")
    args = list(sys.argv if argv is None else argv)
    args[0] = "retour"
    # The command name, and the one `retour help NAME` explains.
    for position in (1, 2) if args[1:2] == ["help"] else (1,):
        if len(args) > position and not args[position].startswith("-"):
            args[position] = args[position].replace("-", "_")
    from django.core.management import execute_from_command_line

    # `retour … | head`: once the reader has had enough, any command stops quietly instead of printing
    # a BrokenPipeError traceback (the recipe of Python's `signal` documentation).
    try:
        try:
            execute_from_command_line(args)
        finally:
            sys.stdout.flush()  # here, not at exit, where a closed pipe could not be caught
    except BrokenPipeError:
        # Python flushes stdout again at exit: point it at /dev/null so that nothing more complains.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_BROKEN_PIPE)
    except KeyboardInterrupt:
        # Ctrl+C (`make run` stopped while the demo loads, say): no traceback; what was not committed is
        # rolled back. Stopped by SIGINT again, as the caller (a shell, make) expects, so that it stops too.
        sys.stderr.write("\n")
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)


if __name__ == "__main__":
    main()
