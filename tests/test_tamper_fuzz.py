"""Issue 16: fuzzed single-field and single-byte changes to the audit and returns tables of a
generated file of 10,000 returns (recorded one by one through the service, each with its signed
event; some voided, some confirmed, some days closed with a Z). Every change is named by verify.

Field changes are made as the insider of the issue would: the guards dropped, the value changed
and the guards put back exactly as they were, so the schema check sees nothing; half of them
also recompute the return's fingerprint and re-chain every later event with the project's own
functions, so only the signatures are left to name them. Byte changes flip one byte of a page of
either table in the file itself.

"Named" means verify points at the changed row: the ticket of a changed return (its old or new
value), or the changed event (its id, or the next one whose link to it breaks). A byte change that
leaves SQLite unable to read the file is named as damage. A byte change that changes no value
(free space in a page) or only a return's row number ``id`` (not recorded content: no fact
changes) is counted, not checked. ``RD_FUZZ_SEED`` and ``RD_FUZZ_CASES`` change the run."""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from returns_desk.domain.errors import ReturnsDeskError
from returns_desk.domain.integrity import row_digest
from returns_desk.services.desk import Desk
from returns_desk.services.verify_service import verify
from returns_desk.storage import repository as repo
from tests.tamper_fuzz_support import generate
from tests.tamper_support import rechain

pytestmark = pytest.mark.slow

RETURNS = 10_000
SEED = int(os.environ.get("RD_FUZZ_SEED", "1616"))
CASES = int(os.environ.get("RD_FUZZ_CASES", "30"))
CHECKED = {"condition": ("intact", "swollen", "hot", "leaking", "burnt", "damaged"), "remedy": ("refund", "replacement", "voucher"),
           "confirmation": ("pending", "not_required", "confirmed", "rejected"), "status": ("active", "void")}


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("fuzz")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RETURNS_DESK_HOME", str(folder / "home"))
        (folder / "home").mkdir()
        path = folder / "generated.db"
        generate(path, RETURNS)
        with Desk.open(path) as desk:
            report = verify(desk)
        assert report.ok and report.returns == RETURNS, report.problems
    con = sqlite3.connect(path)
    info = {
        "path": path,
        "triggers": con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall(),
        "returns": _returns(con),
        "audit": _audit(con),
        "recorded_by": {uuid: eid for eid, uuid in con.execute("SELECT id, entity_id FROM audit WHERE action = 'return_recorded'")},
        "page_size": con.execute("PRAGMA page_size").fetchone()[0],
        "pages": con.execute("SELECT name, pageno FROM dbstat WHERE name IN ('returns', 'audit') AND pagetype = 'leaf'").fetchall(),
    }
    con.close()
    return info


def _returns(con: sqlite3.Connection) -> dict[str, tuple]:
    """uuid -> every column but the row number ``id``."""
    cur = con.execute("SELECT * FROM returns")
    cols = [d[0] for d in cur.description]
    keep = [i for i, c in enumerate(cols) if c != "id"]
    return {row[cols.index("uuid")]: tuple(row[i] for i in keep) for row in cur}


def _audit(con: sqlite3.Connection) -> dict[int, tuple]:
    """id -> every column but ``uuid``: an event's name at head office, outside the hash (like a
    return's row number it records no fact); a damaged one is named by verify, a changed one by
    head office as the witness (tests/test_witness.py)."""
    cur = con.execute("SELECT * FROM audit")
    cols = [d[0] for d in cur.description]
    keep = [i for i, c in enumerate(cols) if c != "uuid"]
    return {row[0]: tuple(row[i] for i in keep) for row in cur}


def _copy(generated: dict, tmp_path: Path) -> Path:
    target = tmp_path / "case.db"
    shutil.copyfile(generated["path"], target)
    return target


def _named(path: Path) -> set:
    """What verify names: tickets, event ids, and 'damaged' when the file cannot be read."""
    try:
        with Desk.open(path) as desk:
            report = verify(desk)
    except ReturnsDeskError as exc:
        return {"damaged"} if exc.key in ("db_damaged", "db_not_sqlite") else {exc.key}
    names: set = set()
    for _key, args in report.problems:
        if "ticket" in args:
            names.add(args["ticket"])
        if "id" in args:
            names.add(int(args["id"]))
        if "first" in args and "last" in args:
            names.update(range(int(args["first"]), int(args["last"]) + 1))
    return names


def _mutate(value: Any, rng: random.Random, column: str) -> Any:
    if column in CHECKED:
        return rng.choice([v for v in CHECKED[column] if v != value])
    if isinstance(value, int):
        return value + rng.choice((-1, 1))
    if isinstance(value, str) and value:
        i = rng.randrange(len(value))
        return value[:i] + rng.choice([c for c in "0123456789abcdefXYZ 元" if c != value[i]]) + value[i + 1:]
    return "x" if value is None else None


def _field_case(generated: dict, tmp_path: Path, rng: random.Random, table: str, rechained: bool) -> tuple[set, set, str]:
    path = _copy(generated, tmp_path)
    con = sqlite3.connect(path)
    con.row_factory = sqlite3.Row
    for name, _sql in generated["triggers"]:
        con.execute(f"DROP TRIGGER {name}")
    if table == "returns":
        cols = [c for c in [d[1] for d in con.execute("PRAGMA table_info(returns)")] if c != "id"]
        uuid = rng.choice(list(generated["returns"]))
        row = dict(con.execute("SELECT * FROM returns WHERE uuid = ?", (uuid,)).fetchone())
        column = rng.choice(cols)
        new = _mutate(row[column], rng, column)
        try:
            con.execute(f"UPDATE returns SET {column} = ? WHERE uuid = ?", (new, uuid))
        except sqlite3.IntegrityError:  # NOT NULL or UNIQUE: another value
            new = _mutate(row[column] if row[column] is not None else "x", rng, column) or "y"
            con.execute(f"UPDATE returns SET {column} = ? WHERE uuid = ?", (new, uuid))
        event = generated["recorded_by"][uuid]
        expected = {row["ticket"], event}
        if column == "ticket":
            expected.add(new)
        if rechained:  # the insider's full method: a new fingerprint, every later event re-hashed
            changed = dict(con.execute("SELECT * FROM returns WHERE id = ?", (row["id"],)).fetchone())
            details = json.loads(con.execute("SELECT details FROM audit WHERE id = ?", (event,)).fetchone()[0])
            details["row_sha256"] = row_digest(changed, repo.digest_columns(changed))
            con.execute("UPDATE audit SET details = ?, entity_id = ? WHERE id = ?",
                        (json.dumps(details, ensure_ascii=False, sort_keys=True), changed["uuid"], event))
            rechain(con, event)
        what = f"returns.{column} of {row['ticket']}: {row[column]!r} -> {new!r}"
    else:
        # an event's uuid is its name at head office, outside the hash (like a return's row id it
        # records no fact); head office, as the witness, compares it (tests/test_witness.py)
        cols = [d[1] for d in con.execute("PRAGMA table_info(audit)") if d[1] != "uuid"]
        event = rng.choice(list(generated["audit"]))
        row = dict(con.execute("SELECT * FROM audit WHERE id = ?", (event,)).fetchone())
        column = rng.choice(cols)
        new = max(generated["audit"]) + 1000 if column == "id" else _mutate(row[column], rng, column)
        con.execute(f"UPDATE audit SET {column} = ? WHERE id = ?", (new, event))
        expected = {event, event + 1}
        if rechained and column not in ("hash", "prev_hash"):
            rechain(con, event)
        what = f"audit.{column} of event {event}: {str(row[column])[:40]!r} -> {str(new)[:40]!r}"
    for _name, sql in generated["triggers"]:
        con.execute(sql)  # every guard back, exactly as installed
    con.commit()
    con.close()
    return _named(path), expected, what + (" (re-chained)" if rechained else "")


def test_every_single_field_change_is_named(generated, tmp_path):
    rng = random.Random(SEED)
    for n in range(CASES):
        table = ("returns", "audit")[n % 2]
        named, expected, what = _field_case(generated, tmp_path, rng, table, rechained=n % 4 >= 2)
        assert named & expected, f"case {n}: {what} was not named (verify named {sorted(map(str, named))[:10]})"


def test_every_single_byte_change_is_named(generated, tmp_path):
    rng = random.Random(SEED + 1)
    size = generated["page_size"]
    counts = {"named": 0, "damaged": 0, "no change": 0}
    for n in range(CASES * 2):
        table, page = rng.choice(generated["pages"])
        path = _copy(generated, tmp_path)
        offset = (page - 1) * size + rng.randrange(8, size)
        with open(path, "r+b") as fh:
            fh.seek(offset)
            byte = fh.read(1)[0]
            fh.seek(offset)
            fh.write(bytes([byte ^ rng.randrange(1, 256)]))
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            damaged = con.execute("PRAGMA quick_check").fetchone()[0] != "ok"
            returns, audit = ({}, {}) if damaged else (_returns(con), _audit(con))
        except (sqlite3.DatabaseError, UnicodeDecodeError):
            damaged = True
        finally:
            con.close()
        what = f"case {n}: byte {offset} (page {page} of {table})"
        if damaged:
            named = _named(path)
            assert named, what + ": the file cannot be read, and verify did not say so"
            counts["damaged"] += 1
            continue
        changed_returns = {generated["returns"][u][1] for u in generated["returns"] if returns.get(u) != generated["returns"][u]}
        changed_returns |= {r[1] for u, r in returns.items() if r != generated["returns"].get(u)}  # as they read now
        changed_events = {i for i in set(audit) | set(generated["audit"]) if audit.get(i) != generated["audit"].get(i)}
        if not changed_returns and not changed_events:
            counts["no change"] += 1
            continue
        expected = changed_returns | changed_events | {i + 1 for i in changed_events}
        expected |= {generated["recorded_by"][u] for u in generated["returns"] if returns.get(u) != generated["returns"][u]}
        named = _named(path)
        assert named & expected or "damaged" in named, f"{what}: changed {sorted(map(str, expected))[:6]}, verify named {sorted(map(str, named))[:6]}"
        counts["named"] += 1
    print(f"\n[fuzz bytes] {counts}")
    assert counts["named"] + counts["damaged"] >= CASES // 2  # most flips change something
