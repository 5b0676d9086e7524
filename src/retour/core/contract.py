"""The shape the evaluation contracts share (``retour policy evaluate``, ``retour claims evaluate``):
cases as JSON Lines from a file or standard input, one JSON object a line out in the same order, an
invalid case answered on its own line with ``{"id": …, "error": …}``, and exit status 1 when any was.

Error messages stay in English whatever the operator's language: they are part of the contracts, read by
programs that compare results.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

STDIN = "-"
Line = bytes | str


class BadLine(Exception):
    """A line that is no case at all (not UTF-8, not JSON): its error object."""

    def __init__(self, result: dict[str, Any]) -> None:
        super().__init__(result["error"])
        self.result = result


def case_lines(path: str) -> Iterator[Line]:
    """The lines of the cases file (or of standard input), one at a time.

    Read as bytes where possible and decoded line by line (``read_case``), so that a line that is not
    UTF-8 is one case in error rather than the end of the evaluation.
    """
    if path == STDIN:
        yield from getattr(sys.stdin, "buffer", sys.stdin)
        return
    file = Path(path)
    if not file.is_file():
        raise CommandError(_("No such file: %(path)s") % {"path": file})
    with file.open("rb") as stream:
        yield from stream


def read_case(line: Line, number: int, *, parse_float: Callable[[str], Any] | None = None) -> Any:
    """The JSON value on line ``number``; ``BadLine`` when it is not UTF-8 or not JSON."""
    try:
        text = line.decode("utf-8") if isinstance(line, bytes) else line
    except UnicodeDecodeError:
        raise BadLine({"id": None, "error": f"line {number} is not UTF-8 text"}) from None
    try:
        return json.loads(text.removeprefix("\ufeff") if number == 1 else text, parse_float=parse_float)
    except json.JSONDecodeError as error:
        raise BadLine({"id": None, "error": f"line {number} is not valid JSON: {error.msg}"}) from None


def evaluate_all(
    command: BaseCommand, lines: Iterable[Line], evaluate: Callable[[Line, int], dict[str, Any]]
) -> None:
    """Write each non-blank line's result; exit 1 after the last one when any case had an error."""
    errors = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue  # a blank line (e.g. at the end of the file) is no case
        result = evaluate(line, number)
        errors += "error" in result
        command.stdout.write(json.dumps(result, ensure_ascii=False))
    if errors:
        command.stderr.write(
            ngettext("%(count)d case had an error.", "%(count)d cases had an error.", errors)
            % {"count": errors}
        )
        command.stdout.flush()
        # Not CommandError: every line is already written, only the exit status is left to give.
        raise SystemExit(1)
