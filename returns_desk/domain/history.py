"""The audit history of a return as sentences in the reader's language: one message per audit
action, with its details (remedy, amount with its currency, who approved, reasons, notes) and
never the raw action code or JSON."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from returns_desk.domain.messages import has, say
from returns_desk.domain.money import format_money


def _word(prefix: str, code: Any, lang: str) -> str:
    return say(prefix + str(code), lang) if code is not None and has(prefix + str(code)) else str(code or "")


def event_sentence(action: str, details: Mapping[str, Any], *, currency: str, lang: str = "en") -> str:
    """What happened, as a sentence: ``return_recorded`` with ``{"remedy": "refund",
    "amount_minor": 14900}`` in CNY is "Return recorded: refund, 149.00 CNY." (``¥149.00`` in
    Chinese). Checksums and other machine fields are left out. An action this module does not
    know reads as its words ("Action: custody sealed.")."""
    gap = "" if lang == "zh_CN" else " "
    if action == "return_recorded":
        remedy = _word("remedy_", details.get("remedy"), lang)
        minor = details.get("amount_minor")
        if minor is None or (minor == 0 and details.get("remedy") == "replacement"):
            text = say("hist_return_recorded_no_amount", lang, remedy=remedy)
        else:
            text = say("hist_return_recorded", lang, remedy=remedy, amount=format_money(int(minor), currency, lang))
        overrides = details.get("overrides") or []
        if overrides:
            sep = "、" if lang == "zh_CN" else ", "
            what = sep.join(_word("hist_override_", o, lang) for o in overrides)
            text += gap + say("hist_override", lang, what=what, approver=details.get("approved_by") or "-", reason=details.get("reason") or "-")
        return text
    if action == "return_voided":
        return say("hist_return_voided", lang, reason=details.get("reason") or "-")
    if action == "confirmation_set":
        text = say("hist_confirmation_set", lang, result=_word("rpt_confirmation_", details.get("confirmation"), lang))
        if details.get("note"):
            text += gap + say("hist_note", lang, note=details["note"])
        return text
    if action == "return_reprinted":
        return say("hist_reprint_bag_label" if details.get("document") == "bag_label" else "hist_reprint_slip", lang)
    return say("hist_other", lang, action=action.replace("_", " "))
