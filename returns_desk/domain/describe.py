"""What a customer says instead of a model number: a brand, a capacity, a product name.

"PowerCore 10000", "Romoss 20000", "罗马仕 2万毫安", "安克 １００００ｍＡｈ" are descriptions of a
product, not model numbers. The lookup must never read the number in them as a model that is on no
recall list (that answer sends a recalled unit away). :func:`describe` reads such input into a
:class:`Description`; the lookup then answers ``unknown`` and lists the candidate models.
"""

from __future__ import annotations

import re

from returns_desk.domain.text import fold
from dataclasses import dataclass

#: Brand words as customers type them, mapped to the catalogue's brand (``Model.brand``).
#: The Chinese names come from the catalogue's ``brand_zh`` too; these add the forms it lacks.
BRAND_FORMS: dict[str, str] = {
    "ANKER": "Anker",
    "安克": "Anker",
    "ROMOSS": "Romoss",
    "罗马仕": "Romoss",
    "羅馬仕": "Romoss",
    "XIAOMI": "Xiaomi",
    "小米": "Xiaomi",
    "MI": "Xiaomi",
}

#: Words of product names that say nothing about which product it is.
STOP_WORDS = frozenset(
    {"ANKER", "ROMOSS", "XIAOMI", "MI", "POWER", "BANK", "BATTERY", "BUILT", "IN", "USB", "C", "AND", "WITH",
     "THE", "MAH", "MA", "K", "W", "PORTABLE", "CHARGER", "PD", "A", "OF", "FOR"}
)

_LATIN_BRAND = re.compile(r"(ANKER|ROMOSS|XIAOMI)")
# a capacity: 10000, 10,000, 20000mAh, 20000 mAh, 20K, 2万, 2万毫安, 1.5万mAh, 20000毫安时
_CAPACITY = re.compile(
    r"(?<![A-Z0-9.,])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*"
    r"(万\s*(?:MAH|毫安时|毫安|MA)?|MAH|毫安时|毫安|MA|K)?(?![A-Z0-9])"
)
_WATTS = re.compile(r"(?<![A-Z0-9.,])(\d+(?:\.\d+)?)\s*W(?![A-Z0-9])")
_TOKEN = re.compile(r"[A-Z0-9]+")

#: A bare number is read as a capacity when it looks like one (1,000 to 100,000 mAh, in fifties:
#: 3350, 10000, 26800). Reading a number as a capacity only ever gives ``unknown``, the safe side.
BARE_MIN, BARE_MAX, BARE_STEP = 1000, 100000, 50


@dataclass(frozen=True)
class Description:
    brands: frozenset[str] = frozenset()
    capacity_mah: int | None = None
    watts: float | None = None
    words: tuple[str, ...] = ()  # remaining letter/digit words, upper-case (filtered by the caller)

    @property
    def has_spec(self) -> bool:
        return self.capacity_mah is not None or self.watts is not None


def _capacity(number: str, unit: str | None) -> int | None:
    value = float(number.replace(",", ""))
    if unit is None:
        if "," not in number and "." in number:
            return None
        whole = int(value)
        return whole if BARE_MIN <= whole <= BARE_MAX and whole % BARE_STEP == 0 else None
    unit = unit.replace(" ", "")
    if unit.startswith("万"):
        value *= 10000
    elif unit == "K":
        value *= 1000
    mah = round(value)
    return mah if 0 < mah <= 1_000_000 else None


def brand_forms(brand_words: dict[str, str] | None = None) -> dict[str, str]:
    """The brand words ``describe`` knows, folded: the built-in forms and a catalogue's own.
    Made once per catalogue (a lookup engine keeps it), not on every keystroke."""
    forms = dict(BRAND_FORMS)
    if brand_words:
        forms.update({fold(k): v for k, v in brand_words.items()})
    return forms


def describe(text: str, brand_words: dict[str, str] | None = None, *, forms: dict[str, str] | None = None) -> Description:
    """Brands, capacity (mAh), output (W) and the other words in ``text``. ``forms``, made by
    :func:`brand_forms`, saves folding the brand words again."""
    s = fold(text)
    if forms is None:
        forms = brand_forms(brand_words)
    brands = set()
    for form, brand in forms.items():
        if form.isascii():
            continue
        if form in s:
            brands.add(brand)
            s = s.replace(form, " ")
    s = _LATIN_BRAND.sub(r" \1 ", s)
    capacity: int | None = None
    for m in _CAPACITY.finditer(s):
        mah = _capacity(m.group(1), m.group(2))
        if mah is not None and capacity is None:
            capacity = mah
            s = s[: m.start()] + " " * (m.end() - m.start()) + s[m.end():]
    watts: float | None = None
    w = _WATTS.search(s)
    if w:
        watts = float(w.group(1))
        s = s[: w.start()] + " " + s[w.end():]
    words = []
    for tok in _TOKEN.findall(s):
        if tok in forms and forms[tok] and tok.isascii():
            brands.add(forms[tok])
        else:
            words.append(tok)
    return Description(brands=frozenset(brands), capacity_mah=capacity, watts=watts, words=tuple(words))


def name_words(text: str) -> set[str]:
    """The distinctive words of a product name (``Anker 334 MagGo Battery (PowerCore 10K)`` ->
    ``{"334", "MAGGO", "POWERCORE"}``): brand, capacity, output and generic words removed."""
    d = describe(text)
    return {w for w in d.words if (w.isdigit() and len(w) == 3) or (not w.isdigit() and w not in STOP_WORDS)}
