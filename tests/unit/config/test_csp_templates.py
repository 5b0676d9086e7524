"""Shopper templates stay within the Content-Security-Policy: nothing inline for the browser to refuse.

The policy (settings.CONTENT_SECURITY_POLICY) allows scripts and styles only from files on our origin, and
no eval (htmx's hx-on and js: values need it). Put behaviour in a static .js file and looks in retour.css.
Emails are not pages (mail clients need inline styles) and staff pages have a relaxed policy.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.unit

TEMPLATES = Path(settings.PACKAGE_DIR) / "templates"
SHOPPER = ["base.html", "language_switcher.html", "helpcenter", "portal"]
REFUSED = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>"),
    "<style> element": re.compile(r"<style\b"),
    "style attribute": re.compile(r"\sstyle=[\"']"),
    "event handler attribute": re.compile(r"\son[a-z]+=[\"']"),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "hx-on (needs eval)": re.compile(r"\s(?:data-)?hx-on"),
    "js: value (needs eval)": re.compile(r"hx-(?:vals|headers)=[\"']js:|\shx-vars="),
}
COMMENTS = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.DOTALL)


def without_comments(text: str) -> str:
    """The template as rendered would keep it: comments blanked, line numbers kept."""
    return COMMENTS.sub(lambda match: re.sub(r"[^\n]", " ", match.group(0)), text)


def shopper_templates() -> list[Path]:
    found: list[Path] = []
    for name in SHOPPER:
        path = TEMPLATES / name
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.html") if "emails" not in p.parts))
        else:
            found.append(path)
    return found


def test_the_shopper_templates_are_found() -> None:
    names = {p.relative_to(TEMPLATES).as_posix() for p in shopper_templates()}
    assert {"base.html", "helpcenter/home.html", "helpcenter/_search_box.html"} <= names


def test_shopper_templates_have_nothing_inline_the_policy_would_refuse() -> None:
    problems = []
    for path in shopper_templates():
        text = without_comments(path.read_text(encoding="utf-8"))
        for what, pattern in REFUSED.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{path.relative_to(TEMPLATES)}:{line}: {what}: {match.group(0).strip()}")
    assert not problems, "The CSP would refuse these (use a static file instead):\n" + "\n".join(problems)


def test_the_checks_catch_what_they_look_for() -> None:
    samples = {
        "inline <script>": "<script>alert(1)</script> <script defer>x()</script>",
        "<style> element": "<style>.a{}</style>",
        "style attribute": '<p style="color:red">',
        "event handler attribute": '<button onclick="go()">',
        "javascript: URL": '<a href="JavaScript:go()">',
        "hx-on (needs eval)": '<form hx-on::after-request="x()">',
        "js: value (needs eval)": "<div hx-vals='js:{a: 1}'>",
    }
    for what, sample in samples.items():
        assert REFUSED[what].search(sample), what
    allowed = (
        '<script src="/static/retour/htmx.min.js" defer></script><script type="application/json">{}</script>'
        "{# a <style> in a comment #}"
    )
    assert not any(pattern.search(without_comments(allowed)) for pattern in REFUSED.values())
