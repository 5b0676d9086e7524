"""An article file: a YAML front matter block between ``---`` lines, then the Markdown body."""

from __future__ import annotations

from dataclasses import dataclass

import yaml

REQUIRED = ("slug", "lang", "title", "category")


@dataclass(frozen=True)
class ArticleFile:
    slug: str
    language: str
    title: str
    category: str
    tags: tuple[str, ...]
    body: str
    questions: tuple[str, ...] = ()  # "questions this answers", in shoppers' words


class BadArticle(ValueError):
    """What is wrong with one file: a ``problem`` code, and a ``detail`` that says more."""

    def __init__(self, name: str, problem: str, detail: str = "") -> None:
        super().__init__(f"{name}: {problem} {detail}".strip())
        self.name, self.problem, self.detail = name, problem, detail


def parse(text: str, *, name: str = "") -> ArticleFile:
    if not text.startswith("---"):
        raise BadArticle(name, "no_front_matter")
    try:
        _start, head, body = text.split("---", 2)
        meta = yaml.safe_load(head) or {}
    except (ValueError, yaml.YAMLError) as error:
        raise BadArticle(name, "bad_yaml", str(error)) from None
    if not isinstance(meta, dict):
        raise BadArticle(name, "not_mapping")
    missing = [key for key in REQUIRED if not meta.get(key)]
    if missing:
        raise BadArticle(name, "missing", ", ".join(missing))
    if meta["lang"] not in ("en", "fr"):
        raise BadArticle(name, "bad_lang", str(meta["lang"]))
    tags = meta.get("tags") or []
    if not isinstance(tags, list):
        raise BadArticle(name, "bad_tags")
    questions = meta.get("questions") or []
    if not isinstance(questions, list):
        raise BadArticle(name, "bad_questions")
    return ArticleFile(
        slug=str(meta["slug"]),
        language=str(meta["lang"]),
        title=str(meta["title"]),
        category=str(meta["category"]),
        tags=tuple(str(tag) for tag in tags),
        body=body.strip() + "\n",
        questions=tuple(str(question) for question in questions),
    )
