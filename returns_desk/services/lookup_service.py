"""Lookup results as the command line and the window show them: JSON, and text in a language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from returns_desk.domain.catalogue import Model
from returns_desk.domain.lookup import Candidate, LookupResult
from returns_desk.domain.messages import REMEDY_WORDS, say
from returns_desk.domain.messages import has as has_key

if TYPE_CHECKING:
    from typing import Any


def _windows_text(windows) -> str:
    return " / ".join(f"{a.isoformat()}..{b.isoformat()}" for a, b in windows)


def _brand(result: LookupResult, lang: str) -> str:
    if result.model is None:
        return ""
    if lang.startswith("zh") and result.model.brand_zh:
        return result.model.brand_zh
    return result.model.brand


def reason_text(result: LookupResult, lang: str = "en") -> str:
    top = result.top
    model = result.model.model if result.model else ""
    args: dict[str, Any] = {
        "input": result.input[:60],
        "model": model,
        "market": result.market,
        "version": result.catalogue_version,
        "elsewhere": ", ".join(result.elsewhere),
        "made": result.made.isoformat() if result.made else "",
        "batch": result.batch or "",
        "given": result.batch or "",
        "brand": _brand(result, lang),
        "title": "",
        "windows": "",
    }
    if top is not None:
        args["title"] = top.recall.text("title", lang)
        args["windows"] = _windows_text(top.entry.rule.windows)
    key = result.reason
    if key.startswith("described_"):
        return _described_text(result, lang)
    if key == "not_recalled_here" and result.elsewhere:
        key = "not_recalled_elsewhere"
    text = say(key, lang, **args)
    warning = serial_warning_text(result, lang)
    return f"{text} {warning}" if warning else text


def confidence_word(confidence: str | None, lang: str = "en") -> str:
    if confidence and has_key(f"confidence_{confidence}"):
        return say(f"confidence_{confidence}", lang)
    return say("unknown_value", lang)


def serial_warning_text(result: LookupResult, lang: str = "en") -> str:
    """The warning for a serial outside a rule that is not high confidence ("" when none)."""
    if not result.serial_warning:
        return ""
    args = dict(result.serial_warning_args)
    args["confidence"] = confidence_word(args.get("confidence"), lang)
    return say(result.serial_warning, lang, **args)


def brand_name(model: Model, lang: str) -> str:
    """The brand as the clerk knows it in the display language (安克 for Anker in Chinese)."""
    return model.brand_zh if lang.startswith("zh") and model.brand_zh else model.brand


def candidate_label(c: Candidate, lang: str = "en") -> str:
    """``Anker A1642 (RECALLED)``; an unverified name match says so."""
    zh = lang.startswith("zh")
    extra = ("；" if zh else "; ") + say("candidate_unverified", lang) if c.matched == "unverified" else ""
    inner = say("verdict_" + c.verdict, lang) + extra
    return f"{brand_name(c.model, lang)} {c.model.model}" + (f"（{inner}）" if zh else f" ({inner})")


def _described_text(result: LookupResult, lang: str) -> str:
    brands = list(dict.fromkeys(c.model.brand for c in result.candidates))
    if not brands and result.described is not None:
        brands = sorted(result.described.brands)
    where = "; ".join(say(f"where_{b}", lang) if has_key(f"where_{b}") else say("where_other", lang) for b in brands) or say("where_other", lang)
    if result.candidates:
        listed = say("described_candidates", lang, list=", ".join(candidate_label(c, lang) for c in result.candidates))
    else:
        listed = say("described_no_candidates", lang, version=result.catalogue_version)
    return say(result.reason, lang, input=result.input[:60], where=where, candidates=listed)


def candidate_json(c: Candidate, lang: str = "en") -> dict[str, Any]:
    """One candidate as the window and ``lookup --json`` show it."""
    m = c.model
    return {
        "model": m.model,
        "brand": m.brand,
        "brand_local": brand_name(m, lang),
        "name": (m.name_zh if lang.startswith("zh") and m.name_zh else c.display_name),
        "capacity_mah": m.capacity_mah,
        "verdict": c.verdict,
        "verdict_text": say("verdict_" + c.verdict, lang),
        "matched": c.matched,
        "unverified_names": list(m.unverified_aliases) if c.matched == "unverified" else [],
    }


def result_json(result: LookupResult, lang: str = "en") -> dict[str, Any]:
    out: dict[str, Any] = {
        "input": result.input,
        "model": result.model.model if result.model else None,
        "brand": result.model.brand if result.model else None,
        "market": result.market,
        "verdict": result.verdict,
        "recalls": [
            {
                "id": m.recall.id,
                "title": m.recall.text("title", lang),
                "authority": m.recall.text("authority", lang),
                "announced_on": m.recall.announced_on,
                "remedies": list(m.recall.remedies),
                "confirmation": m.entry.confirmation,
                "status": m.recall.status,
                "confidence": m.recall.confidence,
                "verdict": m.verdict,
                "currency": m.recall.currency,
                "refund_max_minor": m.entry.refund_max_minor,
                "voucher_max_minor": m.entry.voucher_max_minor,
                "bound_note": m.entry.bound_text(lang),
            }
            for m in result.matches
        ],
        "needs": list(result.needs),
        "reason": reason_text(result, lang),
        "suggestions": list(result.suggestions),
        "elsewhere": list(result.elsewhere),
        "candidates": [candidate_json(c, lang) for c in result.candidates],
        "catalogue_version": result.catalogue_version,
    }
    if result.described is not None:
        d = result.described
        out["described"] = {
            "brands": sorted(d.brands),
            "capacity_mah": d.capacity_mah,
            "output_w": d.watts,
            "name_words": list(d.words),
        }
    if result.serial_error:
        out["serial_error"] = say(result.serial_error, lang, **result.serial_error_args)
        if result.serial_suggestion:
            out["serial_suggestion"] = result.serial_suggestion
    if result.serial_warning:
        out["serial_warning"] = serial_warning_text(result, lang)
    return out


def result_text(result: LookupResult, lang: str = "en") -> str:
    """The verdict for a terminal: banner, reason, recalls, what is still needed."""
    lines = [f"{say('verdict_' + result.verdict, lang)}  {result.model.brand + ' ' + result.model.model if result.model else result.input}"]
    lines.append(reason_text(result, lang))
    for m in result.matches:
        remedies = ", ".join(REMEDY_WORDS["zh_CN" if lang.startswith("zh") else "en"][r] for r in m.recall.remedies)
        conf = say(f"confirmation_{m.entry.confirmation}", lang)
        lines.append(f"  - [{say('verdict_' + m.verdict, lang)}] {m.recall.announced_on} {m.recall.text('title', lang)} ({m.recall.text('authority', lang)}); {remedies}; {conf}")
    if result.needs:
        lines.append("  > " + ", ".join(say(f"need_{n}", lang) for n in result.needs))
    if result.serial_error:
        lines.append("  ! " + say(result.serial_error, lang, **result.serial_error_args))
        if result.serial_suggestion:
            lines.append(f"  ? {result.serial_suggestion}")
    for i, c in enumerate(result.candidates, 1):
        lines.append(f"  {i}. {candidate_label(c, lang)}  {candidate_json(c, lang)['name']}")
    if result.suggestions:
        lines.append("  ? " + ", ".join(result.suggestions))
    return "\n".join(lines)
