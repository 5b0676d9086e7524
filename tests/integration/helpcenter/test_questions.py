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
