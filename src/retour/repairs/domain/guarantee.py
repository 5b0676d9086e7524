"""The legal guarantee of a repaired item is extended.

France: any good repaired under the legal guarantee of conformity gets a six-month extension of that
guarantee (Code de la consommation L217-13, first paragraph). The EU: Directive (EU) 2024/1799 art. 16
amends Directive (EU) 2019/771 art. 10: where the consumer chose repair as the remedy, the seller's period
of liability is extended once by 12 months (member states may give more); member states apply it from
31 July 2026 (Directive 2024/1799's transposition article). The longer of the two applies, once per item.

Pure: the services give the guarantee's original end, the day the repaired item was delivered back, the
country, and whether the item was already extended.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date

# The day the repair directive's rules apply in the member states.
REPAIR_DIRECTIVE_FROM = date(2026, 7, 31)
DIRECTIVE_MONTHS = 12
NATIONAL_MONTHS = {"FR": 6}
BASIS_DIRECTIVE = "Directive (EU) 2024/1799 art. 16 (amending Directive (EU) 2019/771 art. 10)"
BASIS_NATIONAL = {"FR": "Code de la consommation L217-13"}


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole calendar months, kept to the month's last day when it is shorter."""
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def extension_months(country: str, repaired_on: date, *, in_eu: bool) -> tuple[int, str]:
    """How many months a repair under the guarantee adds to it, and the text that says so (0 and "" when
    no law of ``country`` extends it)."""
    best = (0, "")
    national = NATIONAL_MONTHS.get(country.upper())
    if national:
        best = (national, BASIS_NATIONAL[country.upper()])
    if in_eu and repaired_on >= REPAIR_DIRECTIVE_FROM and best[0] < DIRECTIVE_MONTHS:
        best = (DIRECTIVE_MONTHS, BASIS_DIRECTIVE)
    return best


def extended_end(
    original_end: date,
    repaired_on: date,
    country: str,
    *,
    in_eu: bool,
    chose_repair: bool = True,
    already_extended: bool = False,
) -> tuple[date, str] | None:
    """The guarantee's new end for an item repaired under it, with its legal basis; None when nothing is
    extended (a paid repair out of guarantee, a repair the shopper did not choose under the directive
    where no national law extends it, or an item extended once already)."""
    if already_extended:
        return None
    months, basis = extension_months(country, repaired_on, in_eu=in_eu and chose_repair)
    if not months:
        return None
    return add_months(original_end, months), basis
