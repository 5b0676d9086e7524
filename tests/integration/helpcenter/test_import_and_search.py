"""Importing the help center (twice changes nothing; a bad file imports nothing) and searching it."""

from __future__ import annotations

import json
import shutil

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from retour.helpcenter.models import Article, Revision, Synonym, Translation
from retour.helpcenter.search import search

pytestmark = pytest.mark.django_db


@pytest.fixture
def kb(kb_dir):
    return kb_dir


@pytest.fixture
def imported(kb):
    call_command("helpcenter", "import", str(kb))


def test_the_corpus_imports_in_both_languages_and_again_changes_nothing(kb, capsys):
    call_command("helpcenter", "import", str(kb))
    assert "40 created" in capsys.readouterr().out
    assert Article.objects.count() == 20
    assert Translation.objects.filter(language="fr").count() == 20
    call_command("helpcenter", "import", str(kb))
    assert "40 unchanged" in capsys.readouterr().out
    assert Revision.objects.count() == 40


def test_an_edited_file_updates_and_keeps_a_revision(kb, tmp_path, capsys):
    copy = tmp_path / "kb"
    shutil.copytree(kb, copy)
    call_command("helpcenter", "import", str(copy))
    page = copy / "en" / "refund-timelines.md"
    head, body = page.read_text().rsplit("---", 1)
    page.write_text(head + "---" + body + "\nUpdated: refunds to PayPal take one more day.\n")
    call_command("helpcenter", "import", str(copy))
    assert "1 updated" in capsys.readouterr().out
    assert (
        Revision.objects.filter(
            translation__article__slug="refund-timelines", translation__language="en"
        ).count()
        == 2
    )


def test_a_bad_file_imports_nothing_and_says_which(kb, tmp_path):
    copy = tmp_path / "kb"
    shutil.copytree(kb, copy)
    (copy / "fr" / "broken.md").write_text("no front matter here")
    with pytest.raises(CommandError):
        call_command("helpcenter", "import", str(copy))
    assert not Article.objects.exists()


def test_search_the_shoppers_language_first_with_typos_and_accents(imported):
    assert search("remboursment carte", "fr")[0].slug == "refund-methods"
    assert search("refnud late", "en")[0].slug == "late-or-missing-refund"
    assert all(r.language == "fr" for r in search("étiquette", "fr")[:3])


def test_synonyms_staff_add_are_used_at_once(imported):
    before = [r.slug for r in search("moolah", "en")]
    Synonym.objects.create(language="en", phrase="moolah", means="refund")
    after = [r.slug for r in search("moolah", "en")]
    assert before == []
    assert after
    assert "refund" in after[0]


def test_search_command_json_and_queries_file(imported, tmp_path, capsys):
    call_command("helpcenter", "search", "imprimer étiquette", "--lang", "fr", "--json")
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["slug"] == "print-return-label-and-pack"
    assert set(rows[0]) == {"slug", "lang", "title", "score"}
    queries = tmp_path / "q.jsonl"
    queries.write_text('{"id": "a", "lang": "en", "query": "exchange size"}\nnot json\n')
    call_command("helpcenter", "search", "--queries", str(queries))
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines[0]["id"] == "a"
    assert lines[0]["results"][0]["slug"] == "exchange-size-or-colour"
    assert len(lines[0]["results"]) <= 10
    assert "error" in lines[1]


def test_editing_in_the_admin_renders_safely_and_keeps_a_revision(imported, admin_client):
    article = Article.objects.get(slug="refund-timelines")
    translation = article.translations.get(language="en")
    url = reverse("admin:helpcenter_article_change", args=[article.pk])
    form = {
        "slug": article.slug,
        "category": article.category_id,
        "status": "published",
        "translations-TOTAL_FORMS": "2",
        "translations-INITIAL_FORMS": "2",
        "translations-MIN_NUM_FORMS": "0",
        "translations-MAX_NUM_FORMS": "1000",
    }
    for i, t in enumerate(article.translations.order_by("id")):
        body = t.body + "\n<script>alert(1)</script>\n" if t.pk == translation.pk else t.body
        form.update(
            {
                f"translations-{i}-id": t.pk,
                f"translations-{i}-article": article.pk,
                f"translations-{i}-language": t.language,
                f"translations-{i}-title": t.title,
                f"translations-{i}-tags": json.dumps(t.tags),
                f"translations-{i}-body": body,
            }
        )
    response = admin_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    translation.refresh_from_db()
    assert "<script>" in translation.body
    assert "<script" not in translation.html
    assert translation.revisions.count() == 2
    assert translation.revisions.first().source == "admin"


def test_the_demo_loads_the_whole_bilingual_help_center(capsys):
    call_command("demo", "--orders", "3", "--now", "2026-03-01")
    assert "Help center: 40 articles created" in capsys.readouterr().out
    assert Article.objects.count() == 20
    assert Translation.objects.filter(language="fr").count() == 20
    # One word, "refunded": any refund article answers it; the two on when it arrives are near the top.
    found = [r.slug for r in search("remboursé", "fr")]
    assert "refund" in found[0]
    assert {"refund-timelines", "late-or-missing-refund"} & set(found[:3])
