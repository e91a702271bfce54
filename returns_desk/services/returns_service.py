"""Recording, voiding and reading returns."""

from __future__ import annotations

import datetime as dt
import uuid as uuidlib
from collections.abc import Sequence
from typing import Any

from returns_desk.domain.auth import Actor
from returns_desk.domain.errors import InputError, RefusedError
from returns_desk.domain.integrity import VOID_FIELDS, row_digest
from returns_desk.domain.messages import LANGS, has, say
from returns_desk.domain.money import format_amount
from returns_desk.domain.returns import ENTRY_FIELDS, ReturnDraft, ReturnEntry, check_draft, clean_text
from returns_desk.domain.vocab import NO_PROOF, PENDING, NOT_REQUIRED, RECEIPT, REPLACEMENT
from returns_desk.domain.text import compact, serial_key
from returns_desk.services.clock import business_date, utc_now, utc_text
from returns_desk.services.desk import Desk
from returns_desk.storage import repository as repo

def mask_contact(value: str | None) -> str | None:
    """``13812345678`` -> ``138****5678``; ``li@example.com`` -> ``l*@example.com``."""
    if not value:
        return value
    if "@" in value:
        name, _, domain = value.partition("@")
        return (name[:1] + "*" * max(1, len(name) - 1)) + "@" + domain
    if len(value) <= 4:
        return "*" * len(value)
    keep = 3 if len(value) >= 10 else 1
    return value[:keep] + "*" * (len(value) - keep - 4) + value[-4:]


def entry_json(row: dict[str, Any], *, reveal_contact: bool = False) -> dict[str, Any]:
    out = {k: row.get(k) for k in ENTRY_FIELDS}
    out["amount"] = format_amount(row["amount_minor"], row["currency"])
    if not reveal_contact:
        out["customer_contact"] = mask_contact(row.get("customer_contact"))
    return out


def _localised(args: dict[str, Any], lang: str) -> dict[str, Any]:
    confidence = args.get("confidence")
    return {**args, "confidence": say(f"confidence_{confidence}", lang) if confidence and has(f"confidence_{confidence}") else confidence}


def _first_open_day(db: Any, store: str, counter: str, day: dt.date) -> dt.date:
    """The day itself, or when a manager already closed it (Z) for this counter or the whole store,
    the next business day that is still open: a return recorded after the close belongs there."""
    closed = repo.closed_dates_from(db, store, counter, day.isoformat())
    while day.isoformat() in closed:
        day += dt.timedelta(days=1)
    return day


class ReturnsService:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    def record(self, draft: ReturnDraft, actor: Actor | None = None, approver: Actor | None = None) -> dict[str, Any]:
        """Validate, assign the ticket, commit durably and audit, all in one transaction.

        ``actor`` is who records (a signed-in clerk, or the command line); an override (amount
        above the bound, a serial already returned) needs ``approver`` to be a manager, unless
        the actor may override itself. Raises InputError / RefusedError (nothing written) or
        StorageError."""
        if actor is None:
            actor = Actor(draft.clerk or "", "cli")
        if actor.role in ("clerk", "manager"):
            draft.clerk = actor.name
        s = self.desk.settings
        model_input = clean_text(draft.model_input, "model_input")
        if model_input is None:
            raise InputError("model_required", field="model")
        serial = clean_text(draft.serial, "serial")
        batch = clean_text(draft.batch, "batch")
        clerk = clean_text(draft.clerk, "clerk")
        if clerk is None:
            raise InputError("clerk_required", field="clerk")
        override = clean_text(draft.override_reason, "override_reason")
        result = self.desk.engine.lookup(model_input, market=s.market, serial=serial, batch=batch, made=draft.made)
        draft.model_input, draft.clerk, draft.override_reason = model_input, clerk, override
        checked = check_draft(draft, result, s.currency)
        assert result.model is not None
        warning_args = dict(result.serial_warning_args)
        texts = {f: clean_text(getattr(draft, f), f) for f in ("receipt", "customer_contact", "notes", "replacement_model")}
        replacement = texts["replacement_model"] or (checked.match.entry.replacement_model if draft.remedy == REPLACEMENT else None)
        moment = draft.at or utc_now()
        day = business_date(moment, s["time_zone"])
        serial_norm = serial_key(serial) if serial else None
        proof = draft.proof_type or (RECEIPT if texts["receipt"] else NO_PROOF)
        overrides = []
        if checked.over_bound:
            overrides.append("amount")
        with self.desk.conn.write() as db:
            earlier = repo.active_return_with_serial(db, result.model.model, serial_norm) if serial_norm else None
            if earlier and not override:
                raise RefusedError("duplicate_serial", field="serial", serial=serial_norm, model=result.model.model, ticket=earlier)
            if earlier:
                overrides.append("duplicate_serial")
            approved_by = None
            if overrides:
                approved_by = approver if approver is not None else actor
                approved_by.require("override")
            day = _first_open_day(db, s["store_code"], s["counter"], day)
            seq = repo.next_ticket_number(db, s["store_code"], s["counter"], day.isoformat())
            ticket = f"{s['store_code']}-{s['counter']}-{day.year:04d}{day.month:02d}{day.day:02d}-{seq:04d}"
            entry = ReturnEntry(
                uuid=str(uuidlib.uuid4()),
                ticket=ticket,
                recorded_at=utc_text(moment),
                business_date=day.isoformat(),
                time_zone=s["time_zone"],
                store=s["store_code"],
                counter=s["counter"],
                clerk=clerk,
                market=s.market,
                model_input=model_input,
                model=result.model.model,
                brand=result.model.brand,
                recall_id=checked.match.recall.id,
                verdict=result.verdict,
                catalogue_version=result.catalogue_version,
                confirmation=PENDING if checked.match.entry.confirmation == "manufacturer" else NOT_REQUIRED,
                serial=serial_norm,
                batch_code=checked.match.batch or (compact(batch) if batch else None),
                made_on=draft.made.isoformat() if draft.made else None,
                condition=draft.condition,
                remedy=draft.remedy,
                amount_minor=checked.amount_minor,
                currency=checked.currency,
                replacement_model=replacement,
                receipt=texts["receipt"],
                proof_type=proof,
                customer_contact=texts["customer_contact"],
                notes=texts["notes"],
                override_reason=override if overrides else None,
                override_by=approved_by.name if approved_by else None,
                duplicate_of=earlier,
                isolation_confirmed_at=utc_text(utc_now()),  # check_draft refused a return without it
                check_warning=say(result.serial_warning, "en", **warning_args) if result.serial_warning else None,
            )
            row: dict[str, Any] = entry.row()
            row["id"] = repo.insert_return(db, row)
            details = {
                "ticket": ticket, "remedy": draft.remedy, "amount_minor": checked.amount_minor,
                "row_sha256": row_digest(row, repo.digest_columns(row)),
            }
            if overrides:
                details.update(overrides=overrides, approved_by=approved_by.name if approved_by else None, reason=override)
            if result.serial_warning:
                details["warning"] = result.serial_warning
            repo.audit(db, at=row["recorded_at"], actor=clerk, action="return_recorded", entity="return", entity_id=row["uuid"], details=details)
        row["status"] = "active"
        shown = entry_json(row)
        if result.serial_warning:
            # the warning in each language, for the window and the command line to show
            shown["warnings"] = [
                {"key": result.serial_warning, **{lang: say(result.serial_warning, lang, **_localised(warning_args, lang)) for lang in LANGS}}
            ]
        return shown

    def earlier_return(self, model: str, serial: str) -> str | None:
        """The ticket of an active return of this model with this serial, if any."""
        return repo.active_return_with_serial(self.desk.conn.db, model, serial_key(serial))

    def void(self, ticket: str, *, reason: str, by: str | Actor) -> dict[str, Any]:
        """Mark a return void (manager only): the entry stays, with who, when and why."""
        actor = by if isinstance(by, Actor) else Actor(by, "cli")
        actor.require("void")
        by = actor.name
        reason_clean = clean_text(reason, "override_reason")
        if not reason_clean:
            raise InputError("void_reason_required", field="reason")
        now = utc_text(utc_now())
        with self.desk.conn.write() as db:
            row = repo.return_by_ticket(db, ticket)
            if row is None:
                raise InputError("ticket_not_found", field="ticket", ticket=ticket)
            if row["status"] == "void":
                raise RefusedError("already_void", field="ticket", ticket=ticket)
            repo.void_return(db, ticket, reason=reason_clean, by=by, at=now)
            void_fields = {"status": "void", "void_reason": reason_clean, "void_by": by, "void_at": now}
            repo.audit(db, at=now, actor=by, action="return_voided", entity="return", entity_id=row["uuid"],
                       details={"ticket": ticket, "reason": reason_clean, "void_sha256": row_digest(void_fields, VOID_FIELDS)})
        row = repo.return_by_ticket(self.desk.conn, ticket)
        assert row is not None
        return entry_json(row)

    def set_confirmation(self, ticket: str, result: str, *, by: Actor, note: str | None = None) -> dict[str, Any]:
        """Record the manufacturer's answer for a return pending its serial check (manager only):
        ``confirmed`` or ``rejected``. Only once; the rest of the entry never changes."""
        by.require("confirm")
        if result not in ("confirmed", "rejected"):
            raise InputError("confirmation_invalid", field="result")
        note_clean = clean_text(note, "override_reason")
        now = utc_text(utc_now())
        with self.desk.conn.write() as db:
            row = repo.return_by_ticket(db, ticket)
            if row is None:
                raise InputError("ticket_not_found", field="ticket", ticket=ticket)
            if row["confirmation"] != "pending":
                raise RefusedError("not_pending", field="ticket", ticket=ticket, state=row["confirmation"])
            repo.set_confirmation(db, ticket, result)
            repo.audit(db, at=now, actor=by.name, action="confirmation_set", entity="return", entity_id=row["uuid"],
                       details={"ticket": ticket, "confirmation": result, "note": note_clean})
        row = repo.return_by_ticket(self.desk.conn, ticket)
        assert row is not None
        return entry_json(row)

    REPRINTABLE = ("slip", "bag_label")

    def record_reprint(self, ticket: str, document: str, *, by: Actor) -> None:
        """Audit a reprint of a return's slip or bag label (the caller printed it, marked REPRINT)."""
        if document not in self.REPRINTABLE:
            raise InputError("format_invalid", field="document")
        with self.desk.conn.write() as db:
            row = repo.return_by_ticket(db, ticket)
            if row is None:
                raise InputError("ticket_not_found", field="ticket", ticket=ticket)
            repo.audit(db, at=utc_text(utc_now()), actor=by.name, action="return_reprinted", entity="return", entity_id=row["uuid"],
                       details={"ticket": ticket, "document": document})

    def get(self, ticket: str) -> dict[str, Any] | None:
        row = repo.return_by_ticket(self.desk.conn, ticket)
        return entry_json(row) if row else None

    def find(self, flt: repo.ReturnFilter, *, limit: int = 200, offset: int = 0) -> list[dict[str, Any]]:
        return [entry_json(r) for r in repo.query_returns(self.desk.conn, flt, limit=limit, offset=offset)]

    def count(self, flt: repo.ReturnFilter) -> int:
        return repo.count_returns(self.desk.conn, flt)

    def tally(self, date_from: dt.date, date_to: dt.date, group_by: Sequence[str]) -> list[dict[str, Any]]:
        unknown = [g for g in group_by if g not in repo.TALLY_KEYS]
        if unknown:
            raise InputError("group_by_invalid", field="group_by")
        rows = repo.tally(self.desk.conn, date_from.isoformat(), date_to.isoformat(), list(group_by))
        for r in rows:
            r["amount"] = format_amount(r["amount_minor"] or 0, r["currency"])
        return rows
