"""The demo store: a deterministic, realistic year of orders at Maison Lumière, without a database.

``generate_orders(count, seed, now=...)`` streams ``ImportedOrder`` records that are already complete:
``records.complete()`` finds nothing to fill in or fix, so they go straight to ``import_orders`` or to an
exporter. The same (count, seed, now) always gives the same records: every random choice comes from one
``random.Random(seed)``, and the catalogue from a fixed seed of its own, so that a SKU names the same
product whatever the orders.

Amounts are computed in integer minor units and become ``Decimal`` only at the end: exact, and fast
enough to stream a million lines in seconds with constant memory.
"""

from __future__ import annotations

import functools
import random
import unicodedata
from bisect import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate
from typing import TypeVar
from zoneinfo import ZoneInfo

from retour.core.money import minor_units
from retour.orders.importers.records import (
    ZERO,
    ImportedCustomer,
    ImportedLine,
    ImportedOrder,
    ImportedPayment,
    ImportedShipment,
)

DEMO_STORE = {
    "code": "maison-lumiere",
    "name": "Maison Lumière",
    "currency": "EUR",
    "country": "FR",
    "time_zone": "Europe/Paris",
    "languages": "fr,en",
    # Invented, as the store is: printed on the demo's return labels.
    "return_address": (
        "Maison Lumière – Service retours\nBâtiment C, 8 allée des Lucioles\n69740 Genas\nFrance"
    ),
}
ORDER_PREFIX = "ML-"
FIRST_ORDER_NUMBER = 100001
CATALOGUE_SEED = 20240501  # fixed, so that the catalogue does not depend on the orders' seed
ZONE = ZoneInfo(DEMO_STORE["time_zone"])
EU_COUNTRIES = frozenset({"FR", "BE", "LU", "IE", "DE", "NL"})  # of the countries customers live in
VAT_PERCENT = 20
FREE_SHIPPING_FROM = 6000  # cents, EU; outside the EU twice that


@dataclass(frozen=True, slots=True)
class DemoSeller:
    code: str
    name: str
    country: str
    carrier: str
    categories: tuple[str, ...]


SELLERS: tuple[DemoSeller, ...] = (
    DemoSeller("atelier-durand", "Atelier Durand", "FR", "Colissimo", ("home", "apparel")),
    DemoSeller("nordic-gear", "Nordic Gear", "DE", "DHL", ("sports", "shoes")),
    DemoSeller("librairie-du-quai", "Librairie du Quai", "FR", "Mondial Relay", ("books", "media")),
    DemoSeller("brightwave-audio", "Brightwave Audio", "GB", "UPS", ("electronics", "media")),
    DemoSeller("maple-and-co", "Maple & Co.", "US", "UPS", ("toys", "home")),
    DemoSeller("casa-oliva", "Casa Oliva", "ES", "DHL", ("grocery", "beauty")),
)


@dataclass(frozen=True, slots=True)
class _CategorySpec:
    slug: str
    name_en: str
    name_fr: str
    code: str  # in SKUs
    share: int  # of the lines sold, in percent
    prices: tuple[int, int]  # euros, low and high; products spread between them
    endings: tuple[int, ...]  # cents that prices end with
    bases: tuple[tuple[str, str], ...]  # (French, English) product names
    options: tuple[tuple[str, str], ...]  # each base comes in each option: a colour, a volume, a size
    sizes: tuple[str, ...] = ()  # variants with their own SKU
    vendors: tuple[str, ...] = ("Maison Lumière",)
    shipped: bool = True
    taxable: bool = True
    made_to_order: str = ""  # how a personalised product is personalised ("" if it never is)


_COLOURS = (
    ("bleu nuit", "midnight blue"),
    ("vert sauge", "sage green"),
    ("terracotta", "terracotta"),
    ("bordeaux", "burgundy"),
    ("kaki", "khaki"),
    ("marine", "navy"),
)  # colour nouns, invariable in French whatever the gender of the product
_VOLUMES = tuple((f"tome {n}", f"volume {n}") for n in range(1, 5))

# fmt: off
_SPECS: tuple[_CategorySpec, ...] = (
    _CategorySpec(
        "apparel", "Apparel", "Vêtements", "APP", 24, (19, 149), (90, 0),
        (("Chemise en lin", "Linen shirt"), ("Pull en laine mérinos", "Merino wool jumper"),
         ("Robe portefeuille", "Wrap dress"), ("Jean droit", "Straight-leg jeans"),
         ("Veste en velours côtelé", "Corduroy jacket"), ("T-shirt en coton bio", "Organic cotton T-shirt"),
         ("Trench imperméable", "Waterproof trench coat"), ("Marinière", "Breton top"),
         ("Pantalon à pinces", "Pleated trousers"), ("Cardigan en cachemire", "Cashmere cardigan")),
        _COLOURS, sizes=("XS", "S", "M", "L", "XL"), vendors=("Maison Lumière", "Atelier Solène"),
        made_to_order="monogram",
    ),
    _CategorySpec(
        "shoes", "Shoes", "Chaussures", "SHO", 10, (39, 189), (0, 90),
        (("Baskets en cuir", "Leather trainers"), ("Bottines Chelsea", "Chelsea boots"),
         ("Espadrilles", "Espadrilles"), ("Mocassins", "Loafers"), ("Sandales à brides", "Strappy sandals"),
         ("Chaussures de randonnée", "Hiking boots")),
        _COLOURS[:4], sizes=tuple(str(size) for size in range(37, 45)), vendors=("Pas de Loup",),
    ),
    _CategorySpec(
        "electronics", "Electronics", "Électronique", "ELE", 8, (19, 449), (99, 0),
        (("Casque sans fil", "Wireless headphones"), ("Enceinte Bluetooth", "Bluetooth speaker"),
         ("Montre connectée", "Smartwatch"), ("Liseuse 6 pouces", "6-inch e-reader"),
         ("Chargeur USB-C 65 W", "65 W USB-C charger"),
         ("Écouteurs à réduction de bruit", "Noise-cancelling earbuds"),
         ("Lampe de bureau LED", "LED desk lamp"), ("Appareil photo instantané", "Instant camera"),
         ("Radio-réveil", "Clock radio"), ("Batterie externe 20 000 mAh", "20,000 mAh power bank")),
        (("graphite", "graphite"), ("argent", "silver"), ("sable", "sand"), ("bleu nuit", "midnight blue")),
        vendors=("Lumen", "Ondine Audio"), made_to_order="personalised",
    ),
    _CategorySpec(
        "books", "Books", "Livres", "BOO", 12, (7, 45), (0, 50, 90),
        (("Roman policier", "Crime novel"), ("Livre de cuisine de saison", "Seasonal cookbook"),
         ("Guide de voyage Bretagne", "Brittany travel guide"), ("Bande dessinée", "Graphic novel"),
         ("Album jeunesse", "Children's picture book"), ("Recueil de poésie", "Poetry collection"),
         ("Beau livre de photographie", "Photography book"), ("Essai d'histoire", "History essay")),
        _VOLUMES, vendors=("Éditions du Phare", "Éditions Marée Haute"),
    ),
    _CategorySpec(
        "media", "Music, films and games", "Musique, films et jeux", "MED", 6, (9, 69), (99,),
        (("Vinyle de jazz", "Jazz vinyl LP"), ("Coffret Blu-ray", "Blu-ray box set"),
         ("CD de musique classique", "Classical music CD"), ("Jeu vidéo d'aventure", "Adventure video game"),
         ("DVD documentaire", "Documentary DVD"), ("Vinyle de chanson française", "French chanson vinyl LP")),
        _VOLUMES, vendors=("Disques Colibri",),
    ),
    _CategorySpec(
        "software", "Software", "Logiciels", "SOF", 2, (19, 149), (99,),
        (("Suite bureautique", "Office suite"), ("Antivirus 1 an", "Antivirus, 1 year"),
         ("Logiciel de retouche photo", "Photo editing software"),
         ("Logiciel de comptabilité", "Accounting software"),
         ("Méthode de langues", "Language course software")),
        (("Standard", "Standard"), ("Famille", "Family"), ("Pro", "Pro")),
        vendors=("Logiciels Azur", "Quillsoft"),
    ),
    _CategorySpec(
        "beauty", "Beauty", "Beauté", "BEA", 8, (8, 89), (90, 0),
        (("Crème hydratante", "Moisturising cream"), ("Sérum éclat", "Radiance serum"),
         ("Huile sèche", "Dry oil"), ("Eau de parfum", "Eau de parfum"), ("Baume à lèvres", "Lip balm"),
         ("Savon au lait d'ânesse", "Donkey milk soap"), ("Shampooing solide", "Solid shampoo")),
        (("30 ml", "30 ml"), ("50 ml", "50 ml"), ("100 ml", "100 ml")),
        vendors=("Lumière Beauté", "Savonnerie de Provence"),
    ),
    _CategorySpec(
        "grocery", "Fine food", "Épicerie fine", "GRO", 6, (4, 39), (50, 90),
        (("Coffret de thés", "Tea gift box"), ("Confiture de figues", "Fig jam"),
         ("Miel de lavande", "Lavender honey"), ("Huile d'olive vierge extra", "Extra virgin olive oil"),
         ("Chocolats assortis", "Assorted chocolates"),
         ("Café en grains", "Coffee beans"), ("Caramels au beurre salé", "Salted butter caramels"),
         ("Macarons", "Macarons")),
        (("250 g", "250 g"), ("500 g", "500 g")), vendors=("Épicerie Lumière", "Les Ruchers du Luberon"),
    ),
    _CategorySpec(
        "gift_cards", "Gift cards", "Cartes cadeaux", "GIF", 3, (25, 150), (0,),
        (("Carte cadeau électronique", "E-gift card"),),
        (("25 €", "€25"), ("50 €", "€50"), ("100 €", "€100"), ("150 €", "€150")),
        shipped=False, taxable=False,  # a multi-purpose voucher: VAT is due when it is spent, not sold
    ),
    _CategorySpec(
        "home", "Home", "Maison", "HOM", 9, (14, 249), (90, 0),
        (("Plaid en laine", "Wool throw"), ("Parure de lit en lin", "Linen bedding set"),
         ("Bougie parfumée", "Scented candle"), ("Vase en céramique", "Ceramic vase"),
         ("Service de table en grès", "Stoneware dinner set"), ("Coussin en velours", "Velvet cushion"),
         ("Miroir en rotin", "Rattan mirror"), ("Torchons en lin", "Linen tea towels")),
        _COLOURS[:4], vendors=("Maison Lumière", "Céramiques Argile"), made_to_order="personalised",
    ),
    _CategorySpec(
        "toys", "Toys", "Jouets", "TOY", 5, (9, 89), (90, 99),
        (("Puzzle 1000 pièces", "1,000-piece jigsaw puzzle"), ("Peluche lapin", "Bunny soft toy"),
         ("Jeu de société familial", "Family board game"), ("Train en bois", "Wooden train set"),
         ("Kit de sciences", "Science kit"), ("Cerf-volant", "Kite")),
        (("Océan", "Ocean"), ("Forêt", "Forest"), ("Espace", "Space")), vendors=("Petit Colibri",),
    ),
    _CategorySpec(
        "digital", "Downloads", "Téléchargements", "DIG", 3, (4, 29), (99,),
        (("Livre numérique", "E-book"), ("Album en téléchargement", "Album download"),
         ("Cours de cuisine en ligne", "Online cooking course"),
         ("Patron de couture PDF", "PDF sewing pattern"),
         ("Livre audio", "Audiobook")),
        _VOLUMES[:3], vendors=("Maison Lumière",), shipped=False,
    ),
    _CategorySpec(
        "sports", "Sports", "Sport", "SPO", 6, (14, 199), (90, 0),
        (("Tapis de yoga", "Yoga mat"), ("Gourde isotherme", "Insulated bottle"),
         ("Sac à dos de randonnée 30 L", "30 L hiking backpack"), ("Raquette de tennis", "Tennis racket"),
         ("Veste coupe-vent", "Windbreaker"), ("Haltères 2 × 5 kg", "Dumbbells, 2 × 5 kg"),
         ("Bâtons de marche", "Walking poles")),
        _COLOURS[:3], vendors=("Cime",), made_to_order="personalised",
    ),
)
# fmt: on

CATEGORIES: list[tuple[str, str, str]] = [(spec.slug, spec.name_en, spec.name_fr) for spec in _SPECS]
_PERSONALISATION = {
    "monogram": (" avec monogramme brodé", ", with embroidered monogram"),
    "personalised": (" personnalisable", ", personalised"),  # invariable, whatever the gender
}


@dataclass(frozen=True, slots=True)
class DemoProduct:
    """One sellable variant of the catalogue: what an order line copies."""

    sku: str
    title: str
    category: str
    price: int  # in euro cents
    vendor: str
    seller: DemoSeller | None  # None: sold by the store itself
    final_sale: bool
    personalised: bool
    requires_shipping: bool
    taxable: bool
    tags: tuple[str, ...]


@functools.cache
def catalogue() -> tuple[tuple[DemoProduct, ...], tuple[float, ...]]:
    """Every variant, with cumulative weights so that a line picks by popularity with one bisect.

    Only + - * / touch floats here and in the orders (no log or pow, whose last bit depends on the C
    library), so the same seed gives the same store on every machine.
    """
    rng = random.Random(CATALOGUE_SEED)  # noqa: S311 - demo data, not secrets
    products: list[DemoProduct] = []
    weights: list[float] = []
    for spec in _SPECS:
        first = len(products)
        sellers = [seller for seller in SELLERS if spec.slug in seller.categories]
        for base_number, base in enumerate(spec.bases):
            # Every third product family is a marketplace seller's, in turn, so every seller has some.
            seller = sellers[base_number // 3 % len(sellers)] if sellers and base_number % 3 == 1 else None
            family = _family(rng, spec, base, seller)
            for option_number, option in enumerate(spec.options, start=1):
                number = base_number * len(spec.options) + option_number
                variants = _product(rng, spec, family, number, option)
                popularity = 1 / (0.15 + rng.random()) / len(variants)  # a few best sellers
                products.extend(variants)
                weights.extend(
                    popularity * (3 if size in {"M", "L", "39", "40", "41"} else 1) for size in _sizes(spec)
                )
        category_total = sum(weights[first:])
        weights[first:] = [spec.share * weight / category_total for weight in weights[first:]]
    return tuple(products), tuple(accumulate(weights))


def _sizes(spec: _CategorySpec) -> tuple[str, ...]:
    return spec.sizes or ("",)


@dataclass(frozen=True, slots=True)
class _Family:
    """What every colour or volume of a product shares."""

    base: tuple[str, str]  # names, French and English
    price: int  # euro cents
    seller: DemoSeller | None
    vendor: str
    personalised: bool


def _family(
    rng: random.Random, spec: _CategorySpec, base: tuple[str, str], seller: DemoSeller | None
) -> _Family:
    low, high = spec.prices
    skew = rng.random()
    euros = low + int((high - low) * skew * skew)  # many cheap products, a few dear ones
    price = euros * 100 + rng.choice(spec.endings) if euros > low else low * 100 + spec.endings[0]
    personalised = bool(spec.made_to_order) and rng.random() < 0.12
    vendor = seller.name if seller else rng.choice(spec.vendors)
    return _Family(base, price + (900 if personalised else 0), seller, vendor, personalised)


def _product(
    rng: random.Random, spec: _CategorySpec, family: _Family, number: int, option: tuple[str, str]
) -> list[DemoProduct]:
    price = family.price
    if spec.slug == "gift_cards":  # the option is the card's value
        price = int("".join(ch for ch in option[0] if ch.isdigit())) * 100
    final_sale = spec.shipped and not family.personalised and rng.random() < 0.08  # a colour cleared out
    title_fr, title_en = f"{family.base[0]} {option[0]}", f"{family.base[1]}, {option[1]}"
    if family.personalised:
        suffix_fr, suffix_en = _PERSONALISATION[spec.made_to_order]
        title_fr, title_en = title_fr + suffix_fr, title_en + suffix_en
    tags = ("fin-de-serie",) if final_sale else ()
    return [
        DemoProduct(
            sku=f"ML-{spec.code}-{number:04d}" + (f"-{size}" if size else ""),
            title=f"{title_fr} / {title_en}" + (f" - {size}" if size else ""),
            category=spec.slug,
            price=price,
            vendor=family.vendor,
            seller=family.seller,
            final_sale=final_sale,
            personalised=family.personalised,
            requires_shipping=spec.shipped,
            taxable=spec.taxable,
            tags=tags,
        )
        for size in _sizes(spec)
    ]


# -- customers ------------------------------------------------------------------------------------------

# fmt: off
_FRENCH_FIRST = (
    "Camille", "Léa", "Manon", "Chloé", "Inès", "Jade", "Louise", "Emma", "Zoé", "Clémence", "Hélène",
    "Margaux", "Juliette", "Élodie", "Sophie", "Nathalie", "Lucas", "Hugo", "Louis", "Gabriel", "Arthur",
    "Jules", "Théo", "Mathis", "Raphaël", "Antoine", "Julien", "Nicolas", "Thomas", "Maxime", "Baptiste",
    "Étienne", "François", "Benoît", "Gaëlle", "Anaïs", "Noémie", "Loïc", "Yannick", "Mathilde",
)
_FRENCH_LAST = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
    "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
    "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "Legrand", "Garnier", "Faure",
    "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Perrin", "Morin", "Clément", "Gauthier", "Fontaine",
    "Chevalier", "Le Gall", "Nguyen", "Benali", "Da Silva", "Lemoine", "Barbier", "Marchand", "Caron",
    "Picard",
)
_ENGLISH_FIRST = (
    "Oliver", "George", "Harry", "Jack", "Charlie", "James", "William", "Henry", "Noah", "Amelia", "Olivia",
    "Isla", "Ava", "Emily", "Grace", "Lily", "Freya", "Charlotte", "Liam", "Ethan", "Mason", "Emma", "Mia",
    "Chloe", "Ruby", "Evie", "Daisy", "Niamh", "Aoife", "Seán", "Ciara", "Daan", "Sanne", "Lukas", "Hannah",
    "Finn", "Anna", "Priya", "Aaron", "Zoe",
)
_ENGLISH_LAST = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
    "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke",
    "Murphy", "Kelly", "O'Brien", "Byrne", "Walsh", "Miller", "Davis", "Anderson", "Moore", "Harris",
    "de Vries", "Jansen", "Bakker", "Schmidt", "Schneider", "Fischer", "Weber", "Becker", "Hughes", "Patel",
)
# fmt: on
# Where customers of each language live, in percent.
_FRENCH_COUNTRIES = (("FR", 80), ("BE", 9), ("CH", 5), ("LU", 2), ("CA", 4))
_ENGLISH_COUNTRIES = (("GB", 40), ("IE", 10), ("US", 25), ("DE", 12), ("NL", 13))
_MASK64 = (1 << 64) - 1
_T = TypeVar("_T")


def _ascii_slug(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.lower())
    return "".join(ch for ch in decomposed if ch.isascii() and ch.isalnum())


# For email addresses: "Hélène" is helene@, "O'Brien" obrien@.
_SLUGS = {name: _ascii_slug(name) for name in _FRENCH_FIRST + _FRENCH_LAST + _ENGLISH_FIRST + _ENGLISH_LAST}


def _pick(table: tuple[tuple[_T, int], ...], percent: int) -> _T:
    """The entry of ``table`` (values with shares in percent) that ``percent`` (0 to 99) falls in."""
    for value, share in table:
        if percent < share:
            return value
        percent -= share
    return table[-1][0]


def _mix(value: int) -> int:
    """SplitMix64's finaliser: a customer's details are a hash of its number, so none need be kept."""
    value = (value + 0x9E3779B97F4A7C15) & _MASK64
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & _MASK64
    return value ^ (value >> 31)


def demo_customer(number: int, salt: int) -> tuple[ImportedCustomer, str]:
    """Customer ``number`` of a run (salted by its seed) and the postal code orders are shipped to."""
    bits = _mix(salt ^ number)
    french, bits = bits % 100 < 60, bits // 100
    firsts, lasts = (_FRENCH_FIRST, _FRENCH_LAST) if french else (_ENGLISH_FIRST, _ENGLISH_LAST)
    first, bits = firsts[bits % len(firsts)], bits // len(firsts)
    last, bits = lasts[bits % len(lasts)], bits // len(lasts)
    country, bits = _pick(_FRENCH_COUNTRIES if french else _ENGLISH_COUNTRIES, bits % 100), bits // 100
    member, bits = bits % 100 < 20, bits // 100
    domain, bits = ("example.org" if bits % 4 == 0 else "example.com"), bits // 4
    email = f"{_SLUGS[first]}.{_SLUGS[last]}.{number + 1}@{domain}"
    return (
        ImportedCustomer(
            email=email,
            first_name=first,
            last_name=last,
            language="fr" if french else "en",
            country=country,
            is_member=member,
            segment=_segment(_mix(salt ^ number ^ _SEGMENT_SALT)),
        ),
        _postal_code(country, _mix(bits ^ number)),
    )


# Customer segments a store's policy can name: 5 % "vip", 15 % "new", the rest none. Drawn from bits of
# their own, so that adding them changed no other demo value.
_SEGMENT_SALT = 0x5E6E
_SEGMENTS = ((5, "vip"), (20, "new"))


def _segment(bits: int) -> str:
    roll = bits % 100
    return next((name for below, name in _SEGMENTS if roll < below), "")


_LETTERS = "ABCDEFGHJKLMNPRSTUVWXY"


def _postal_code(country: str, bits: int) -> str:
    digits = f"{bits % 100000:05d}"
    letters = [_LETTERS[(bits >> shift) % len(_LETTERS)] for shift in (20, 26, 32)]
    if country == "FR":
        return f"{1 + bits % 95:02d}{(bits >> 8) % 100:02d}0"  # département, then a town
    if country in {"BE", "CH", "LU"}:
        code = f"{1000 + bits % 8999}"
        return f"L-{code}" if country == "LU" else code
    if country == "CA":
        return f"{letters[0]}{digits[0]}{letters[1]} {digits[1]}{letters[2]}{digits[2]}"
    if country == "GB":
        district = ("SW1A", "EC1V", "M1", "B3", "LS1", "EH1", "BS1", "CB2", "OX1", "G2")[bits % 10]
        return f"{district} {digits[1]}{letters[0]}{letters[1]}"
    if country == "IE":
        return f"{('D02', 'D04', 'T12', 'H91', 'V94')[bits % 5]} {letters[0]}{digits[1:4]}"
    if country == "NL":
        return f"{1000 + bits % 8999} {letters[0]}{letters[1]}"
    return digits  # DE, US


# -- orders ---------------------------------------------------------------------------------------------

# Relative number of orders in each hour of the day, store time: few at night, most in the evening.
_HOURLY = (5, 3, 2, 2, 2, 3, 7, 15, 25, 35, 40, 45, 50, 50, 45, 45, 45, 50, 55, 65, 75, 70, 50, 20)
_HOURLY_CUMULATIVE = tuple(total / sum(_HOURLY) for total in accumulate(_HOURLY))
_METHODS = {  # shipping method: carrier, fee in euro cents
    "Colissimo Domicile": ("Colissimo", 495),
    "Mondial Relay Point Relais": ("Mondial Relay", 495),
    "Chronopost Express": ("Chronopost", 690),
    "DHL Express": ("DHL", 690),
    "UPS Standard": ("UPS", 690),
}
_METHOD_SHARES = {  # by destination, in percent
    "FR": (("Colissimo Domicile", 50), ("Mondial Relay Point Relais", 30), ("Chronopost Express", 20)),
    "EU": (("Colissimo Domicile", 40), ("Mondial Relay Point Relais", 40), ("DHL Express", 20)),
    "world": (("DHL Express", 60), ("UPS Standard", 40)),
}
_TRANSIT_DAYS = {
    "Colissimo": (2, 3),
    "Mondial Relay": (3, 5),
    "Chronopost": (1, 1),
    "DHL": (2, 4),
    "UPS": (2, 5),
}
_LINE_COUNTS = ((1, 20), (2, 30), (3, 30), (4, 20))  # percent of orders; 2.5 lines on average
_HOUR = 3600


# Orders a day through the year, relative to an ordinary day: the run-up to Christmas (Black Friday's week
# above all) is the peak, the winter and summer sales ("soldes", from the second Wednesday of January and
# the last Wednesday of June, four weeks) are busy, August and the days after Christmas are quiet.
_SEASON = (
    ((1, 1), (1, 6), 0.8),
    ((1, 7), (2, 3), 1.3),
    ((6, 24), (7, 21), 1.25),
    ((8, 1), (8, 25), 0.75),
    ((11, 1), (11, 20), 1.35),
    ((11, 21), (12, 1), 2.3),
    ((12, 2), (12, 20), 1.9),
    ((12, 21), (12, 24), 1.2),
    ((12, 25), (12, 31), 0.7),
)


def seasonal_weights(first_day: date, days: int) -> list[float]:
    """Each day's weight in the orders of ``days`` days from ``first_day`` (``_SEASON``)."""
    weights = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        weight = 1.0
        for (start_month, start_day), (end_month, end_day), factor in _SEASON:
            if (start_month, start_day) <= (day.month, day.day) <= (end_month, end_day):
                weight = factor
        weights.append(weight)
    return weights


@dataclass(slots=True)
class _Basket:
    products: list[DemoProduct]
    indexes: list[int]  # in the catalogue
    prices: list[int]  # unit prices, minor units
    quantities: list[int]
    line_discounts: list[int]


@dataclass(slots=True)
class _Amounts:
    """An order's money, in minor units, except the per-line parts which are ready to store."""

    code: str
    order_discount: int
    shares: list[Decimal]  # of the order discount, per line
    taxes: list[Decimal]  # per line
    subtotal: int
    tax: int
    method: str
    shipping: int
    total: int


class _Generator:
    """Makes order after order; the only state carried from one to the next is the random stream."""

    def __init__(self, count: int, seed: int, now: datetime, currency: str) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
        self.salt = self.rng.getrandbits(64)
        self.now = now
        self.currency = currency
        self.exponent = -minor_units(currency)
        self.catalogue, self.cumulative = catalogue()
        self.prices = [self.minor(product.price) for product in self.catalogue]
        self.price_decimals = [self.decimal(price) for price in self.prices]
        self.no_discount = self.decimal(0)
        self.first_day = now.astimezone(ZONE).date() - timedelta(days=365)
        self.midnight = datetime.combine(self.first_day, time(), tzinfo=ZONE)
        self.count = count
        self.season = tuple(accumulate(seasonal_weights(self.first_day, 365)))
        self.customers = 0

    def minor(self, euro_cents: int) -> int:
        """Demo prices read the same in any currency: 29.90 EUR is 29.90 USD and 30 JPY."""
        scale: int = 10**-self.exponent
        return (euro_cents * scale + 50) // 100

    def decimal(self, units: int) -> Decimal:
        return Decimal(units).scaleb(self.exponent)

    def decimals(self, amount: int, parts: list[int]) -> list[Decimal]:
        """The parts of ``amount`` as ``records.complete()`` writes them: plain 0 when there is nothing."""
        return [self.decimal(part) for part in parts] if amount else [ZERO] * len(parts)

    def order(self, index: int) -> ImportedOrder:
        day, ordered_at = self.ordered_at(index)
        buyer, postal_code, new_customer = self.customer()
        basket = self.basket()
        amounts = self.amounts(basket, buyer, new_customer, ordered_at)
        cancelled_at = self.cancelled_at(ordered_at)
        shipments, shipment_of, fulfilled = self.fulfil(
            basket, day, ordered_at, amounts.method, buyer.country, cancelled=cancelled_at is not None
        )
        return ImportedOrder(
            number=f"{ORDER_PREFIX}{FIRST_ORDER_NUMBER + index}",
            ordered_at=ordered_at,
            currency=self.currency,
            lines=self.lines(basket, amounts, shipment_of, fulfilled),
            customer=buyer,
            email=buyer.email,
            language=buyer.language,
            is_gift=self.rng.random() < (0.15 if ordered_at.month == 12 else 0.04),
            discount_codes=amounts.code,
            subtotal=self.decimal(amounts.subtotal),
            discount=self.decimal(sum(basket.line_discounts) + amounts.order_discount),
            shipping=self.decimal(amounts.shipping),
            shipping_method=amounts.method,
            tax=self.decimal(amounts.tax),
            tax_included=True,
            total=self.decimal(amounts.total),
            financial_status="voided" if cancelled_at else "paid",
            fulfillment_status=_fulfillment_status(fulfilled),
            cancelled_at=cancelled_at,
            shipping_country=buyer.country,
            shipping_postal_code=postal_code,
            billing_country=buyer.country,
            source="demo",
            payments=[] if cancelled_at else self.payments(amounts.total, ordered_at),
            shipments=shipments,
        )

    def customer(self) -> tuple[ImportedCustomer, str, bool]:
        """A new customer for about one order in three, otherwise one who ordered before."""
        new = self.customers == 0 or self.rng.random() < 1 / 3
        if new:
            self.customers += 1
        number = self.customers - 1 if new else int(self.rng.random() * self.customers)
        buyer, postal_code = demo_customer(number, self.salt)
        return buyer, postal_code, new

    def amounts(
        self, basket: _Basket, buyer: ImportedCustomer, new_customer: bool, ordered_at: datetime
    ) -> _Amounts:
        remaining = [
            price * quantity - discount
            for price, quantity, discount in zip(
                basket.prices, basket.quantities, basket.line_discounts, strict=True
            )
        ]
        code, order_discount = self.order_discount(basket, sum(remaining), new_customer, buyer, ordered_at)
        shares = _spread(order_discount, remaining)
        subtotal = sum(remaining) - order_discount
        taxable = [
            net - share if product.taxable else 0
            for product, net, share in zip(basket.products, remaining, shares, strict=True)
        ]
        # Prices include 20% VAT; exports outside the EU are zero-rated. VAT on shipping is left out so
        # that the order's tax is the sum of its lines' taxes, which refunds prorate.
        tax = (sum(taxable) * VAT_PERCENT + (100 + VAT_PERCENT) // 2) // (100 + VAT_PERCENT)
        if buyer.country not in EU_COUNTRIES:
            tax = 0
        method, shipping = self.shipping(basket, buyer, subtotal)
        return _Amounts(
            code=code,
            order_discount=order_discount,
            shares=self.decimals(order_discount, shares),
            taxes=self.decimals(tax, _spread(tax, taxable)),
            subtotal=subtotal,
            tax=tax,
            method=method,
            shipping=shipping,
            total=subtotal + shipping,
        )

    def lines(
        self, basket: _Basket, amounts: _Amounts, shipment_of: list[int | None], fulfilled: list[bool]
    ) -> list[ImportedLine]:
        return [
            ImportedLine(
                title=product.title,
                quantity=quantity,
                unit_price=self.price_decimals[catalogue_index],
                sku=product.sku,
                line_discount=self.decimal(line_discount) if line_discount else self.no_discount,
                tax=tax,
                taxable=product.taxable,
                seller_code=product.seller.code if product.seller else "",
                seller_name=product.seller.name if product.seller else "",
                vendor=product.vendor,
                category=product.category,
                tags=product.tags,
                final_sale=product.final_sale,
                personalised=product.personalised,
                requires_shipping=product.requires_shipping,
                fulfilled_quantity=quantity if done else 0,
                shipment=shipment,
                order_discount_share=share,
            )
            for product, catalogue_index, quantity, line_discount, share, tax, done, shipment in zip(
                basket.products,
                basket.indexes,
                basket.quantities,
                basket.line_discounts,
                amounts.shares,
                amounts.taxes,
                fulfilled,
                shipment_of,
                strict=True,
            )
        ]

    def ordered_at(self, index: int) -> tuple[int, datetime]:
        """Orders are spread over the 365 days before ``now`` as the season goes (``seasonal_weights``),
        in order, busier in the evening."""
        position = (index + self.rng.random()) / self.count * self.season[-1]
        day = min(bisect(self.season, position), len(self.season) - 1)
        start_of_day = self.season[day - 1] if day else 0.0
        fraction = min((position - start_of_day) / (self.season[day] - start_of_day), 0.999999)
        hour = bisect(_HOURLY_CUMULATIVE, fraction)
        start = _HOURLY_CUMULATIVE[hour - 1] if hour else 0.0
        seconds = int((hour + (fraction - start) / (_HOURLY_CUMULATIVE[hour] - start)) * _HOUR)
        return day, self.midnight + timedelta(days=day, seconds=min(seconds, 24 * _HOUR - 1))

    def basket(self) -> _Basket:
        rng = self.rng
        count = _pick(_LINE_COUNTS, int(rng.random() * 100))
        basket = _Basket([], [], [], [], [])
        seen: set[int] = set()
        while len(seen) < count:
            index = bisect(self.cumulative, rng.random() * self.cumulative[-1])
            if index in seen:
                continue
            seen.add(index)
            product, price = self.catalogue[index], self.prices[index]
            roll = rng.random()
            quantity = 1 if roll < 0.88 or not product.requires_shipping else 2 if roll < 0.97 else 3
            percent = 0
            if product.final_sale and rng.random() < 0.6:
                percent = 30  # clearance
            elif product.category != "gift_cards" and rng.random() < 0.05:
                percent = (10, 20)[int(rng.random() * 2)]  # a product on offer
            basket.products.append(product)
            basket.indexes.append(index)
            basket.prices.append(price)
            basket.quantities.append(quantity)
            basket.line_discounts.append((price * quantity * percent + 50) // 100)
        return basket

    def order_discount(
        self, basket: _Basket, remaining: int, new: bool, buyer: ImportedCustomer, ordered_at: datetime
    ) -> tuple[str, int]:
        """At most one code per order, never with a gift card in the basket (codes exclude them)."""
        rng = self.rng
        if any(product.category == "gift_cards" for product in basket.products):
            return "", 0
        percent_codes = (
            (new and rng.random() < 0.28, "BIENVENUE10", 10),
            (ordered_at.month in {1, 7} and rng.random() < 0.25, "SOLDES20", 20),
            (buyer.is_member and rng.random() < 0.12, "LUMIEREPLUS15", 15),
        )
        for applies, code, percent in percent_codes:
            if applies:
                return code, (remaining * percent + 50) // 100
        if remaining >= self.minor(4000) and rng.random() < 0.04:
            return "MERCI5", self.minor(500)
        return "", 0

    def shipping(self, basket: _Basket, buyer: ImportedCustomer, subtotal: int) -> tuple[str, int]:
        if not any(product.requires_shipping for product in basket.products):
            return "", 0
        zone = "FR" if buyer.country == "FR" else "EU" if buyer.country in EU_COUNTRIES else "world"
        method = _pick(_METHOD_SHARES[zone], int(self.rng.random() * 100))
        threshold = FREE_SHIPPING_FROM if zone != "world" else 2 * FREE_SHIPPING_FROM
        free = buyer.is_member or subtotal >= self.minor(threshold)
        return method, 0 if free else self.minor(_METHODS[method][1])

    def cancelled_at(self, ordered_at: datetime) -> datetime | None:
        if self.rng.random() >= 0.02:
            return None
        cancelled_at = ordered_at + timedelta(minutes=5 + int(self.rng.random() * 600))
        return cancelled_at if cancelled_at < self.now else ordered_at + (self.now - ordered_at) / 2

    def fulfil(
        self,
        basket: _Basket,
        day: int,
        ordered_at: datetime,
        method: str,
        destination: str,
        *,
        cancelled: bool,
    ) -> tuple[list[ImportedShipment], list[int | None], list[bool]]:
        """Ship each seller's lines in a parcel of their own; downloads and e-gift cards go at once."""
        shipments: list[ImportedShipment] = []
        shipment_of: list[int | None] = [None] * len(basket.products)
        if cancelled:
            return shipments, shipment_of, [False] * len(basket.products)
        parcels: dict[DemoSeller | None, list[int]] = {}
        for position, product in enumerate(basket.products):
            if product.requires_shipping:
                parcels.setdefault(product.seller, []).append(position)
        fulfilled = [not product.requires_shipping for product in basket.products]
        for seller, positions in parcels.items():
            personalised = any(basket.products[position].personalised for position in positions)
            shipment = self.parcel(seller, day, ordered_at, method, destination, personalised)
            if shipment is None:
                continue  # not shipped yet
            for position in positions:
                shipment_of[position] = len(shipments)
                fulfilled[position] = True
            shipments.append(shipment)
        return shipments, shipment_of, fulfilled

    def parcel(
        self,
        seller: DemoSeller | None,
        day: int,
        ordered_at: datetime,
        method: str,
        destination: str,
        personalised: bool,
    ) -> ImportedShipment | None:
        random_ = self.rng.random
        if seller is None:
            carrier, origin = _METHODS[method][0], DEMO_STORE["country"]
            dispatch = 0 if ordered_at.hour < 12 and random_() < 0.6 else 1
            if random_() < 0.06:
                dispatch += 3 + int(random_() * 8)  # back-ordered
        else:
            carrier, origin, method = seller.carrier, seller.country, f"{seller.carrier} Standard"
            dispatch = 1 + int(random_() * 4)
        if personalised:
            dispatch += 4 + int(random_() * 5)  # made to order
        low, high = _TRANSIT_DAYS[carrier]
        if origin != destination:
            low, high = low + 1, high + 2
        shipped_at = self.midnight + timedelta(days=day + dispatch, seconds=int((15 + 4 * random_()) * _HOUR))
        if shipped_at >= self.now:
            return None
        arrival = day + dispatch + low + int(random_() * (high - low + 1))
        if (self.first_day.toordinal() + arrival) % 7 == 0:  # a Sunday: no delivery until Monday
            arrival += 1
        delivered_at: datetime | None = self.midnight + timedelta(
            days=arrival, seconds=int((9 + 9 * random_()) * _HOUR)
        )
        if random_() < 0.005 or (delivered_at and delivered_at >= self.now):
            delivered_at = None  # lost, or still on its way
        return ImportedShipment(
            carrier=carrier,
            tracking_number=_tracking_number(carrier, self.rng.getrandbits(64)),
            method=method,
            shipped_at=shipped_at,
            delivered_at=delivered_at,
            estimated_delivery_latest=self.first_day + timedelta(days=day + dispatch + high + 1),
        )

    def payments(self, total: int, ordered_at: datetime) -> list[ImportedPayment]:
        rng = self.rng
        captured_at = ordered_at + timedelta(seconds=5 + int(rng.random() * 60))
        payments: list[ImportedPayment] = []
        roll = rng.random()
        if roll < 0.04 and total:  # part or all of it on a gift card
            on_card = min(total, self.minor((2500, 5000, 10000)[int(rng.random() * 3)]))
            reference = f"GC-{rng.getrandbits(32) % 10**8:08d}"
            payments.append(
                ImportedPayment("gift_card", self.decimal(on_card), "gift_card", reference, captured_at)
            )
            total -= on_card
        if total or not payments:
            if 0.04 <= roll < 0.24:
                payments.append(
                    ImportedPayment(
                        "paypal", self.decimal(total), "paypal", f"{rng.getrandbits(68):017X}", captured_at
                    )
                )
            else:
                payments.append(
                    ImportedPayment(
                        "card", self.decimal(total), "stripe", f"pi_{rng.getrandbits(96):024x}", captured_at
                    )
                )
        return payments


def _spread(amount: int, weights: Sequence[int]) -> list[int]:
    """Split ``amount`` (minor units) by largest remainder, exactly as ``records.complete()`` does.

    Mirroring it (rather than calling it) keeps generation fast, and lets ``complete()`` find nothing to
    change in a generated order.
    """
    if amount == 0:
        return [0] * len(weights)
    total = sum(weights)
    if total == 0:
        weights, total = [1] * len(weights), len(weights)
    parts = [amount * weight // total for weight in weights]
    largest_remainders = sorted(range(len(weights)), key=lambda i: (-(amount * weights[i] % total), i))
    for index in largest_remainders[: amount - sum(parts)]:
        parts[index] += 1
    return parts


def _fulfillment_status(fulfilled: list[bool]) -> str:
    if all(fulfilled):
        return "fulfilled"
    return "partial" if any(fulfilled) else "unfulfilled"


def _tracking_number(carrier: str, bits: int) -> str:
    if carrier == "Colissimo":
        return f"6A{bits % 10**11:011d}"
    if carrier == "Chronopost":
        return f"XW{bits % 10**9:09d}FR"
    if carrier == "Mondial Relay":
        return f"{bits % 10**8:08d}"
    if carrier == "UPS":
        return f"1Z{bits:016X}"
    return f"{bits % 10**10:010d}"  # DHL


def generate_orders(
    count: int, seed: int, *, now: datetime, currency: str = "EUR"
) -> Iterator[ImportedOrder]:
    """``count`` orders placed over the year before ``now``, the same for the same arguments."""
    if count < 0:
        raise ValueError("count must not be negative")
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    minor_units(currency)  # an unknown currency fails here, not at the first order
    if count == 0:
        return iter(())
    generator = _Generator(count, seed, now, currency)
    return (generator.order(index) for index in range(count))
