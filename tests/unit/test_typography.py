"""The French typography rule the catalogue and the rendered pages are checked against."""

from __future__ import annotations

import pytest

import typography

NB = "\u00a0"


@pytest.mark.parametrize(
    ("text", "right"),
    [
        ("Note: ok", f"Note{NB}: ok"),
        ("Vraiment ?", f"Vraiment{NB}?"),
        ("« bonjour »", f"«{NB}bonjour{NB}»"),
        ("«bonjour»", f"«{NB}bonjour{NB}»"),
        ("Quoi?!", f"Quoi{NB}?!"),
        ("%(a)s : %(b)s", f"%(a)s{NB}: %(b)s"),
        ("fin ;\n", f"fin{NB};\n"),
        ("à 10:30 !", f"à 10:30{NB}!"),
    ],
)
def test_fix_puts_a_no_break_space_where_french_wants_one(text: str, right: str):
    assert typography.problems(text)
    assert typography.fix(text) == right
    assert typography.problems(right) == []


@pytest.mark.parametrize(
    "text",
    [
        "https://exemple.fr/suivi?colis=1",
        # A signed link's token: its colons are not French punctuation, whatever follows them.
        "Votre lien\u00a0: https://exemple.fr/acces/RlciI6NDQ4Mn0:1xaRGL:_KyRP-UD7/",
        "à 10:30",
        "{x:>3}",
        'par exemple {EUR: "4.95"}',
        "des points-virgules (;)",
        "Merci\u202f!",
        "Aucun signe",
    ],
)
def test_what_is_not_french_punctuation_is_left_alone(text: str):
    assert typography.problems(text) == []
    assert typography.fix(text) == text
