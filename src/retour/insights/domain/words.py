"""The words that come back in what shoppers write about a product (return comments, survey comments).

Pure, standard library only. A comment is cut into words (letters only, lower case, French elisions
such as l' and qu' dropped), words that say nothing are left out (English and French stop words,
the words every return uses), and each word counts once per comment: ten comments saying "small" weigh
ten, one comment saying it ten times weighs one. A plural folds into its singular when both occur
("sleeves" counts as "sleeve").
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

MIN_LENGTH = 3
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_ELISION = re.compile(r"^(?:[ldjmnstc]|qu|jusqu|lorsqu|puisqu)['’]")

_ENGLISH = """
    a about after again all also am an and any are as at be because been before being but by can could
    did do does doing done down even ever for from get got had has have having he her here him his how
    i if in into is it its just me more most my no nor not now of off on once only or other our out over
    own same she should so some still such than that the their them then there these they this those
    through to too under until up us very was we were what when where which while who why will with would
    you your really much many one two also got get bought buy ordered order returned return returning
    item items product thing things back sent send please thanks thank
"""
_FRENCH = """
    au aux avec avait avoir bien ce ces cet cette comme dans de des donc du elle elles en est et été être
    eu fait faire il ils je la le les leur lui ma mais me mes moi mon même ne ni nos notre nous on ou où
    par pas peu plus pour qu que quel quelle qui sa se ses si son sont sur ta te tes toi ton tous tout
    très tu un une vos votre vous ça cela car déjà aussi alors après avant encore trop assez fois
    article articles produit produits retour retours retourné commande commandé merci acheté reçu
"""
_CONTRACTIONS = frozenset({"s", "t", "re", "ve", "ll", "d", "m"})
STOP_WORDS = frozenset(_ENGLISH.split()) | frozenset(_FRENCH.split())


def words(text: str) -> list[str]:
    """The meaningful words of ``text``, in order, lower case."""
    found = []
    for match in _WORD.finditer(unicodedata.normalize("NFC", text).lower()):
        word = _ELISION.sub("", match.group(0)).replace("’", "'")
        stem, _apostrophe, ending = word.partition("'")
        if ending in _CONTRACTIONS:  # it's, don't, I'm: the word before the apostrophe
            word = stem
        if len(word) >= MIN_LENGTH and word not in STOP_WORDS:
            found.append(word)
    return found


def top_words(texts: Iterable[str], *, limit: int = 10, min_count: int = 2) -> list[tuple[str, int]]:
    """The words found in at least ``min_count`` of ``texts`` (each counted once per text), most
    frequent first, then alphabetically; plurals folded into their singular."""
    found = [set(words(text)) for text in texts]
    vocabulary = set().union(*found) if found else set()

    def singular(word: str) -> str:
        return word[:-1] if word.endswith(("s", "x")) and word[:-1] in vocabulary else word

    counts: Counter[str] = Counter()
    for each in found:
        counts.update({singular(word) for word in each})
    kept = [(word, count) for word, count in counts.items() if count >= min_count]
    kept.sort(key=lambda item: (-item[1], item[0]))
    return kept[:limit]
