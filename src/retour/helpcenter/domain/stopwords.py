"""Words that say nothing about what a shopper is looking for: pronouns, auxiliaries, question words.

Wider than tantivy's built-in lists (which keep "I", "my", "how", "je", "mon"…), because help-center
queries are questions: "how can I send my return" is about sending a return. The French list holds the
same kinds of words as the English one: question words ("combien", "pourquoi"), modal verbs ("puis",
"pouvez", "voudrais") and the verbs of "get" ("recevoir", "obtenir"). "avoir" is not one of them: in a
returns help center it is mostly the noun, store credit.
"""

from __future__ import annotations

_ENGLISH_WORDS = """
    a an and are as at be been being but by can could did do does doing don done for from get got had has
    have having how i i'm if in into is it its it's just me my myself no not of on or our please should so
    some still such t than that the their them then there these they this those to too us was we were what
    when where which who why will with would you your yours s ll ve d m re"""
_FRENCH_WORDS = """
    a ai au aux avec avez c ce ces cet cette comment d dans de des dois doit du elle en est et être
    faire fait il ils j je l la le les leur lui m ma mais me mes moi mon n ne nos notre nous on ou où par
    pas peut peux pour puis-je qu quand que quel quelle quels qui s sa se ses si son sont sur t ta te tes
    toi ton tu un une vos votre vous y est-ce ça cela combien pourquoi quoi quelles lequel laquelle lesquels
    lesquelles puis pouvez pourrais pourriez voudrais veux devez faut recevoir obtenir"""
ENGLISH = frozenset(_ENGLISH_WORDS.split())
FRENCH = frozenset(_FRENCH_WORDS.split())
STOPWORDS = {"en": ENGLISH, "fr": FRENCH}
