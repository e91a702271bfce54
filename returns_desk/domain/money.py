"""Money in integer minor units (fen, cents; yen have none). Never floats."""

from __future__ import annotations

import re
import unicodedata
from decimal import Context, Decimal, InvalidOperation

from returns_desk.domain.catalogue import MAX_AMOUNT_MINOR
from returns_desk.domain.errors import InputError

DIGITS = {"CNY": 2, "USD": 2, "CAD": 2, "AUD": 2, "JPY": 0}
_AMOUNT = re.compile(r"^-?\d+(\.\d+)?$")
_SYMBOLS = str.maketrans("", "", "¥$￥元円,  \u3000")
#: Longest amount text read; anything longer is refused, never cut (cutting changes the number).
MAX_AMOUNT_TEXT = 64
#: Enough digits that every amount text of MAX_AMOUNT_TEXT characters converts exactly.
_EXACT = Context(prec=MAX_AMOUNT_TEXT * 2 + 8)


def parse_amount(text: str, currency: str) -> int:
    """``"149.00"`` CNY -> 14900. Accepts full-width digits, currency signs and thousands commas.

    Raises InputError (amount_invalid / amount_negative / amount_precision / amount_too_large)."""
    digits = DIGITS[currency]
    text = str(text)
    cleaned = "" if len(text) > MAX_AMOUNT_TEXT * 4 else unicodedata.normalize("NFKC", text).translate(_SYMBOLS).strip()
    if not cleaned or len(cleaned) > MAX_AMOUNT_TEXT:
        raise InputError("amount_invalid", field="amount", value=str(text)[:40], currency=currency)
    for prefix in ("CNY", "RMB", "USD", "CAD", "AUD", "JPY", "US", "CA", "AU", "A", "C"):
        if cleaned.upper().startswith(prefix) and cleaned[len(prefix):].lstrip("-").replace(".", "", 1).isdigit():
            cleaned = cleaned[len(prefix):]
            break
    if not _AMOUNT.match(cleaned):
        raise InputError("amount_invalid", field="amount", value=str(text)[:40], currency=currency)
    try:
        value = Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the regex admits only valid decimals
        raise InputError("amount_invalid", field="amount", value=str(text)[:40], currency=currency) from None
    if value < 0:
        raise InputError("amount_negative", field="amount")
    minor = value.scaleb(digits, _EXACT)  # exact: never rounded to the default 28 digits
    if minor != minor.to_integral_value(context=_EXACT):
        raise InputError("amount_precision", field="amount", currency=currency, digits=digits)
    if minor > MAX_AMOUNT_MINOR:
        raise InputError("amount_too_large", field="amount", value=cleaned)
    return int(minor)


def format_amount(minor: int, currency: str) -> str:
    """14900 CNY -> ``"149.00"``; 3000 JPY -> ``"3000"``."""
    digits = DIGITS.get(currency, 2)
    if digits == 0:
        return str(minor)
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(minor), 10**digits)
    return f"{sign}{whole}.{frac:0{digits}d}"


#: Currency signs as the Chinese (CLDR zh) locale writes them: the yuan is ``¥``, others are told apart.
_ZH_SIGNS = {"CNY": "¥", "USD": "US$", "CAD": "CA$", "AUD": "AU$", "JPY": "JP¥"}


def currency_sign(currency: str, lang: str = "en") -> str:
    """How the language shows the currency beside an amount field: ``¥`` in Chinese, ``CNY`` in English."""
    return _ZH_SIGNS.get(currency, currency) if lang.startswith("zh") else currency


def format_money(minor: int, currency: str, lang: str = "en") -> str:
    """An amount for people to read, in the language's form: Chinese puts the sign first and
    groups thousands (``¥1,490.00``); English keeps the counter's form (``1490.00 CNY``)."""
    if not lang.startswith("zh"):
        return f"{format_amount(minor, currency)} {currency}"
    digits = DIGITS.get(currency, 2)
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(minor), 10**digits)
    number = f"{whole:,}" + (f".{frac:0{digits}d}" if digits else "")
    return f"{sign}{_ZH_SIGNS.get(currency, currency + ' ')}{number}"
