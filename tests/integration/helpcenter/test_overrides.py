"""A store's staff write the store's own version of a shared article, from the back office (English and
French pages), the API or the command line; the shared article never changes."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from retour.api.models import ApiToken
from retour.backoffice.models import StaffStore
from retour.backoffice.roles import ADMINISTRATORS
from retour.catalog.models import Store
from retour.helpcenter.models import Article, Category, Revision, Translation
from retour.helpcenter.services import overrides
from retour.helpcenter.services.articles import save_translation

pytestmark = pytest.mark.django_db
SLUG = "return-shipping-costs"


@pytest.fixture
def shared() -> Article:
    category = Category.objects.create(slug="returns", title_en="Returns", title_fr="Retours")
    article = Article.objects.create(slug=SLUG, category=category)
    save_translation(
        article, "en", "Return shipping", ["fee"], "# Fee\n\nReturns cost 4.95.", source="import"
    )
    save_translation(
        article, "fr", "Frais de retour", ["frais"], "# Frais\n\nUn retour coûte 4,95.", source="import"
    )
    return article


def member(username: str, *stores: Store) -> User:
    user = User.objects.create_user(username, is_staff=True)
    user.groups.add(Group.objects.get(name=ADMINISTRATORS))
    for store in stores:
        StaffStore.objects.create(user=user, store=store)
    return user


def texts(article: Article) -> dict[str, tuple[str, str]]:
    return {t.language: (t.title, t.body) for t in Translation.objects.filter(article=article)}


def test_writing_a_stores_version_copies_the_shared_one_once_and_leaves_it_unchanged(shared, store):
    before = texts(shared)
    own, created = overrides.write(
        SLUG, store, {"fr": ("Retours gratuits", "Chez nous, le retour est gratuit.")}
    )
    again, created_again = overrides.write(SLUG, store, {})
    assert (created, created_again, own.pk) == (True, False, again.pk)
    assert texts(own) == {"en": before["en"], "fr": ("Retours gratuits", "Chez nous, le retour est gratuit.")}
    assert Translation.objects.get(article=own, language="en").tags == ["fee"]
    assert texts(shared) == before
    assert Revision.objects.filter(translation__article=own, source="override").count() == 3


def test_a_bad_text_or_an_unknown_article_changes_nothing(shared, store):
    with pytest.raises(overrides.OverrideRefused):
        overrides.write(SLUG, store, {"en": ("Fine", "Fine."), "fr": ("", "Pas de titre.")})
    with pytest.raises(overrides.DefaultNotFound):
        overrides.write("no-such-article", store, {})
    assert not Article.objects.filter(store=store).exists()


def test_staff_write_a_stores_version_from_the_back_office_in_english_and_french(shared, store, other_store):
    client = Client()
    client.force_login(member("writer", store))
    listing = client.get(reverse("backoffice:help-articles")).content.decode()
    assert "Return shipping" in listing
    assert "Write its own version" in listing
    french = client.get(reverse("backoffice:help-articles"), headers={"accept-language": "fr"})
    assert "Écrire sa propre version" in french.content.decode()
    form = client.get(reverse("backoffice:help-override", args=[store.code, SLUG]))
    assert "Returns cost 4.95." in form.content.decode()  # starts from the shared text
    answer = client.post(
        reverse("backoffice:help-override", args=[store.code, SLUG]),
        {"title_en": "Free returns", "body_en": "Returns are free here.", "title_fr": "Frais de retour",
         "body_fr": "# Frais\n\nUn retour coûte 4,95."},
    )  # fmt: skip
    assert answer.status_code == 302
    own = Article.objects.get(slug=SLUG, store=store)
    assert texts(own)["en"] == ("Free returns", "Returns are free here.")
    assert "Edit its own version" in client.get(answer["Location"]).content.decode()
    # another store's page is not found, as if it did not exist
    assert client.get(reverse("backoffice:help-override", args=[other_store.code, SLUG])).status_code == 404


def test_an_empty_title_is_refused_with_a_french_message_and_changes_nothing(shared, store):
    client = Client()
    client.force_login(member("writer", store))
    answer = client.post(
        reverse("backoffice:help-override", args=[store.code, SLUG]),
        {"title_en": "", "body_en": "x", "title_fr": "Titre", "body_fr": "Texte"},
        headers={"accept-language": "fr"},
    )
    assert answer.status_code == 200
    assert "Ce champ est obligatoire." in answer.content.decode()
    assert not Article.objects.filter(store=store).exists()


def test_staff_without_the_permission_cannot_open_the_pages(shared, store):
    client = Client()
    client.force_login(User.objects.create_user("agent", is_staff=True))
    assert client.get(reverse("backoffice:help-articles")).status_code == 403


def test_the_api_writes_a_stores_version_once_and_refuses_another_stores_token(shared, store, other_store):
    user = member("api-writer")
    _record, token = ApiToken.issue(user, "help")
    client = Client(headers={"Authorization": f"Bearer {token}"})
    body = {"slug": SLUG, "texts": [{"lang": "en", "title": "Free returns", "body": "Returns are free."}]}
    made = client.post(f"/api/v1/help/overrides?store={store.code}", body, content_type="application/json")
    assert made.status_code == 201, made.content
    assert made.json() == {"slug": SLUG, "store": store.code, "own": True}
    again = client.post(f"/api/v1/help/overrides?store={store.code}", body, content_type="application/json")
    assert again.status_code == 200
    listed = client.get(f"/api/v1/help/overrides?store={store.code}").json()
    assert listed == [{"slug": SLUG, "store": store.code, "own": True}]
    bad = {"slug": SLUG, "texts": [{"lang": "fr", "title": "", "body": "x"}]}
    refused = client.post(
        f"/api/v1/help/overrides?store={other_store.code}", bad, content_type="application/json"
    )
    assert refused.status_code == 422
    assert not Article.objects.filter(store=other_store).exists()
    _record, bound = ApiToken.issue(user, "bound", store=other_store)
    other = Client(headers={"Authorization": f"Bearer {bound}"})
    denied = other.post(f"/api/v1/help/overrides?store={store.code}", body, content_type="application/json")
    assert denied.status_code == 404
    plain = User.objects.create_user("reader", is_staff=True)
    plain.user_permissions.add(Permission.objects.get(codename="view_article"))
    _record, weak = ApiToken.issue(plain, "weak")
    forbidden = Client(headers={"Authorization": f"Bearer {weak}"}).post(
        f"/api/v1/help/overrides?store={store.code}", body, content_type="application/json"
    )
    assert forbidden.status_code == 403


def test_the_command_line_writes_a_stores_version_and_searches_its_help_center(
    shared, store, other_store, tmp_path, capsys
):
    text = tmp_path / "fr.md"
    text.write_text("Chez nous, le retour en consigne automatique est gratuit.", encoding="utf-8")
    call_command("helpcenter", "override", SLUG, "--store", store.code, "--lang", "fr", "--title",
                 "Retours gratuits", "--body-file", str(text))  # fmt: skip
    assert "test-store now shows its own version of return-shipping-costs." in capsys.readouterr().out
    own = Article.objects.get(slug=SLUG, store=store)
    assert texts(own)["fr"][0] == "Retours gratuits"
    queries = tmp_path / "q.jsonl"
    queries.write_text(json.dumps({"id": "q1", "lang": "fr", "query": "consigne automatique"}) + "\n")
    call_command("helpcenter", "search", "--queries", str(queries), "--store", store.code)
    assert json.loads(capsys.readouterr().out)["results"][0]["slug"] == SLUG
    call_command("helpcenter", "search", "--queries", str(queries), "--store", other_store.code)
    assert json.loads(capsys.readouterr().out)["results"] == []
    with pytest.raises(CommandError, match="--body-file together"):
        call_command("helpcenter", "override", SLUG, "--store", store.code, "--lang", "fr")
    with pytest.raises(CommandError, match="There is no shared article nope"):
        call_command("helpcenter", "override", "nope", "--store", store.code)


def test_importing_the_shared_articles_again_leaves_a_stores_own_version_alone(shared, store, tmp_path):
    from retour.helpcenter.services.articles import import_folder

    own, _created = overrides.write(SLUG, store, {"en": ("Free returns", "Returns are free here.")})
    folder = tmp_path / "en"
    folder.mkdir()
    (folder / f"{SLUG}.md").write_text(
        f'---\nslug: {SLUG}\nlang: en\ntitle: "Return shipping"\ncategory: returns\n---\n\n'
        "Returns cost 5.95.\n",
        encoding="utf-8",
    )
    assert import_folder(tmp_path).updated == 1
    assert texts(shared)["en"] == ("Return shipping", "Returns cost 5.95.\n")
    assert texts(own)["en"] == ("Free returns", "Returns are free here.")
