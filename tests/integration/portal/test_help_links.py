"""Every help article the shopper portal links to exists, in English and in French, in the help center
the demo loads: a link from a returns page never ends on "there is no article"."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from retour.helpcenter.domain.frontmatter import parse
from retour.helpcenter.services.articles import SAMPLE_DIR
from retour.portal.help import STEPS

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[3] / "src" / "retour"
# reverse("helpcenter:article", args=["slug"]) in Python, {% url 'helpcenter:article' 'slug' %} in templates.
IN_PYTHON = re.compile(r"""reverse\(\s*["']helpcenter:article["']\s*,\s*args=\[\s*["']([\w-]+)["']""")
IN_TEMPLATES = re.compile(r"""\{%\s*url\s+["']helpcenter:article["']\s+["']([\w-]+)["']""")


def linked_slugs() -> dict[str, str]:
    """slug -> where the portal names it: the help beside each step, and every article named in the code."""
    found = {slug: f"portal.help.STEPS[{step!r}]" for step, slugs in STEPS.items() for slug in slugs}
    for path in sorted(SRC.rglob("*.py")):
        for slug in IN_PYTHON.findall(path.read_text(encoding="utf-8")):
            found.setdefault(slug, str(path.relative_to(SRC)))
    for path in sorted(SRC.rglob("*.html")):
        for slug in IN_TEMPLATES.findall(path.read_text(encoding="utf-8")):
            found.setdefault(slug, str(path.relative_to(SRC)))
    return found


def test_the_scan_finds_the_articles_named_in_the_code_not_only_the_steps():
    steps = {slug for slugs in STEPS.values() for slug in slugs}
    assert set(linked_slugs()) - steps  # e.g. marketplace-guarantee, named by the order page


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_linked_article_is_written_in_each_language(language):
    missing = {}
    for slug, where in linked_slugs().items():
        path = SAMPLE_DIR / language / f"{slug}.md"
        if not path.is_file() or parse(path.read_text(encoding="utf-8"), name=path.name).slug != slug:
            missing[slug] = where
    assert not missing, f"linked from the portal, missing from the demo's help center ({language}): {missing}"


def test_every_linked_article_opens_after_the_demo_in_both_languages():
    call_command("demo", "--orders", "3", "--now", "2026-03-01", stdout=io.StringIO(), stderr=io.StringIO())
    client = Client()
    for slug in linked_slugs():
        for language in ("en", "fr"):
            response = client.get(
                reverse("helpcenter:article", args=[slug]), headers={"Accept-Language": language}
            )
            assert response.status_code == 200, (slug, language)
            assert f'<article lang="{language}">' in response.content.decode(), (slug, language)
