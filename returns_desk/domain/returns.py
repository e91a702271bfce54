"""A return as the clerk describes it, and the rules it must pass before it is saved."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from returns_desk.domain.catalogue import REMEDIES, Recall, RecallModel
from returns_desk.domain.errors import InputError, RefusedError
from returns_desk.domain.lookup import LookupResult, RecallMatch
from returns_desk.domain.messages import REMEDY_WORDS, say
from returns_desk.domain.money import format_amount, parse_amount

CONDITIONS = ("intact", "swollen", "hot", "leaking", "burnt", "damaged")
HAZARDOUS = frozenset(CONDITIONS) - {"intact"}
PROOF_TYPES = ("none", "receipt", "order_number", "photo")
LIMITS = {
    "model_input": 256,
    "serial": 64,
    "batch": 64,
    "clerk": 100,
    "receipt": 100,
    "customer_contact": 200,
    "replacement_model": 64,
    "notes": 2000,
    "override_reason": 500,
}


@dataclass
class ReturnDraft:
    """What the counter form (or ``returns-desk record``) hands to the returns service."""

    model_input: str
    remedy: str
    clerk: str
    amount: str | None = None  # as typed; parsed in the market's currency
    serial: str | None = None
    batch: str | None = None
    made: dt.date | None = None
    condition: str = "intact"
    receipt: str | None = None
    proof_type: str | None = None
    replacement_model: str | None = None
    customer_contact: str | None = None
    notes: str | None = None
    override_reason: str | None = None
    at: dt.datetime | None = None  # when it happened; now when None
    isolation_confirmed: bool = False  # the clerk confirmed the battery-safety isolation step


@dataclass(frozen=True)
class Checked:
    """A draft that passed every rule that does not need the database."""

    match: RecallMatch
    amount_minor: int
    currency: str
    over_bound: bool
    bound_minor: int | None


def clean_text(value: str | None, field: str) -> str | None:
    """Trim, keep literally (SQL-looking text is just text), refuse control characters and overlong text."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if len(value) > LIMITS[field]:
        raise InputError("text_too_long", field=field, max=LIMITS[field])
    # control characters other than tab/newline corrupt exports and slips; drop them
    # (printable text has none: the common case skips the character-by-character pass)
    if not value.isprintable():
        value = "".join(c for c in value if c in "\t\n" or ord(c) >= 32 and ord(c) != 127)
    return value or None


def default_amount(recall: Recall, entry: RecallModel, remedy: str) -> int | None:
    """The amount to start from when the clerk gives none: the typical price for a refund, the
    card's value for a voucher of fixed value (the recall allows no refund), nothing for a
    replacement; None when it must come from the receipt."""
    if remedy == "replacement":
        return 0
    if remedy == "refund":
        return entry.price_minor
    if remedy == "voucher" and "refund" not in recall.remedies:
        return entry.voucher_max_minor
    return None


def amount_bound(entry: RecallModel, remedy: str, amount: int = 0) -> int | None:
    """The most a remedy may pay without a manager's override (None: no published bound)."""
    if remedy == "replacement":
        return entry.price_minor if amount else None
    return {"refund": entry.refund_max_minor, "voucher": entry.voucher_max_minor}.get(remedy)


def check_draft(draft: ReturnDraft, result: LookupResult, currency: str) -> Checked:
    """Validate a draft against the lookup of its model. Raises InputError or RefusedError."""
    if not draft.model_input or not draft.model_input.strip():
        raise InputError("model_required", field="model")
    if result.verdict == "recalled" and result.top is not None and not result.top.recall.remedies:
        raise RefusedError("remedy_unknown", field="remedy", recall=result.top.recall.id)
    if draft.remedy not in REMEDIES:
        raise InputError("remedy_invalid", field="remedy")
    if draft.condition not in CONDITIONS:
        raise InputError("condition_invalid", field="condition")
    if draft.proof_type is not None and draft.proof_type not in PROOF_TYPES:
        raise InputError("proof_invalid", field="proof_type")
    if not draft.clerk or not draft.clerk.strip():
        raise InputError("clerk_required", field="clerk")
    if result.model is None and result.described is not None:
        raise InputError(
            "model_described",
            field="model",
            input=draft.model_input[:40],
            candidates=", ".join(c.model.model for c in result.candidates) or "-",
        )
    if result.model is None:
        raise InputError("model_not_found", field="model", input=draft.model_input[:40], version=result.catalogue_version)
    if draft.serial is not None and result.serial_error:
        raise InputError(
            "serial_invalid",
            field="serial",
            serial=result.serial or draft.serial,
            error=say(result.serial_error, "en", **result.serial_error_args),
        )
    if result.verdict == "check_required":
        needs = ", ".join(say(f"need_{n}", "en") for n in result.needs) or say("need_batch_code", "en")
        raise RefusedError("needs_identifier", field=(result.needs or ("batch_code",))[0], needs=needs)
    if result.verdict != "recalled" or result.top is None:
        raise RefusedError(
            "not_returnable", field="model", model=result.model.model, verdict=say(f"verdict_{result.verdict}", "en"), market=result.market
        )
    match = result.top
    if draft.remedy not in match.recall.remedies:
        raise RefusedError(
            "remedy_not_allowed",
            field="remedy",
            recall=match.recall.id,
            allowed=", ".join(match.recall.remedies),
            remedy=draft.remedy,
        )
    entry = match.entry
    if draft.amount is None or not str(draft.amount).strip():
        default = default_amount(match.recall, entry, draft.remedy)
        if default is None:
            raise InputError("amount_required", field="amount", remedy=REMEDY_WORDS["en"][draft.remedy])
        amount = default
    else:
        amount = parse_amount(draft.amount, currency)
    bound = amount_bound(entry, draft.remedy, amount)
    over = bound is not None and amount > bound
    if over and not (draft.override_reason and draft.override_reason.strip()):
        raise RefusedError(
            "amount_over_bound",
            field="amount",
            amount=format_amount(amount, currency),
            bound=format_amount(bound or 0, currency),
            remedy=REMEDY_WORDS["en"][draft.remedy],
            model=result.model.model,
        )
    return Checked(match=match, amount_minor=amount, currency=currency, over_bound=over, bound_minor=bound)
