"""A return as the clerk describes it, and the rules it must pass before it is saved."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from returns_desk.domain.catalogue import Recall, RecallModel
from returns_desk.domain.errors import InputError, RefusedError
from returns_desk.domain.lookup import LookupResult, RecallMatch
from returns_desk.domain.messages import Phrases, phrase
from returns_desk.domain.money import format_amount, parse_amount
from returns_desk.domain.vocab import CONDITIONS, HAZARDOUS, PROOF_TYPES, REFUND, REMEDIES, REPLACEMENT, STOP_CONDITIONS, VOUCHER

__all__ = ["CONDITIONS", "HAZARDOUS", "PROOF_TYPES", "ReturnDraft", "ReturnEntry", "check_draft", "fields_used"]
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
class ReturnEntry:
    """A return as it is recorded: every field fixed at that moment (storage takes its columns,
    and the audit fingerprint its field order, from here). What changes later — a void, the
    manufacturer's answer — is kept beside it (:data:`STATE_FIELDS`)."""

    uuid: str
    ticket: str
    recorded_at: str
    business_date: str
    time_zone: str
    store: str
    counter: str
    clerk: str
    market: str
    model_input: str
    model: str
    brand: str
    recall_id: str
    verdict: str
    catalogue_version: str
    confirmation: str
    serial: str | None
    batch_code: str | None
    made_on: str | None
    condition: str
    remedy: str
    amount_minor: int
    currency: str
    replacement_model: str | None
    receipt: str | None
    proof_type: str
    customer_contact: str | None
    notes: str | None
    override_reason: str | None
    override_by: str | None
    duplicate_of: str | None
    isolation_confirmed_at: str | None
    #: the warning the clerk was shown and saved despite (a rule of low confidence), in English
    check_warning: str | None = None

    def row(self) -> dict[str, object]:
        # every field is a str, an int or None: a shallow copy is the whole row (``asdict``
        # deep-copies field by field, a quarter of a save's own work)
        return {name: getattr(self, name) for name in RECORDED_FIELDS}


#: The columns of a recorded return, in the order of the fingerprint (domain.integrity.row_digest;
#: ``check_warning`` is fingerprinted only when set, see storage.repository.digest_columns).
RECORDED_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(ReturnEntry))
#: What may change after recording: a void (who, when, why) and the manufacturer's answer.
STATE_FIELDS = ("status", "void_reason", "void_by", "void_at")
#: A return as the command line's --json and the services show it (a stable order).
ENTRY_FIELDS = (
    "ticket", "uuid", "recorded_at", "business_date", "time_zone", "store", "counter", "clerk", "market",
    "model_input", "model", "brand", "recall_id", "verdict", "catalogue_version", "confirmation", "serial",
    "batch_code", "made_on", "condition", "remedy", "amount_minor", "currency", "replacement_model", "receipt",
    "proof_type", "customer_contact", "notes", "override_reason", "override_by", "duplicate_of", "status",
    "void_reason", "void_by", "void_at", "isolation_confirmed_at", "check_warning",
)


def fields_used(result: LookupResult) -> set[str]:
    """The identifiers the recall rules of this lookup ask for: ``batch_code``,
    ``manufacture_date``, ``serial``. A return keeps no other identifier (one typed for an earlier
    model is not carried into this one)."""
    used: set[str] = set()
    for m in result.matches:
        kind = m.entry.rule.kind
        if kind == "manufacturer_check" or m.entry.confirmation == "manufacturer":
            used.add("serial")
        if kind == "made_window" or (kind == "batch_list" and m.entry.rule.windows):
            used.add("manufacture_date")
        if kind == "batch_list":
            used.add("batch_code")
    if result.model is not None and result.model.serial_format is not None and result.matches:
        used.add("serial")
    return used


def check_safety(condition: str | None, isolation_confirmed: bool) -> None:
    """The battery-safety step, for every caller: the condition is known; a hot unit stops the
    return (nobody handles it: an incident, not a return); a recalled unit is isolated first."""
    if condition not in CONDITIONS:
        raise InputError("condition_invalid", field="condition")
    if condition in STOP_CONDITIONS:
        raise RefusedError("condition_hot", field="condition")
    if not isolation_confirmed:
        raise RefusedError("isolation_required", field="isolation")


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
    if remedy == REPLACEMENT:
        return 0
    if remedy == REFUND:
        return entry.price_minor
    if remedy == VOUCHER and REFUND not in recall.remedies:
        return entry.voucher_max_minor
    return None


def amount_bound(entry: RecallModel, remedy: str, amount: int = 0) -> int | None:
    """The most a remedy may pay without a manager's override (None: no published bound)."""
    if remedy == REPLACEMENT:
        return entry.price_minor if amount else None
    return {REFUND: entry.refund_max_minor, VOUCHER: entry.voucher_max_minor}.get(remedy)


def check_draft(draft: ReturnDraft, result: LookupResult, currency: str) -> Checked:
    """Validate a draft against the lookup of its model. Raises InputError or RefusedError."""
    if not draft.model_input or not draft.model_input.strip():
        raise InputError("model_required", field="model")
    if result.verdict == "recalled" and result.top is not None and not result.top.recall.remedies:
        raise RefusedError("remedy_unknown", field="remedy", recall=result.top.recall.id)
    if draft.remedy not in REMEDIES:
        raise InputError("remedy_invalid", field="remedy")
    if draft.proof_type is not None and draft.proof_type not in PROOF_TYPES:
        raise InputError("proof_invalid", field="proof_type")
    check_safety(draft.condition, draft.isolation_confirmed)
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
            error=phrase(result.serial_error, **result.serial_error_args),
        )
    if result.verdict == "check_required":
        needs = Phrases(tuple(phrase(f"need_{n}") for n in result.needs) or (phrase("need_batch_code"),))
        raise RefusedError("needs_identifier", field=(result.needs or ("batch_code",))[0], needs=needs)
    if result.verdict != "recalled" or result.top is None:
        raise RefusedError(
            "not_returnable", field="model", model=result.model.model, verdict=phrase(f"verdict_{result.verdict}"), market=result.market
        )
    used = fields_used(result)
    for name, value, need in (("serial", draft.serial, "serial"), ("batch_code", draft.batch, "batch_code"),
                              ("manufacture_date", draft.made, "manufacture_date")):
        if value not in (None, "") and name not in used:
            raise RefusedError("field_not_asked", field=name, model=result.model.model, what=phrase(f"need_{need}"))
    match = result.top
    if draft.remedy not in match.recall.remedies:
        raise RefusedError(
            "remedy_not_allowed",
            field="remedy",
            recall=match.recall.id,
            allowed=Phrases(tuple(phrase(REMEDIES.term(r).key) for r in match.recall.remedies)),
            remedy=phrase(REMEDIES.term(draft.remedy).key),
        )
    entry = match.entry
    if draft.amount is None or not str(draft.amount).strip():
        default = default_amount(match.recall, entry, draft.remedy)
        if default is None:
            raise InputError("amount_required", field="amount", remedy=phrase(REMEDIES.term(draft.remedy).key))
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
            remedy=phrase(REMEDIES.term(draft.remedy).key),
            model=result.model.model,
        )
    return Checked(match=match, amount_minor=amount, currency=currency, over_bound=over, bound_minor=bound)
