"""``returns-desk recalls list``: the active catalogue as an aligned table, or as JSON.

Columns are aligned by display width (East Asian wide characters take two terminal cells), so the
Chinese table stays in line: ``wcwidth`` measures each cell.
"""

from __future__ import annotations

from typing import Any

from wcwidth import wcswidth

from returns_desk.domain.catalogue import Catalogue, Recall
from returns_desk.domain.messages import has, say

COLUMNS = ("announced", "standing", "markets", "confidence", "units", "models", "recall")
_RIGHT = {"units"}
GAP = "  "


def display_width(text: str) -> int:
    """Terminal cells ``text`` takes; a character wcwidth cannot measure counts as one."""
    width = wcswidth(text)
    return width if width >= 0 else sum(max(wcswidth(c), 1) for c in text)


def pad(text: str, width: int, *, right: bool = False) -> str:
    fill = " " * max(0, width - display_width(text))
    return fill + text if right else text + fill


def _word(prefix: str, value: str | None, lang: str) -> str:
    if value and has(f"{prefix}_{value}"):
        return say(f"{prefix}_{value}", lang)
    return value or say("unknown_value", lang)


def _newest_first(recalls: tuple[Recall, ...]) -> list[Recall]:
    """Newest announcement first; a recall whose date no source gives comes last."""
    dated = sorted((r for r in recalls if r.announced_on), key=lambda r: r.announced_on, reverse=True)
    return dated + [r for r in recalls if not r.announced_on]


def _cells(r: Recall, lang: str) -> dict[str, str]:
    unknown = say("unknown_value", lang)
    return {
        "announced": r.announced_on or unknown,
        "standing": _word("standing", r.status, lang),
        "markets": "/".join(r.markets),
        "confidence": _word("confidence", r.confidence, lang),
        "units": f"{r.units:,}" if r.units is not None else unknown,
        "models": ",".join(m.model for m in r.models),
        "recall": r.id,
    }


def table_lines(cat: Catalogue, info: dict[str, Any], lang: str = "en") -> list[str]:
    """The header line, a column heading row, and per recall its row, title, authority and the
    notes on derived money bounds."""
    source = _word("catalogue_source", info["source"], lang)
    lines = [say("recalls_header", lang, version=cat.version, source=source, loaded=info["loaded_at"][:19])]
    recalls = _newest_first(cat.recalls)
    rows = [{c: say(f"col_{c}", lang) for c in COLUMNS}] + [_cells(r, lang) for r in recalls]
    widths = {c: max(display_width(row[c]) for row in rows) for c in COLUMNS}
    for i, row in enumerate(rows):
        cells = [pad(row[c], widths[c], right=c in _RIGHT) if c != COLUMNS[-1] else row[c] for c in COLUMNS]
        lines.append(GAP.join(cells).rstrip())
        if i == 0:
            continue
        r = recalls[i - 1]
        lines.append(f"{GAP}{r.text('title', lang)}")
        lines.append(f"{GAP}{say('recalls_authority', lang, authority=r.text('authority', lang))}")
        notes: dict[str, list[str]] = {}
        for e in r.models:
            note = e.bound_text(lang)
            if note:
                notes.setdefault(note, []).append(e.model)
        for note, models in notes.items():
            lines.append(f"{GAP}{say('recalls_bound_note', lang, models=','.join(models), note=note)}")
    return lines


def listing_json(cat: Catalogue, info: dict[str, Any], lang: str = "en") -> dict[str, Any]:
    """The same shape as before issue 12 (version, source, loaded_at, recalls[] with id, title,
    authority, markets, announced_on, units, remedies, models, status, confidence) plus new fields."""
    return {
        "version": cat.version,
        "source": info["source"],
        "loaded_at": info["loaded_at"],
        "source_text": _word("catalogue_source", info["source"], lang),
        "recalls": [
            {
                "id": r.id,
                "title": r.text("title", lang),
                "authority": r.text("authority", lang),
                "markets": list(r.markets),
                "announced_on": r.announced_on or None,
                "units": r.units,
                "remedies": list(r.remedies),
                "models": [m.model for m in r.models],
                "status": r.status,
                "confidence": r.confidence,
                # added by issue 12
                "standing": _word("standing", r.status, lang),
                "confidence_text": _word("confidence", r.confidence, lang),
                "confidence_note": r.confidence_note,
                "official_number": r.official_number,
                "units_note": r.units_note,
                "currency": r.currency,
                "sources": list(r.sources),
                "note": r.note,
                "model_details": [
                    {
                        "model": e.model,
                        "units": e.units,
                        "rule": e.rule.kind,
                        "windows": [[a.isoformat(), b.isoformat()] for a, b in e.rule.windows],
                        "confirmation": e.confirmation,
                        "price_minor": e.price_minor,
                        "refund_max_minor": e.refund_max_minor,
                        "voucher_max_minor": e.voucher_max_minor,
                        "bound_note": e.bound_text(lang),
                        "sold_from": e.sold_from,
                        "sold_to": e.sold_to,
                    }
                    for e in r.models
                ],
            }
            for r in cat.recalls
        ],
    }
