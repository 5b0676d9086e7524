"""The synonyms a new help center starts with: what shoppers type → the words returns articles use.

Loaded into the ``Synonym`` table once (migration ``0003``), where staff edit, add and delete them in the
admin; the benchmark searches with the same list. A phrase is matched on folded, stemmed words, so
"money back", "Money-back" and "moneys back" are one phrase, and "remboursé" meets "rembourser". What it
means is added to the query with a little less weight than what the shopper typed.

The lists are general shopper vocabulary for returns and refunds (paraphrases, American spellings, colour,
size and country words, everyday words for "defective" or "carrier"), written for any store's articles,
not copied from the benchmark's queries; docs/benchmarks.md says how they were checked against held-out
queries.
"""

from __future__ import annotations

_COLOURS_EN = (
    "blue", "red", "black", "white", "green", "pink", "grey", "gray", "yellow", "navy", "beige", "brown",
    "purple", "orange",
)  # fmt: skip
_COLOURS_FR = (
    "bleu", "rouge", "noir", "blanc", "vert", "rose", "gris", "jaune", "marine", "beige", "marron", "violet",
    "orange",
)  # fmt: skip
# Countries the international-returns article does not name (it names the UK, Switzerland, Norway, the
# United States and Canada itself).
_COUNTRIES_EN = (
    "germany", "spain", "italy", "belgium", "netherlands", "holland", "portugal", "ireland", "austria",
    "poland", "sweden", "denmark", "luxembourg", "greece", "australia", "japan",
)  # fmt: skip
_COUNTRIES_FR = (
    "allemagne", "espagne", "italie", "belgique", "pays-bas", "hollande", "portugal", "irlande", "autriche",
    "pologne", "suède", "danemark", "luxembourg", "grèce", "australie", "japon",
)  # fmt: skip

ENGLISH: dict[str, str] = {
    # refunds
    "money back": "refund",
    "my money": "refund",
    "reimburse": "refund",
    "reimbursement": "refund",
    "repay": "refund",
    "half": "50 % partial",
    "restocking fee": "restocking deduction",
    "taken off": "deduction",
    "voucher": "gift card store credit",
    "gift voucher": "gift card",
    # exchanges and replacements
    "swap": "exchange",
    "switch": "exchange",
    "bigger": "size",
    "smaller": "size",
    "larger": "size",
    "too tight": "size fit",
    "too loose": "size fit",
    "doesn't fit": "size fit",
    "does not fit": "size fit",
    "color": "colour",
    "broken": "defective damaged",
    "stopped working": "defective faulty",
    "not working": "defective faulty",
    "doesn't work": "defective faulty",
    "does not work": "defective faulty",
    "malfunction": "defective faulty",
    "dead on arrival": "defective",
    "new one": "replacement",
    "new pair": "replacement",
    # sending it back
    "send back": "return",
    "begin": "start",
    "send it back": "return",
    "give back": "return",
    "take back": "return",
    "package": "parcel",
    "packet": "parcel",
    "postage": "shipping cost",
    "delivery fee": "shipping cost",
    "courier": "carrier",
    "delivery driver": "carrier",
    "postman": "carrier",
    "overseas": "international abroad",
    "another country": "international abroad",
    "usa": "united states international",
    "america": "united states international",
    "england": "united kingdom international",
    "scotland": "united kingdom international",
    "wales": "united kingdom international",
    "britain": "united kingdom international",
    **dict.fromkeys(_COUNTRIES_EN, "international abroad"),
    "without a box": "box-free drop-off",
    # deadlines
    "how long": "time",
    "how many days": "time",
    "time limit": "deadline window",
    "return period": "return window",
    "christmas": "holiday",
    "xmas": "holiday",
    # what can't come back
    "personalized": "personalised",
    "engraved": "personalised",
    "monogrammed": "personalised",
    "embroidered": "personalised",
    "customized": "personalised",
    "customised": "personalised",
    "jewelry": "jewellery",
    # marketplace
    "fake": "counterfeit",
    "knock-off": "counterfeit",
    "scam": "guarantee claim",
    "third party": "marketplace",
    "another seller": "marketplace seller",
    "other seller": "marketplace seller",
    "answer": "respond reply",
    # account and privacy
    "my data": "personal data privacy",
    "my information": "personal data privacy",
    "personal information": "personal data privacy",
    "picture": "photo",
    "pic": "photo",
    "e-mail": "email",
    "rma": "return number",
    **dict.fromkeys(_COLOURS_EN, "colour"),
}

FRENCH: dict[str, str] = {
    # remboursements
    "argent": "remboursement",
    "moitié": "50 % partiel",
    "déduction": "décote",
    "retenue": "décote",
    "frais de remise en stock": "décote remise en stock",
    "bon d'achat": "avoir carte cadeau",
    "bon cadeau": "carte cadeau",
    "carte bancaire": "moyen de paiement",
    "carte bleue": "moyen de paiement",
    "ticket de caisse": "ticket cadeau",
    "offert": "cadeau",
    # échanges et remplacements
    "plus grand": "taille",
    "plus petit": "taille",
    "trop serré": "taille",
    "trop large": "taille",
    "trop grand": "taille",
    "trop petit": "taille",
    "mauvaise taille": "taille",
    "ne me va pas": "taille",
    "cassé": "défectueux",
    "abîmé": "endommagé",
    "déchiré": "endommagé",
    "écrasé": "endommagé",
    "rayé": "endommagé",
    "hs": "défectueux en panne",
    "ne marche plus": "défectueux en panne",
    "ne marche pas": "défectueux en panne",
    "ne fonctionne plus": "défectueux en panne",
    "ne fonctionne pas": "défectueux en panne",
    "hors service": "défectueux en panne",
    "dysfonctionnement": "défectueux en panne",
    # renvoyer
    "rendre": "retour",
    "renvoyer": "retour",
    "commencer": "lancer",
    "démarrer": "lancer",
    "débuter": "lancer",
    "arrêter": "annuler",
    "bon de retour": "étiquette de retour",
    "bordereau": "étiquette",
    "boîte": "carton emballage",
    "payant": "frais",
    "payer": "frais",
    "coût": "frais",
    "paquet": "colis",
    "livreur": "transporteur",
    "facteur": "transporteur",
    "coursier": "transporteur",
    "affranchissement": "frais de port",
    "autre pays": "international étranger",
    "usa": "états-unis international",
    "amérique": "états-unis international",
    "angleterre": "royaume-uni international",
    "écosse": "royaume-uni international",
    "grande-bretagne": "royaume-uni international",
    **dict.fromkeys(_COUNTRIES_FR, "international étranger"),
    # délais
    "combien de temps": "délai",
    "combien de jours": "délai",
    "dernier jour": "délai date limite",
    "jusqu'à quand": "délai date limite",
    "trop tard": "délai dépassé",
    "noël": "fêtes",
    "période de retour": "délai de retour",
    # non retournables
    "customisé": "personnalisé",
    "gravé": "personnalisé",
    "brodé": "personnalisé",
    "sur mesure": "personnalisé",
    # marketplace
    "faux": "contrefaçon",
    "copie": "contrefaçon",
    "arnaque": "garantie réclamation",
    "litige": "réclamation",
    "vendeur externe": "vendeur tiers marketplace",
    "vendeur partenaire": "vendeur tiers marketplace",
    "autre vendeur": "vendeur tiers marketplace",
    # compte et données
    "mes données": "données personnelles confidentialité",
    "mes informations": "données personnelles confidentialité",
    "informations personnelles": "données personnelles confidentialité",
    "image": "photo",
    "courriel": "e-mail",
    "où en est": "suivi état",
    "suivre": "suivi",
    **dict.fromkeys(_COLOURS_FR, "couleur"),
}

DEFAULTS = {"en": ENGLISH, "fr": FRENCH}
