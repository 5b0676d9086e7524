"""The ``retour`` command: Django's management commands under one name.

``retour import-orders …`` runs the ``import_orders`` management command; dashes and underscores are
interchangeable in the command name so that the documented spelling (dashes) works.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "retour.config.settings")
    args = list(sys.argv if argv is None else argv)
    args[0] = "retour"
    # The command name, and the one `retour help NAME` explains.
    for position in (1, 2) if args[1:2] == ["help"] else (1,):
        if len(args) > position and not args[position].startswith("-"):
            args[position] = args[position].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
