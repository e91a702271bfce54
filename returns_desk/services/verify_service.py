"""``returns-desk verify``: the guards of the file, the audit hash chain, every return against
the event that recorded it, every stored Z against the chain, and the chain against anchors
copied from paper.

Every problem found is reported (the guards first, then the chain, then the returns), so a
missing trigger does not hide the edit it made possible."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from returns_desk.domain.integrity import (
    KEY_ACTIONS,
    KEY_REPLACED,
    VOID_FIELDS,
    Anchor,
    event_hash,
    key_id_of,
    row_digest,
    short_key,
    signature_ok,
)
from returns_desk.domain.money import format_amount
from returns_desk.services.desk import Desk
from returns_desk.storage import repository as repo
from returns_desk.storage.database import StorageError, quick_check
from returns_desk.storage.guards import guard_problems


@dataclass
class VerifyReport:
    events: int = 0
    returns: int = 0
    problems: list[tuple[str, dict]] = field(default_factory=list)  # (message key, its arguments)
    notes: list[tuple[str, dict]] = field(default_factory=list)  # what was confirmed (anchors, key changes)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def problem(self) -> str | None:
        """The message key of the first problem."""
        return self.problems[0][0] if self.problems else None

    @property
    def args(self) -> dict:
        return self.problems[0][1] if self.problems else {}

    def add(self, key: str, args: dict) -> None:
        self.problems.append((key, args))


def verify(desk: Desk, anchors: Sequence[Anchor] = (), *, witness: bool = True) -> VerifyReport:
    """Check everything; ``anchors`` are positions and hashes copied from printed reports. On a
    counter connected to head office (``hq connect``), head office is a witness too: every event
    it acknowledged must still have the hash it acknowledged (``witness=False`` skips it)."""
    damage = quick_check(desk.conn.path)
    if damage:  # a file SQLite itself finds damaged cannot be vouched for, whatever else checks out
        raise StorageError("db_damaged", path=desk.conn.path, detail=damage[:200])
    report = VerifyReport()
    _check_guards(desk, report)
    events = _check_chain(desk, report)
    _check_returns(desk, report, events)
    _check_counts(desk, report)
    _check_rollups(desk, report)
    _check_closures(desk, report, events)
    _check_anchors(desk, report, anchors)
    _check_event_names(desk, report)
    if witness:
        _check_witness(desk, report)
    head = audit_anchor(desk)
    if head is not None:
        report.notes.append(("verify_head", {"event": f"{head.event:,}", "hash": head.short, "typed": head.typed}))
    return report


def _check_event_names(desk: Desk, report: VerifyReport) -> None:
    """Every event's uuid (its name at head office, outside the hash) is read and well formed: a
    damaged one is named here; a well-formed but changed one only head office can tell."""
    import uuid as uuidlib

    for r in repo.audit_uuids(desk.conn):
        value = r["uuid"]
        try:
            if value is not None:
                uuidlib.UUID(str(value))
        except ValueError:
            report.add("verify_event_uuid", {"id": int(r["id"])})


def _check_witness(desk: Desk, report: VerifyReport) -> None:
    """Head office keeps every event it acknowledged: a history rewritten after it was sent (even
    re-signed with the counter's own key) disagrees with it at the first event changed."""
    from returns_desk.headoffice import credentials

    dsn = credentials.load(desk.conn.path)
    if not dsn:
        return
    try:
        from returns_desk.headoffice import pg

        device = repo.device_id(desk.conn)
        acked: list[tuple[int, str, str]] = []
        with pg.connect(dsn) as conn:
            start = 1
            while True:
                page = pg.acknowledged_hashes(conn, device, start)
                acked.extend(page)
                if len(page) < 10_000:
                    break
                start = page[-1][0] + 1
    except Exception as exc:  # noqa: BLE001 - any failure to reach head office: checked without it, and said so
        report.notes.append(("verify_witness_unreachable", {"detail": " ".join(str(exc).split())[:160]}))
        return
    local = repo.audit_identities(desk.conn, (seq for seq, _, _ in acked))
    for seq, uuid, digest in acked:
        if local.get(seq) != (uuid, digest):
            report.add("verify_witness_differs", {"id": seq})
            return
    report.notes.append(("verify_witness_ok", {"events": len(acked)}))


def audit_anchor(desk: Desk) -> Anchor | None:
    """Where the audit chain stands now (the newest event and its hash), for anything printed or
    handed over that should pin the history down: daily reports, hand-over manifests."""
    head = repo.audit_head(desk.conn)
    return Anchor(*head) if head else None


def _check_guards(desk: Desk, report: VerifyReport) -> None:
    for g in guard_problems(desk.conn):
        report.add(f"verify_guard_{g.change}", {"kind": g.kind, "name": g.name})


@dataclass
class _Events:
    recorded: dict[str, tuple[str, str]] = field(default_factory=dict)  # uuid -> (ticket, row digest)
    voided: dict[str, str] = field(default_factory=dict)  # uuid -> void digest
    confirmed: dict[str, str | None] = field(default_factory=dict)  # uuid -> the manufacturer's answer
    closed: dict[str, str | None] = field(default_factory=dict)  # "store/counter/Zn" -> the snapshot's sha256


def _json(text: str | None) -> dict:
    try:
        data = json.loads(text) if text else {}
    except (ValueError, TypeError):
        return {}
    return data if isinstance(data, dict) else {}


@dataclass
class _Signatures:
    """The keys announced so far in the chain and the events whose signature does not hold."""

    keys: dict[str, str] = field(default_factory=dict)  # key id -> public key (hex)
    announced: list[tuple[str, str, int]] = field(default_factory=list)  # (key id, public key, event id)
    unsigned_before: int = 0  # events recorded before the first key (an older Returns Desk)
    first_signed: int | None = None
    failures: dict[str, list[dict]] = field(default_factory=dict)  # message key -> events

    def fail(self, key: str, where: dict) -> None:
        self.failures.setdefault(key, []).append(where)


def _check_chain(desk: Desk, report: VerifyReport) -> _Events:
    """Walk the chain in order; stop at the first break of the hash chain (what follows it cannot
    be trusted). Signatures are checked on every event from the first announced key on."""
    found = _Events()
    sigs = _Signatures()
    prev = None
    expected_id = 1
    for event_id, at, actor, action, entity, entity_id, details, prev_hash, digest, key_id, signature in repo.audit_chain(desk.conn):
        report.events += 1
        where = {"id": event_id, "action": action, "at": at}
        if prev_hash != prev:
            report.add("verify_chain_broken", where)
            break
        if digest != _event_hash(event_id, at, actor, action, entity, entity_id, details, prev_hash):
            report.add("verify_event_changed", where)
            break
        if event_id != expected_id:
            report.add("verify_event_gap", {"first": expected_id, "last": event_id - 1, **where})
            break
        expected_id += 1
        prev = digest
        data = _json(details)
        if action in KEY_ACTIONS:
            _key_announced(report, sigs, event_id, action, entity_id, data, where)
        _check_signature(sigs, digest, key_id, signature, where)
        if action == "day_closed" and entity_id:
            found.closed[entity_id] = data.get("sha256")
        elif entity == "return" and entity_id:
            if action == "return_recorded" and "row_sha256" in data:
                found.recorded[entity_id] = (data.get("ticket", entity_id), data["row_sha256"])
            elif action == "return_voided" and "void_sha256" in data:
                found.voided[entity_id] = data["void_sha256"]
            elif action == "confirmation_set":
                found.confirmed[entity_id] = data.get("confirmation")
    for key, events in sigs.failures.items():
        report.add(key, events[0])
        if len(events) > 1:
            report.add("verify_signature_more", {"n": len(events) - 1})
    _check_key_table(desk, report, sigs)
    if sigs.unsigned_before:
        report.notes.append(("verify_unsigned_before", {"n": sigs.unsigned_before}))
    if sigs.keys:
        report.notes.append(("verify_signed", {"first": sigs.first_signed, "keys": ", ".join(short_key(k) for k in sigs.keys)}))
    return found


def _key_announced(report: VerifyReport, sigs: _Signatures, event_id: int, action: str, entity_id: str | None, data: dict, where: dict) -> None:
    public = data.get("public_key")
    try:
        kid = key_id_of(public) if isinstance(public, str) else None
    except ValueError:
        kid = None
    if kid is None or not isinstance(public, str) or kid != data.get("key_id") or kid != entity_id:
        sigs.fail("verify_key_announcement_bad", where)
        return
    if sigs.keys and not (action == KEY_REPLACED and data.get("approved_by")):
        report.add("verify_key_unapproved", {**where, "key": short_key(kid)})
    elif sigs.keys or action == KEY_REPLACED:
        report.notes.append(("verify_key_change", {**where, "key": short_key(kid), "manager": data.get("approved_by") or "?",
                                                   "reason": data.get("reason") or "-", "machine": data.get("machine") or "?"}))
    sigs.keys[kid] = public
    sigs.announced.append((kid, public, event_id))


def _check_signature(sigs: _Signatures, digest: str, key_id: str | None, signature: str | None, where: dict) -> None:
    if not sigs.keys:
        if key_id is None and signature is None:
            sigs.unsigned_before += 1
        else:
            sigs.fail("verify_signature_unknown_key", {**where, "key": short_key(str(key_id))})
        return
    if sigs.first_signed is None:
        sigs.first_signed = where["id"]
    if key_id is None or signature is None:
        sigs.fail("verify_event_unsigned", where)
    elif key_id not in sigs.keys:
        sigs.fail("verify_signature_unknown_key", {**where, "key": short_key(str(key_id))})
    elif not signature_ok(sigs.keys[key_id], digest, signature):
        sigs.fail("verify_signature_bad", {**where, "key": short_key(key_id)})


def _check_key_table(desk: Desk, report: VerifyReport, sigs: _Signatures) -> None:
    """``signing_keys`` (what a counter reads to find its key) holds exactly the keys announced."""
    table = {(r["key_id"], r["public_key"], r["event_id"]) for r in repo.signing_keys(desk.conn)}
    if table != set(sigs.announced):
        report.add("verify_keys_table_changed", {})


def _event_hash(*fields: object) -> str | None:
    """The hash the event should have; None when a field holds what Returns Desk never writes
    (bytes where text belongs: a change made outside it)."""
    try:
        return event_hash(*fields)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _check_returns(desk: Desk, report: VerifyReport, events: _Events) -> None:
    seen = set()
    for row in repo.all_returns(desk.conn):
        report.returns += 1
        seen.add(row["uuid"])
        if not _return_intact(row, events):
            key = "verify_return_unrecorded" if row["uuid"] not in events.recorded else "verify_return_changed"
            report.add(key, {"ticket": row["ticket"]})
    for uuid, (ticket, _) in events.recorded.items():
        if uuid not in seen:
            report.add("verify_return_missing", {"ticket": ticket})


def _return_intact(row: dict, events: _Events) -> bool:
    try:
        return _return_matches(row, events)
    except (TypeError, ValueError):  # a value of a type Returns Desk never writes
        return False


def _return_matches(row: dict, events: _Events) -> bool:
    known = events.recorded.get(row["uuid"])
    if known is None:
        return False
    answer = events.confirmed.get(row["uuid"])
    if row["confirmation"] != "pending" and answer is not None:
        if row["confirmation"] != answer:
            return False
        row = {**row, "confirmation": "pending"}  # as it was recorded, before the answer
    if row_digest(row, repo.digest_columns(row)) != known[1]:
        return False
    void_digest = events.voided.get(row["uuid"])
    if (row["status"] == "void") != (void_digest is not None):
        return False
    if void_digest is None:  # never voided: nothing of a void may be there either
        return all(row[f] is None for f in VOID_FIELDS if f != "status")
    return row_digest(row, VOID_FIELDS) == void_digest


def _check_counts(desk: Desk, report: VerifyReport) -> None:
    """The running counts the reports' recall progress reads agree with the returns themselves."""
    for m in repo.count_mismatches(desk.conn)[:5]:
        report.add("verify_counts_changed", {"date": m["business_date"], "scope": f"{m['store']}/{m['counter']}", "recall": m["recall_id"],
                                             "remedy": m["remedy"], "kept": m["kept"], "actual": m["actual"]})


def _check_rollups(desk: Desk, report: VerifyReport) -> None:
    """The per-day totals the tallies and exports read (m015, kept by triggers) agree with a
    recount of the returns: one more pass over the returns table per rollup (a few seconds at a
    million returns; verify reads every return anyway)."""
    for m in repo.rollup_mismatches(desk.conn, limit=5)[:5]:
        keys = repo.ROLLUPS[m["table"]]
        currency = m["currency"]
        report.add("verify_rollup_changed", {
            "date": m["business_date"], "what": " / ".join(str(m[k]) for k in keys if k != "business_date"),
            "kept": m["kept_n"], "kept_amount": format_amount(m["kept_amount_minor"], currency), "kept_void": m["kept_voided"],
            "actual": m["actual_n"], "actual_amount": format_amount(m["actual_amount_minor"], currency), "actual_void": m["actual_voided"],
        })


def _check_closures(desk: Desk, report: VerifyReport, events: _Events) -> None:
    """Each stored Z: its snapshot as its fingerprint says, recorded by a ``day_closed`` event,
    and the paper anchor frozen in it still matching the chain."""
    rows = repo.all_closures(desk.conn)
    snapshots = {}
    for z in rows:
        where = {"number": z["z_number"], "date": z["business_date"], "scope": f"{z['store']}/{z['counter']}"}
        if not isinstance(z["snapshot"], str) or hashlib.sha256(z["snapshot"].encode("utf-8")).hexdigest() != z["sha256"]:
            report.add("verify_z_changed", where)
            continue
        if events.closed.get(f"{z['store']}/{z['counter']}/Z{z['z_number']}") != z["sha256"]:
            report.add("verify_z_unrecorded", where)
            continue
        try:
            snapshots[z["id"]] = (where, Anchor.from_json(json.loads(z["snapshot"]).get("audit_anchor")))
        except (ValueError, TypeError, KeyError, AttributeError):
            report.add("verify_z_changed", where)
    hashes = repo.audit_hashes(desk.conn, [a.event for _, a in snapshots.values() if a is not None])
    for where, anchor in snapshots.values():
        if anchor is not None and not anchor.matches(hashes.get(anchor.event)):
            report.add("verify_z_anchor_mismatch", {**where, "event": f"{anchor.event:,}", "hash": anchor.short})


def _check_anchors(desk: Desk, report: VerifyReport, anchors: Sequence[Anchor]) -> None:
    hashes = repo.audit_hashes(desk.conn, [a.event for a in anchors])
    for anchor in anchors:
        args = {"event": f"{anchor.event:,}", "hash": anchor.short}
        found = hashes.get(anchor.event)
        if found is None:
            report.add("verify_anchor_missing", args)
        elif not anchor.matches(found):
            report.add("verify_anchor_mismatch", args)
        else:
            report.notes.append(("verify_anchor_ok", args))
