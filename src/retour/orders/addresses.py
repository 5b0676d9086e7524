"""An order's shipping address as it is written on a parcel: one line per part, the locality in the order
its country writes it.

Pure: the label (logistics) and the admin both print an address from these lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from babel import Locale

LOCALES = {"fr": "fr_FR", "en": "en_GB"}

# Countries that write the town before the postal code, the region between them ("Ottawa ON K2P 2L8").
TOWN_FIRST = frozenset({"US", "CA", "AU", "NZ", "IN", "MY", "SG", "TH", "ID", "PH", "BR", "MX"})
# Countries that write the postal code on a line of its own, below the town.
POSTCODE_BELOW = frozenset({"GB", "IE", "IM", "JE", "GG", "LV", "UA", "RU", "KR"})


@dataclass(frozen=True, slots=True)
class PostalAddress:
    name: str = ""
    company: str = ""
    line1: str = ""
    line2: str = ""
    city: str = ""
    postal_code: str = ""
    province: str = ""
    country: str = ""  # ISO 3166-1 alpha-2, or empty when unknown

    @property
    def is_empty(self) -> bool:
        return not (self.line1 or self.line2 or self.city)


def locality_lines(address: PostalAddress) -> list[str]:
    """The town, postal code and region, as the address's country orders them."""
    town, code, region = address.city, address.postal_code, address.province
    if address.country in TOWN_FIRST:
        return [_join(town, region, code)]
    if address.country in POSTCODE_BELOW:
        return [_join(town, region), code]
    return [_join(code, town, region)]


def postal_lines(address: PostalAddress, country_name: str) -> list[str]:
    """Every non-empty line of the address, the country's name last (``country_name``: in the reader's
    language, empty to leave the country out)."""
    lines = [address.name, address.company, address.line1, address.line2, *locality_lines(address)]
    return [line.strip() for line in [*lines, country_name] if line and line.strip()]


def country_name(code: str, language: str) -> str:
    """The country's name in ``language`` ("fr" or "en"; another reads as English), the code if unknown."""
    locale = Locale.parse(LOCALES.get(language[:2], "en_GB"))
    return str(locale.territories.get(code, code)) if code else ""


def _join(*parts: str) -> str:
    return " ".join(part.strip() for part in parts if part and part.strip())
