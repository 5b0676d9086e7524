"""Markdown to safe HTML: markdown-it renders (raw HTML off), nh3 keeps only harmless tags and attributes.

Headings get ids (for the table of contents); links keep only http(s), mailto and relative targets.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "code", "pre", "blockquote",
    "a", "table", "thead", "tbody", "tr", "th", "td", "hr", "br",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "h2": {"id"}, "h3": {"id"}, "th": {"align"}, "td": {"align"}}


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str


def anchor(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-") or "section"


def render(text: str) -> tuple[str, list[Heading]]:
    """The sanitised HTML of ``text`` and its h2/h3 headings. A top-level ``# title`` becomes an h2: the
    page's own title is the only h1."""
    tokens = _md.parse(text)
    headings: list[Heading] = []
    seen: set[str] = set()
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            level = max(2, int(token.tag[1]))
            token.tag = f"h{level}"
            tokens[index + 2].tag = f"h{level}"
            words = tokens[index + 1].content
            slug, n = anchor(words), 2
            base = slug
            while slug in seen:
                slug, n = f"{base}-{n}", n + 1
            seen.add(slug)
            token.attrSet("id", slug)
            if level <= 3:
                headings.append(Heading(level, words, slug))
    html = _md.renderer.render(tokens, _md.options, {})
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener nofollow",
    )
    return clean, headings


def plain(text: str) -> str:
    """The words of a Markdown text, for the search index and snippets: runs of white space made one space,
    except the no-break spaces French sets before `: ; ! ?` (a snippet keeps them)."""
    return re.sub(r"[^\S\u00a0\u202f]+", " ", re.sub(r"[#>*_`|\[\]()-]+", " ", text)).strip()
