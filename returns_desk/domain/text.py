"""Normalising what clerks and scanners type: model numbers, batch codes, serials, dates.

Input arrives in any case, with spaces or hyphens or none, in full-width characters from a
Chinese input method (``Ａ１２５７``), with brand words around it (``安克A1257``).
NFKC folds full-width forms to ASCII; everything that is not an ASCII letter or digit is a
separator, which also splits Chinese brand words from the model number they touch.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

#: Longest input the normaliser reads. A model field holds a dozen characters; a scanner that
#: runs away, or a paste of a whole page, must not make a keystroke slow.
MAX_INPUT = 256

_TOKEN = re.compile(r"[A-Z0-9]+")
_LATIN_BRANDS = ("ANKER", "ROMOSS", "XIAOMI")


def fold(text: str) -> str:
    """NFKC-fold and upper-case, reading at most MAX_INPUT characters."""
    return unicodedata.normalize("NFKC", text[: MAX_INPUT * 2])[: MAX_INPUT].upper()


def compact(text: str) -> str:
    """The comparison key of a code: folded, letters and digits only (``c14-p7`` -> ``C14P7``)."""
    return "".join(_TOKEN.findall(fold(text)))


def tokens(text: str) -> list[str]:
    """ASCII letter/digit runs of the folded text, with a glued-on Latin brand word removed
    (``ANKERA1257`` -> ``A1257``). Brand words standing alone stay: they may be part of an alias."""
    out = []
    for tok in _TOKEN.findall(fold(text)):
        for brand in _LATIN_BRANDS:
            if tok.startswith(brand) and len(tok) > len(brand) and any(c.isdigit() for c in tok):
                tok = tok[len(brand):]
                break
        out.append(tok)
    return out


BRAND_WORDS = frozenset(_LATIN_BRANDS)


def serial_key(text: str) -> str:
    """A serial number as printed: folded, without spaces, hyphens or other separators."""
    return compact(text)


# compiled on first use (re keeps them): most commands never read a typed date
_DATE_FORMS = (
    r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$",
    r"^(\d{4})(\d{2})(\d{2})$",
    r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$",
)


def parse_date(text: str) -> dt.date:
    """A calendar date as people type it: 2023-06-05, 2023/6/5, 20230605, 2023年6月5日,
    full-width digits too. Raises ValueError with a short English reason."""
    s = unicodedata.normalize("NFKC", text.strip())
    for form in _DATE_FORMS:
        m = re.match(form, s)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            return dt.date(y, mo, d)  # raises ValueError for 2023-02-30
    raise ValueError(f"not a date (YYYY-MM-DD): {text!r}")
