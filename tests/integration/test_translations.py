"""The French catalogue: complete, faithful to its placeholders, compiled, and used by every surface.

Every string a person reads exists in English and French. These tests fail when the catalogue has an
untranslated or fuzzy entry, a translation that lost or invented a placeholder, a compiled .mo older
than its .po (`make install` or `retour compilemessages` recompiles it), or a marked string missing
from the catalogue (`make messages` extracts it).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import django
import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command, load_command_class
from django.test import Client
from django.utils import translation
from pytest_django.fixtures import Settings

import typography
from factories import imported_order
from retour.catalog.models import Store
from retour.orders.importers import parsing
from retour.orders.importers.records import RowError, complete
from retour.orders.models import Order
from retour.policies import services
from retour.policies.forms import refusal_messages

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
FRENCH_PO = LOCALE_DIR / "fr" / "LC_MESSAGES" / "django.po"
FRENCH_MO = FRENCH_PO.with_suffix(".mo")
PACKAGE_DIR = LOCALE_DIR.parent
# French for third-party apps that ship none, written by hand (makemessages never touches it).
VENDOR_PO = Path(settings.LOCALE_PATHS[1]) / "fr" / "LC_MESSAGES" / "django.po"

# printf-style placeholders as Python's % operator reads them: %(name)s, %d, %.2f; %% is a literal.
PERCENT = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<kind>[a-zA-Z%])"
)
# str.format placeholders: {name}, {0}, {name!r:>10}; {{ and }} are literal braces.
BRACES = re.compile(r"(?<!\{)\{(?P<field>[^{}!:]*)[^{}]*\}(?!\})")


def read_catalogue(path: Path = FRENCH_PO) -> Catalog:
    with path.open("rb") as stream:
        return read_po(stream, locale="fr", abort_invalid=True)


def entries(catalogue: Catalog) -> Iterator[Message]:
    """Every message but the header."""
    return (message for message in catalogue if message.id)


def msgid_of(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def forms(message: Message) -> list[str]:
    return [message.string] if isinstance(message.string, str) else list(message.string)


def percent_placeholders(text: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """The named placeholders (with their conversion) as a set, the positional ones in order."""
    found = [match for match in PERCENT.finditer(text) if match["kind"] != "%"]
    named = frozenset(f"%({match['name']}){match['kind']}" for match in found if match["name"] is not None)
    positional = tuple(f"%{match['kind']}" for match in found if match["name"] is None)
    return named, positional


def brace_placeholders(text: str) -> frozenset[str]:
    return frozenset(match["field"] for match in BRACES.finditer(text))


def compiled_forms(path: Path) -> dict[tuple[str | None, str], list[str]]:
    """A compiled catalogue's translations by (context, msgid).

    babel's read_mo leaves a message's context as bytes, so ``Catalog.get(id, context=…)`` misses it.
    """
    with path.open("rb") as stream:
        compiled = read_mo(stream)
    found = {}
    for message in entries(compiled):
        context = message.context.decode() if isinstance(message.context, bytes) else message.context
        found[(context, msgid_of(message))] = forms(message)
    return found


def django_translations() -> dict[str, set[str]]:
    """What Django's and the third-party apps' own French catalogues say for each msgid (no context)."""
    theirs: dict[str, set[str]] = {}
    django_dirs = [Path(django.__file__).parent / "conf"]
    django_dirs += [Path(app.path) for app in apps.get_app_configs() if not app.name.startswith("retour.")]
    for directory in django_dirs:
        compiled = directory / "locale" / "fr" / "LC_MESSAGES" / "django.mo"
        if compiled.is_file():
            with compiled.open("rb") as stream:
                for message in read_mo(stream):
                    if message.id and isinstance(message.id, str) and not message.context:
                        theirs.setdefault(message.id, set()).add(str(message.string))
    return theirs


def placeholders(message: Message, text: str) -> object:
    if "python-brace-format" in message.flags:
        return brace_placeholders(text)
    if "python-format" in message.flags:
        return percent_placeholders(text)
    return None


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Each test starts and ends in the default language.

    LocaleMiddleware activates the request's language for the thread and nothing deactivates it, so a
    French request made through the test client would otherwise leave French on for the next test.
    """
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(scope="module")
def catalogue() -> Catalog:
    assert FRENCH_PO.is_file(), f"{FRENCH_PO} is missing: run `make messages` and translate it"
    return read_catalogue()


# The catalogue itself


def test_the_catalogue_is_the_french_one(catalogue: Catalog):
    assert catalogue.locale is not None
    assert str(catalogue.locale) == "fr"
    assert catalogue.num_plurals == 2
    assert catalogue.plural_expr == "(n > 1)"
    assert len(list(entries(catalogue))) > 100


def test_every_entry_is_translated_and_checked(catalogue: Catalog):
    fuzzy = [msgid_of(message) for message in entries(catalogue) if message.fuzzy]
    untranslated = [
        msgid_of(message)
        for message in entries(catalogue)
        if not all(form.strip() for form in forms(message))
    ]
    assert not fuzzy, f"fuzzy entries, to check and unflag: {fuzzy}"
    assert not untranslated, f"entries without a French translation: {untranslated}"
    assert not catalogue.fuzzy, "the header is still marked fuzzy"


def test_plural_entries_have_every_french_form(catalogue: Catalog):
    for message in entries(catalogue):
        if message.pluralizable:
            assert len(forms(message)) == catalogue.num_plurals, msgid_of(message)


def test_django_picks_the_french_plural_form(catalogue: Catalog):
    """French uses the singular for 0 and 1 (Plural-Forms: n > 1), through the compiled catalogue."""
    plurals = [message for message in entries(catalogue) if message.pluralizable]
    for message in plurals:
        singular, plural = message.id
        one, many = message.string
        with translation.override("fr"):
            for count, expected in ((0, one), (1, one), (2, many), (31, many)):
                if message.context:
                    assert translation.npgettext(message.context, singular, plural, count) == expected
                else:
                    assert translation.ngettext(singular, plural, count) == expected


def test_translations_keep_the_placeholders_of_the_english(catalogue: Catalog):
    mismatches = []
    for message in entries(catalogue):
        english = message.id if isinstance(message.id, str) else message.id[-1]  # msgid_plural
        expected = placeholders(message, english)
        for form in forms(message):
            if placeholders(message, form) != expected:
                mismatches.append((english, form))
    assert not mismatches, "translations whose placeholders differ from the English:\n" + "\n".join(
        f"  {english!r}\n  {french!r}" for english, french in mismatches
    )


def test_the_placeholder_check_sees_a_lost_or_invented_placeholder():
    message = Message("%(count)d orders in %(store)s", flags=["python-format"])
    english = placeholders(message, message.id)
    assert placeholders(message, "%(count)d commandes dans %(store)s") == english
    assert placeholders(message, "%(count)d commandes") != english
    assert placeholders(message, "%(count)s commandes dans %(store)s") != english
    assert placeholders(message, "%(count)d commandes dans %(shop)s") != english
    assert percent_placeholders("100 %% remboursé, %d fois") == (frozenset(), ("%d",))
    brace = Message("Hello {name}", flags=["python-brace-format"])
    assert placeholders(brace, "Bonjour {name}") == placeholders(brace, brace.id)
    assert placeholders(brace, "Bonjour {nom}") != placeholders(brace, brace.id)


@pytest.mark.parametrize("po", [FRENCH_PO, VENDOR_PO], ids=["retour", "vendor"])
def test_the_compiled_catalogue_matches_the_po_file(po: Path):
    mo = po.with_suffix(".mo")
    assert mo.is_file(), f"{mo} is missing: run `make install` (or `retour compilemessages`)"
    compiled = compiled_forms(mo)
    stale = [
        msgid_of(message)
        for message in entries(read_catalogue(po))
        if compiled.get((message.context, msgid_of(message))) != forms(message)
    ]
    assert not stale, (
        f"{mo} is older than {po.name}: recompile it with `retour compilemessages`; out of date: {stale}"
    )


@pytest.mark.parametrize("po", [FRENCH_PO, VENDOR_PO], ids=["retour", "vendor"])
def test_the_compiled_french_keeps_its_typography(po: Path):
    """A no-break space before `: ; ! ?` and inside « », in every compiled French string."""
    wrong = {
        msgid: [problem.context for problem in typography.problems(text)]
        for (_context, msgid), texts in compiled_forms(po.with_suffix(".mo")).items()
        for text in texts
        if typography.problems(text)
    }
    assert not wrong, f"French punctuation needs a no-break space (U+00A0 or U+202F) before it: {wrong}"


def test_a_string_django_translates_too_reads_the_same(catalogue: Catalog):
    """LOCALE_PATHS wins over every app's catalogue, so Retour's "active" would also relabel the user
    admin's "active" checkbox. A msgid Django's own French catalogues know keeps their translation,
    unless the difference is deliberate and listed here; a word that must read differently here takes a
    context (pgettext), as the language switcher's "Change" and a policy version's "active" do."""
    deliberate: set[str] = set()
    theirs = django_translations()
    different = {
        message.id: (message.string, sorted(theirs[message.id]))
        for message in entries(catalogue)
        if isinstance(message.id, str)
        and not message.context
        and message.id in theirs
        and message.id not in deliberate
        and message.string not in theirs[message.id]
    }
    assert not different, f"translated differently from Django's own catalogues: {different}"


def test_the_vendor_catalogue_is_translated_and_only_adds_what_is_missing(catalogue: Catalog):
    """locale_vendor holds French for third-party strings only: each entry translated, none that
    Retour's own catalogue has (it would never be read: the first of LOCALE_PATHS wins), none that a
    Django or third-party catalogue already translates differently."""
    vendor = read_catalogue(VENDOR_PO)
    assert str(vendor.locale) == "fr"
    assert vendor.plural_expr == catalogue.plural_expr
    ours = {(message.context, msgid_of(message)) for message in entries(catalogue)}
    theirs = django_translations()
    for message in entries(vendor):
        key = (message.context, msgid_of(message))
        assert not message.fuzzy, key
        assert all(form.strip() for form in forms(message)), key
        assert key not in ours, f"{key} is Retour's own: translate it in {FRENCH_PO.name}"
        if message.context is None and message.id in theirs:
            assert message.string in theirs[message.id], key


@pytest.mark.django_db
def test_the_back_office_names_third_party_apps_in_french():
    client = Client()
    client.force_login(User.objects.create_superuser("admin", "admin@example.com"))
    html = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Tâches en arrière-plan" in html  # the task app's name (retour.core.vendor_apps)
    assert "Résultats de tâches" in html  # its model, from locale_vendor
    assert "Tasks Database Backend" not in html
    assert "Task Results" not in html


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_every_marked_string_is_in_the_catalogue(
    catalogue: Catalog, tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
):
    """Extract the sources afresh (in a copy: the real catalogue is never written) and compare."""
    copy = tmp_path / "retour"
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("locale", "__pycache__", "*.pyc"))
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["fr"], verbosity=0)
    extracted = read_catalogue(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po")

    def keys(of: Catalog) -> set[tuple[str | None, str]]:
        return {(message.context, msgid_of(message)) for message in entries(of)}

    missing = sorted(keys(extracted) - keys(catalogue), key=str)
    obsolete = sorted(keys(catalogue) - keys(extracted), key=str)
    assert not missing, f"marked strings that are not in the catalogue (`make messages`): {missing}"
    assert not obsolete, f"entries no source uses any more (`make messages` removes them): {obsolete}"


# The catalogue in use


def test_a_message_is_translated_where_the_code_raises_it():
    with translation.override("fr"), pytest.raises(parsing.FieldError) as error:
        parsing.quantity("0")
    assert str(error.value) == "la quantité doit être au moins égale à 1"
    with pytest.raises(parsing.FieldError) as error:
        parsing.quantity("0")
    assert str(error.value) == "the quantity must be at least 1"


@pytest.mark.django_db
def test_the_home_page_is_in_french_for_a_french_browser():
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    # No store yet: the portal is named by what it does, not "Retour".
    assert "<title>Retourner un article · Retours et remboursements</title>" in html
    assert "<h1>Retourner un article</h1>" in html
    assert "Retours et remboursements" in html  # base.html's footer and the home page
    assert "Aller au contenu" in html
    assert "Return an item" not in html


@pytest.mark.django_db
def test_the_home_page_is_in_english_without_a_language():
    html = Client().get("/").content.decode()
    assert '<html lang="en">' in html
    assert "<h1>Return an item</h1>" in html
    assert "Returns & refunds" in html
    assert "Retourner un article" not in html


@pytest.mark.django_db
def test_the_language_switcher_turns_the_next_page_french():
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    html = client.get("/").content.decode()  # no Accept-Language: the cookie decides
    assert "<h1>Retourner un article</h1>" in html
    assert 'aria-label="Langue"' in html
    assert 'value="fr" lang="fr" aria-current="true">Français</button>' in html


@pytest.mark.django_db
def test_the_back_office_is_in_french():
    client = Client()
    client.force_login(User.objects.create_superuser("admin", "admin@example.com"))
    response = client.get("/admin/orders/order/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    html = response.content.decode()
    with translation.override("fr"):
        assert str(Order._meta.verbose_name_plural) == "commandes"
    # The breadcrumbs: the app, then the model's plural name.
    assert re.search(r'<a href="/admin/orders/">Commandes</a>\s*&rsaquo;\s*Commandes\s*<', html), html
    assert '<div id="site-name"><a href="/admin/">Back-office Retour</a></div>' in html
    assert "| Back-office Retour</title>" in html
    assert "Lignes de commande" in html  # the navigation sidebar names the other models
    assert "Retour back office" not in html


@pytest.mark.django_db
def test_a_command_refuses_in_french(store: Store, tmp_path: Path):
    missing = tmp_path / "missing.json"
    with translation.override("fr"), pytest.raises(CommandError) as error:
        call_command("import_orders", str(missing), "--format", "json", "--store", store.code)
    assert str(error.value) == f"Fichier introuvable : {missing}"
    with translation.override("fr"), pytest.raises(CommandError) as error:
        call_command("import_orders", str(missing), "--format", "json", "--store", "nowhere")
    assert str(error.value) == "Aucune boutique ne porte le code nowhere."


def test_a_policy_problem_is_translated_where_it_is_reported():
    """The domain's messages are English, marked for extraction; services.parse translates them."""
    document = (
        "format: retour-policy/1\nname: x\nrules:\n"
        "  - id: a\n    then: {eligible: true, code: ok, resolutions: [cash]}\n"
    )
    with translation.override("fr"), pytest.raises(services.PolicyInvalid) as error:
        services.parse(document)
    assert error.value.message == "La politique comporte 1 problème."
    assert error.value.details["problems"] == [
        {"line": 5, "field": "rules[0].then.resolutions", "message": "solution inconnue : cash"}
    ]
    with pytest.raises(services.PolicyInvalid) as error:
        services.parse(document)
    assert error.value.message == "The policy has 1 problem."
    assert error.value.details["problems"][0]["message"] == "unknown resolution cash"


def test_an_import_problem_and_its_place_are_translated():
    with translation.override("fr"):
        [(field, problem)] = complete(imported_order(subtotal=Decimal("9.00")))
        where = str(RowError(3, "Subtotal", problem))
        nowhere = str(RowError(1, "", "le fichier est vide"))
    assert field == "subtotal"
    assert (
        where == "ligne 3, colonne Subtotal : le sous-total 9.00 ne correspond pas aux lignes (10.00 attendu)"
    )
    assert nowhere == "ligne 1 : le fichier est vide"


def test_a_command_help_is_translated_when_it_is_shown():
    """``help`` is lazy: read in the language active when the parser is made, not at import."""
    command = load_command_class("retour.orders", "import_orders")
    with translation.override("fr"):
        french = command.create_parser("retour", "import_orders").format_help()
    english = command.create_parser("retour", "import_orders").format_help()
    assert "Importe des commandes depuis" in french
    assert "Import orders from a shop platform" in english


def test_a_case_not_delivered_says_so_rather_than_none_days():
    finding = {
        "country": "FR",
        "category": "books",
        "condition": "unopened",
        "reason": "changed_mind",
        "final_sale": False,
        "personalised": False,
        "policy": {"eligible": False, "code": "no_returns", "percent": 0},
        "reference": {"eligible": True, "code": "standard", "percent": 100},
    }
    error = services.PolicyRefused(
        "Refused.",
        findings=[{**finding, "days_since_delivery": None}, {**finding, "days_since_delivery": 1}],
    )
    english = refusal_messages(error)
    with translation.override("fr"):
        french = refusal_messages(error)
    assert "(unopened, changed their mind, not delivered)" in english[1]
    assert "(unopened, changed their mind, 1 day after delivery)" in english[2]
    assert "(non ouvert, changement d’avis, non livré)" in french[1]
    assert "(non ouvert, changement d’avis, 1 jour après la livraison)" in french[2]
    assert not any("None" in message for message in english + french)
