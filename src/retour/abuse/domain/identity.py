"""One shopper behind several accounts: emails and addresses normalised so that trivial variations meet."""

from __future__ import annotations

import re
import unicodedata

# Mailboxes that ignore dots in the local part; every provider here ignores a "+tag".
_DOTLESS = frozenset({"gmail.com", "googlemail.com"})
_ALIASES = {"googlemail.com": "gmail.com"}
_WORDS = {
    "street": "st",
    "st.": "st",
    "avenue": "av",
    "ave": "av",
    "boulevard": "bd",
    "bld": "bd",
    "rue": "r",
    "apartment": "apt",
    "appartement": "apt",
}


def normalised_email(email: str) -> str:
    """``John.Doe+shop@GoogleMail.com`` → ``johndoe@gmail.com``; "" for an empty address."""
    text = email.strip().lower()
    if "@" not in text:
        return text
    local, domain = text.rsplit("@", 1)
    domain = _ALIASES.get(domain, domain)
    local = local.split("+", 1)[0]
    if domain in _DOTLESS:
        local = local.replace(".", "")
    return f"{local}@{domain}"


def normalised_address(line1: str, postal_code: str, country: str) -> str:
    """An address as a key: accents, case, punctuation and common abbreviations do not matter; "" when the
    street is missing (no key is better than a key everyone shares)."""
    text = unicodedata.normalize("NFKD", line1).encode("ascii", "ignore").decode().lower()
    words = [_WORDS.get(word, word) for word in re.split(r"[^a-z0-9.]+", text) if word]
    street = " ".join(word.rstrip(".") for word in words)
    if not street:
        return ""
    postal = re.sub(r"[^A-Za-z0-9]", "", postal_code).upper()
    return f"{country.upper()}|{postal}|{street}"
