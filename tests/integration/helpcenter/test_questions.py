"""The articles' "questions this answers" are imported, kept in each revision, copied into a store's own
version, and searched."""

from __future__ import annotations

import pytest

from retour.catalog.models import Store
from retour.helpcenter import search
from retour.helpcenter.models import Revision, Translation
from retour.helpcenter.services import overrides
from retour.helpcenter.services.articles import SAMPLE_DIR, import_folder

pytestmark = pytest.mark.django_db


def test_the_shipped_articles_questions_are_imported_kept_and_searched(store: Store):
    import_folder(SAMPLE_DIR)
    costs = Translation.objects.get(article__slug="return-shipping-costs", language="en")
    assert "Who pays for return shipping?" in costs.questions
    assert Revision.objects.filter(translation=costs).get().questions == costs.questions
    assert import_folder(SAMPLE_DIR).unchanged == 40  # importing again changes nothing
    assert search.search("who pays for sending back", "en")[0].slug == "return-shipping-costs"
    own, _created = overrides.write("return-shipping-costs", store, {})
    assert Translation.objects.get(article=own, language="en").questions == costs.questions


def test_a_search_two_shoppers_followed_to_an_article_then_finds_it_in_that_stores_help(store: Store):
    from retour.helpcenter.models import SearchLog

    import_folder(SAMPLE_DIR)
    query = "zorglub postage"  # "zorglub" is no word of the articles
    assert search.search("zorglub", "en", store=store) == []
    for visitor in ("a", "b"):
        SearchLog.objects.create(
            language="en",
            query=query,
            results=1,
            clicked_slug="return-shipping-costs",
            visitor=visitor,
            store=store,
        )
    search.invalidate()  # the learned questions are read again every 10 minutes
    assert search.search("zorglub", "en", store=store)[0].slug == "return-shipping-costs"
    assert search.search("zorglub", "en") == []  # another store's (here: the shared) index learned nothing
