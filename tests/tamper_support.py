"""The dishonest insider of issue 16, with nothing but the database file and the project's own
public code: drop the guards, edit a return, recompute its fingerprint with ``row_digest`` and
re-chain every later event with ``event_hash``."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from returns_desk.domain.integrity import event_hash, row_digest
from returns_desk.storage import repository as repo

GUARDS = ("audit_append_only_update", "audit_append_only_delete", "returns_never_deleted",
          "returns_change_only_by_void_or_confirmation")


def rewrite_return(db_path: Path, ticket: str, *, amount_minor: int, put_guards_back: bool = False) -> int:
    """Change one return's amount and make the hash chain agree again. Returns the id of the
    event that recorded it. With ``put_guards_back`` the dropped triggers are created again with
    exactly the SQL they had, so a check of the schema alone sees nothing."""
    con = sqlite3.connect(db_path)
    con.row_factory = sqlite3.Row
    saved = {r["name"]: r["sql"] for r in con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")}
    for name in GUARDS:
        con.execute(f"DROP TRIGGER IF EXISTS {name}")
    con.execute("UPDATE returns SET amount_minor = ? WHERE ticket = ?", (amount_minor, ticket))
    row = dict(con.execute("SELECT * FROM returns WHERE ticket = ?", (ticket,)).fetchone())
    event = con.execute("SELECT * FROM audit WHERE action = 'return_recorded' AND entity_id = ?", (row["uuid"],)).fetchone()
    details = json.loads(event["details"])
    details["row_sha256"] = row_digest(row, repo.digest_columns(row))
    details["amount_minor"] = amount_minor
    con.execute("UPDATE audit SET details = ? WHERE id = ?", (json.dumps(details, ensure_ascii=False, sort_keys=True), event["id"]))
    rechain(con, event["id"])
    if put_guards_back:
        for name in GUARDS:
            if name in saved:
                con.execute(saved[name])
    con.commit()
    con.close()
    return int(event["id"])


def rechain(con: sqlite3.Connection, start: int) -> None:
    """Recompute the hash of every event from ``start`` on, each on the one before it."""
    prev = con.execute("SELECT hash FROM audit WHERE id < ? ORDER BY id DESC LIMIT 1", (start,)).fetchone()
    prev_hash = prev[0] if prev else None
    for r in con.execute("SELECT id, at, actor, action, entity, entity_id, details FROM audit WHERE id >= ? ORDER BY id", (start,)).fetchall():
        digest = event_hash(*tuple(r), prev_hash)
        con.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?", (prev_hash, digest, r[0]))
        prev_hash = digest
