"""French typography: a no-break space before `: ; ! ?` and inside « », checked and applied.

French sets a space before the "high" punctuation marks and inside guillemets, and that space must not break
(a line never starts with `:` or `»`): U+00A0 (no-break space) or U+202F (narrow no-break space). `problems`
lists where a French text breaks the rule; `fix` applies it, and is what converted the catalogue. Colons
inside a time (10:30), a URL (https://, and anywhere in a link) or a format placeholder ({x:>3}), and
question marks starting a query string, a mark named in brackets "(;)" and code samples in braces
{EUR: "4.95"} are not French punctuation and are left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NO_BREAK = "\u00a0"
NARROW_NO_BREAK = "\u202f"
KEEPS = {NO_BREAK, NARROW_NO_BREAK}
HIGH = ":;!?"
# What may follow a punctuation mark for it to be one: the end, a space, a line break, a closing mark.
AFTER = re.compile(r"(?:$|[\s\"'’»)\].,;:!?<…*_]|\\n)")


@dataclass(frozen=True)
class Problem:
    index: int
    mark: str
    context: str


def _is_punctuation(text: str, index: int) -> bool:
    mark = text[index]
    before = text[index - 1] if index else ""
    after = text[index + 1 :]
    if not AFTER.match(after):
        return False  # 10:30, https://, mailto:x, ?page=1, {x:>3}, a:b
    if mark == ":" and before.isdigit() and after[:1].isdigit():
        return False
    if before in HIGH and before in "!?" and mark in "!?":
        return False  # ?! : the second mark follows the first
    if before in "([\"'":
        return False  # the mark itself, named: "(;)"
    if text.count("{", 0, index) > text.count("}", 0, index):
        return False  # inside a code sample or a placeholder: {EUR: "4.95"}, {x:>3}
    word = re.split(r"\s", text[:index])[-1]
    if "://" in word:
        return False  # inside a URL: a signed link's token may hold ":_" (https://…/abc:_xyz/)
    return bool(before) and before != "\n"


def _ops(text: str) -> list[tuple[int, str]]:
    """Edits that make `text` right: (index, "replace") turns the space at index into a no-break space,
    (index, "insert") adds one before the character at index."""
    ops: list[tuple[int, str]] = []
    for index, char in enumerate(text):
        if char in HIGH and _is_punctuation(text, index):
            before = text[index - 1]
            if before in KEEPS or (before in "!?" and char in "!?"):
                continue
            ops.append((index - 1, "replace") if before == " " else (index, "insert"))
        elif char == "«":
            after = text[index + 1 : index + 2]
            if after in KEEPS or not after:
                continue
            ops.append((index + 1, "replace") if after == " " else (index + 1, "insert"))
        elif char == "»":
            before = text[index - 1] if index else ""
            if before in KEEPS or not before:
                continue
            ops.append((index - 1, "replace") if before == " " else (index, "insert"))
    return ops


def problems(text: str) -> list[Problem]:
    return [
        Problem(index, mark, text[max(0, index - 20) : index + 20])
        for index, kind in _ops(text)
        for mark in [text[index] if kind == "insert" else text[index + 1]]
    ]


def fix(text: str) -> str:
    out = list(text)
    for index, kind in sorted(_ops(text), reverse=True):
        if kind == "replace":
            out[index] = NO_BREAK
        else:
            out.insert(index, NO_BREAK)
    return "".join(out)
