"""Sync a counter with head office: the audit trail is the outbox.

Every audit event (every kind, every column; a return's event carries the return as recorded)
is pushed in order, in batches, through head office's ``hq.ingest``; what head office answers as
acknowledged (its high-water mark for this device) is the only thing that moves the counter's
``acked_seq``: a retry after a lost answer sends the same events again and head office keeps
each once. Recording never waits for this: sync reads the audit trail, and writes only its own
state row. One sync per database at a time (a lock file beside the database).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Self

from returns_desk.domain.errors import InputError, RefusedError
from returns_desk.domain.integrity import as_recorded
from returns_desk.headoffice import credentials, transport
from returns_desk.headoffice.errors import HeadOfficeError
from returns_desk.services.clock import utc_now_text
from returns_desk.services.desk import Desk
from returns_desk.storage import repository as repo
from returns_desk.storage.database import StorageError

BATCH_SIZE = 500
#: A counter whose clock differs from head office's by more than this is warned (and flagged there).
CLOCK_WARN_SECONDS = 300


class SyncLock:
    """An exclusive lock on ``DB.sync-lock`` (flock / msvcrt): one sync loop per database, across
    processes and threads. Released by the OS when the process dies."""

    def __init__(self, db_path: str | os.PathLike[str]) -> None:
        self.path = Path(str(db_path) + ".sync-lock")
        self._fh: Any = None

    def acquire(self, wait: float = 0.0) -> bool:
        deadline = time.monotonic() + wait
        try:
            fh = open(self.path, "a+b")  # noqa: SIM115 - held open while the lock is held
        except OSError as exc:  # a read-only folder: this database cannot keep a sync state either
            raise StorageError("db_readonly", path=str(self.path), detail=exc.strerror or str(exc)) from None
        while True:
            try:
                if sys.platform == "win32":
                    import msvcrt

                    fh.seek(0)
                    msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
                else:
                    import fcntl

                    fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._fh = fh
                return True
            except OSError:
                if time.monotonic() >= deadline:
                    fh.close()
                    return False
                time.sleep(0.05)

    def release(self) -> None:
        if self._fh is not None:
            self._fh.close()  # closing drops the lock
            self._fh = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


@dataclass
class SyncResult:
    """What a sync did and where things stand afterwards (``sync --json`` prints it)."""

    device_id: str
    store: str | None = None
    state: str = "synced"  # synced | waiting | offline | error | not_connected
    sent: int = 0
    accepted: int = 0
    duplicates: int = 0
    quarantined: list[dict[str, Any]] = field(default_factory=list)
    repeated_tickets: list[str] = field(default_factory=list)
    acked_seq: int = 0
    last_seq: int = 0
    waiting: int = 0
    last_success_at: str | None = None
    last_error: str | None = None
    offline_since: str | None = None
    clock_skew_seconds: float | None = None
    clock_warning: bool = False
    catalogue_taken: str | None = None  # the version taken from head office by this sync
    catalogue_refused: str | None = None  # why a published catalogue was not taken

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def status(desk: Desk) -> SyncResult:
    """The counter's sync state from its own records (no network): what head office has
    acknowledged, what is waiting, the last success and the last error."""
    device = repo.device_id(desk.conn)
    st = repo.sync_state(desk.conn, device)
    last = repo.last_event_seq(desk.conn)
    acked = int(st["acked_seq"] or 0)
    res = SyncResult(device_id=device, acked_seq=acked, last_seq=last, waiting=max(0, last - acked),
                     last_success_at=st["last_success_at"], offline_since=st["offline_since"],
                     clock_skew_seconds=st["server_skew_seconds"])
    res.last_error = _error_text(st["last_error"])
    res.clock_warning = res.clock_skew_seconds is not None and abs(res.clock_skew_seconds) > CLOCK_WARN_SECONDS
    if credentials.load(desk.conn.path) is None:
        res.state = "not_connected"
    elif st["offline_since"]:
        res.state = "offline"
    elif st["last_error"]:
        res.state = "error"
    else:
        res.state = "waiting" if res.waiting else "synced"
    return res


def _error_text(stored: str | None, lang: str = "en") -> str | None:
    if not stored:
        return None
    try:
        data = json.loads(stored)
        return HeadOfficeError(data["key"], **data.get("args", {})).message(lang)
    except (ValueError, KeyError, TypeError):
        return stored


def error_text(desk: Desk, lang: str) -> str | None:
    """The last sync error in ``lang`` (the status bar, ``sync`` on the command line)."""
    st = repo.sync_state(desk.conn, repo.device_id(desk.conn))
    return _error_text(st["last_error"], lang)


def connect(desk: Desk, dsn: str) -> dict[str, Any]:
    """``hq connect``: check the connection string reaches head office as a store (an empty batch
    through ``hq.ingest`` answers with the store's code and what head office already holds from
    this device), then keep it outside the database. Returns the answer and where it is kept."""
    # psycopg is loaded only when head office is used
    from returns_desk.headoffice import pg

    device = repo.device_id(desk.conn)
    with pg.connect(dsn) as hc:
        answer = pg.ingest(hc, _batch(desk, device, []))
    where = credentials.save(desk.conn.path, dsn)
    return {"store": answer.get("store"), "device_id": device, "acked_seq": answer.get("acked_seq"), "kept_in": where,
            "store_matches": answer.get("store") == desk.settings["store_code"]}


def connect_reader(desk: Desk, dsn: str) -> dict[str, Any]:
    """``hq connect --reader``: a store manager's read-only log-in for the Reports page's "whole
    store (head office)". Checked to read this counter's store, then kept like the store's."""
    from returns_desk.headoffice import pg

    with pg.connect(dsn) as hc:
        stores = pg.readable_stores(hc)
    store = desk.settings["store_code"]
    if store not in stores:
        raise HeadOfficeError("hq_reader_other_store", store=store, stores=", ".join(stores) or "-")
    return {"stores": stores, "kept_in": credentials.save(desk.conn.path, dsn, kind="reader")}


def reader_dsn(desk: Desk) -> str | None:
    """The read-only log-in kept for this counter's database, if any."""
    return credentials.load(desk.conn.path, kind="reader")


def _batch(desk: Desk, device: str, events: list[dict[str, Any]]) -> dict[str, Any]:
    """Events as sent: every column of each audit event; a return's recording event carries the
    return as recorded (head office checks it against the event's fingerprint)."""
    recorded = [e["entity_id"] for e in events if e.get("action") == "return_recorded" and e.get("entity") == "return" and e.get("entity_id")]
    rows = repo.returns_by_uuid(desk.conn, recorded) if recorded else {}
    stopped = [e["entity_id"] for e in events if e.get("action") == "incident_recorded" and e.get("entity") == "incident" and e.get("entity_id")]
    incidents = repo.incidents_by_uuid(desk.conn, stopped) if stopped else {}
    out = []
    for e in events:
        ev = dict(e)
        incident = incidents.get(e.get("entity_id") or "") if e.get("action") == "incident_recorded" else None
        if incident is not None:  # counter work that is not a return rides with its event
            ev["incident"] = {k: v for k, v in incident.items() if k != "id"}
        row = rows.get(e.get("entity_id") or "") if e.get("action") == "return_recorded" else None
        if row is not None:
            columns = repo.digest_columns(row)  # the columns its event fingerprinted
            ev["return"] = as_recorded(row, columns)
            if columns != repo.RETURN_COLUMNS:
                ev["return_columns"] = list(columns)
        out.append(ev)
    s = desk.settings
    return {
        "format": 1,
        "device_id": device,
        "store_code": s["store_code"],  # for people reading a file; head office takes the store from the role
        "counter": s["counter"],
        "sent_at": utc_now_text(),
        "return_columns": list(repo.RETURN_COLUMNS),
        "events": out,
    }


def _take_catalogue(desk: Desk, hc: Any, res: SyncResult) -> None:
    """A catalogue head office published that is newer than this counter's: validated like
    ``recalls import`` and made active, audited. A bad one is reported, and never stops the sync."""
    from returns_desk.headoffice import pg
    from returns_desk.services import catalogue_service

    offer = pg.catalogue_newer_than(hc, desk.catalogue.version)
    if not offer:
        return
    origin = f"head office catalogue {offer.get('version')}"
    try:
        cat = catalogue_service.take_published(desk.conn, str(offer["document"]), str(offer["sha256"]), origin=origin)
    except InputError as exc:
        res.catalogue_refused = exc.message("en")
        return
    if cat is not None:
        desk.reload_catalogue(cat)
        res.catalogue_taken = cat.version


def _save_state(desk: Desk, device: str, values: dict[str, Any]) -> None:
    with desk.conn.write() as db:
        repo.put_sync_state(db, device, values)


def sync(desk: Desk, dsn: str | None = None, *, batch_size: int = BATCH_SIZE, lock_wait: float = 10.0) -> SyncResult:
    """Push everything head office has not acknowledged, in batches, and return the state.
    Raises RefusedError('sync_busy') when another sync of this database is running,
    InputError('sync_not_connected') before ``hq connect``, HeadOfficeError when head office cannot be
    reached or refuses (recorded in the state: offline since, last error)."""
    # psycopg is loaded only when head office is used
    from returns_desk.headoffice import pg

    dsn = dsn or credentials.load(desk.conn.path)
    if not dsn:
        raise InputError("sync_not_connected")
    lock = SyncLock(desk.conn.path)
    if not lock.acquire(lock_wait):
        raise RefusedError("sync_busy")
    with lock:
        device = repo.device_id(desk.conn)
        res = SyncResult(device_id=device)
        now = utc_now_text()
        _save_state(desk, device, {"last_attempt_at": now})
        try:
            with pg.connect(dsn) as hc:
                hello = pg.ingest(hc, _batch(desk, device, []))  # what head office holds from this device
                acked = int(hello["acked_seq"])
                res.store = hello.get("store")
                _save_state(desk, device, {"acked_seq": acked, "server_skew_seconds": hello.get("clock_skew_seconds")})
                _take_catalogue(desk, hc, res)  # before the push, so its audit event goes with it
                stalled = 0
                while True:
                    events = repo.events_after(desk.conn, acked, batch_size)
                    if not events:
                        break
                    answer = pg.ingest(hc, _batch(desk, device, events))
                    res.sent += len(events)
                    res.accepted += int(answer.get("accepted") or 0)
                    res.duplicates += int(answer.get("duplicates") or 0)
                    res.quarantined += list(answer.get("quarantined") or [])
                    res.repeated_tickets += list(answer.get("repeated_tickets") or [])
                    new = int(answer["acked_seq"])
                    if answer.get("resend_from"):
                        new = int(answer["resend_from"]) - 1
                    _save_state(desk, device, {"acked_seq": new, "server_skew_seconds": answer.get("clock_skew_seconds")})
                    stalled = stalled + 1 if new <= acked else 0
                    if stalled >= 2:
                        raise HeadOfficeError("hq_no_progress", seq=new + 1)
                    acked = new
        except HeadOfficeError as exc:
            state = repo.sync_state(desk.conn, device)
            values: dict[str, Any] = {"last_error": json.dumps({"key": exc.key, "args": exc.args_}, ensure_ascii=False)}
            if exc.key == "hq_unreachable":
                if not state["offline_since"]:
                    values["offline_since"] = now
            else:  # head office answered (and refused): not offline
                values["offline_since"] = None
            _save_state(desk, device, values)
            raise
        _save_state(desk, device, {"last_success_at": utc_now_text(), "last_error": None, "offline_since": None})
    done = status(desk)
    done.store, done.sent, done.accepted, done.duplicates = res.store, res.sent, res.accepted, res.duplicates
    done.quarantined, done.repeated_tickets = res.quarantined, res.repeated_tickets
    done.catalogue_taken, done.catalogue_refused = res.catalogue_taken, res.catalogue_refused
    if done.state == "not_connected":  # synced with a connection string given for this run only
        done.state = "waiting" if done.waiting else "synced"
    return done


def export(desk: Desk, out: Path, *, from_seq: int | None = None, batch_size: int = BATCH_SIZE) -> dict[str, Any]:
    """``sync export``: the events head office has not acknowledged (or from ``from_seq``) into a
    checksummed file for head office's ``hq import``. The counter's state does not move: only
    head office's answer does that, at the next sync."""
    if out.exists():
        raise InputError("backup_target_exists", field="out", path=str(out))
    device = repo.device_id(desk.conn)
    start = (from_seq - 1) if from_seq is not None else int(repo.sync_state(desk.conn, device)["acked_seq"] or 0)
    batches = []
    after, count = max(0, start), 0
    while True:
        events = repo.events_after(desk.conn, after, batch_size)
        if not events:
            break
        batches.append(_batch(desk, device, events))
        count += len(events)
        after = int(events[-1]["id"])
    content = {"store": desk.settings["store_code"], "device_id": device, "counter": desk.settings["counter"],
               "created_at": utc_now_text(), "first_seq": start + 1, "last_seq": after, "events": count, "batches": batches}
    transport.write(out, content)
    return {"path": str(out), "events": count, "first_seq": start + 1, "last_seq": after, "device_id": device}


def import_file(admin_dsn: str, path: Path) -> dict[str, Any]:
    """``hq import``: a counter's transport file through the same ingest (as its store). Twice
    changes nothing."""
    from returns_desk.headoffice import pg

    content = transport.read(path)
    store = str(content["store"])
    totals: dict[str, Any] = {"store": store, "device_id": content.get("device_id"), "events": 0, "accepted": 0,
                              "duplicates": 0, "quarantined": [], "acked_seq": None, "resend_from": None}
    with pg.connect(admin_dsn) as hc:
        for batch in content["batches"]:
            answer = pg.ingest_for(hc, store, batch)
            totals["events"] += len(batch.get("events") or [])
            totals["accepted"] += int(answer.get("accepted") or 0)
            totals["duplicates"] += int(answer.get("duplicates") or 0)
            totals["quarantined"] += list(answer.get("quarantined") or [])
            totals["acked_seq"] = answer.get("acked_seq")
            if answer.get("resend_from"):
                totals["resend_from"] = answer["resend_from"]
                break
    return totals


def age_text(moment: str | None) -> str | None:
    """HH:MM of a stored UTC time in local time (the status bar's "offline since")."""
    if not moment:
        return None
    try:
        return dt.datetime.fromisoformat(moment).astimezone().strftime("%H:%M")
    except ValueError:
        return None
