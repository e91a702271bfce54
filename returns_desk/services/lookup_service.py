"""Lookup results as the command line and the window show them: JSON, and text in a language."""

from __future__ import annotations

from typing import Any

from returns_desk.domain.lookup import LookupResult
from returns_desk.domain.messages import REMEDY_WORDS, say


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
    if key == "not_recalled_here" and result.elsewhere:
        key = "not_recalled_elsewhere"
    return say(key, lang, **args)


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
            }
            for m in result.matches
        ],
        "needs": list(result.needs),
        "reason": reason_text(result, lang),
        "suggestions": list(result.suggestions),
        "elsewhere": list(result.elsewhere),
    }
    if result.serial_error:
        out["serial_error"] = say(result.serial_error, lang, **result.serial_error_args)
        if result.serial_suggestion:
            out["serial_suggestion"] = result.serial_suggestion
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
    if result.suggestions:
        lines.append("  ? " + ", ".join(result.suggestions))
    return "\n".join(lines)
