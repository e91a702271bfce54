"""Tallies and exports read the per-day rollups (m015, kept by triggers): their figures equal a
scan of the returns table for every group-by combination, on generated data with voids and
manufacturer's answers made through the services; the migration fills the rollups from the
returns already there; verify names a rollup changed outside Returns Desk."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import sqlite3
from pathlib import Path

import pytest

from returns_desk.domain.auth import Actor
from returns_desk.domain.returns import ReturnDraft
from returns_desk.export.service import export_tally, fetch_tally
from returns_desk.export.tally import GROUP_KEYS
from returns_desk.services.desk import Desk
from returns_desk.services.returns_service import ReturnsService
from returns_desk.storage import repository as repo

MANAGER = Actor("Manager Wang", "manager")
#: the columns of ``returns`` behind each group key, written out here (not read from the code under test)
COLUMN = {"day": "business_date", "store": "store", "counter": "counter", "clerk": "clerk", "brand": "brand", "model": "model",
          "recall": "recall_id", "remedy": "remedy"}
FIRST, LAST = dt.date(2025, 6, 21), dt.date(2026, 6, 20)


def scan(db: Path, date_from: dt.date, date_to: dt.date, keys: tuple[str, ...]) -> list[tuple]:
    """The tally straight from the returns table, on a connection of its own."""
    group = ", ".join([COLUMN[k] for k in keys] + ["currency"])
    con = sqlite3.connect(db)
    try:
        return con.execute(
            f"SELECT {group}, count(*), sum(amount_minor) FROM returns WHERE status = 'active' AND business_date BETWEEN ? AND ? "
            f"GROUP BY {group} ORDER BY {group}",
            (date_from.isoformat(), date_to.isoformat()),
        ).fetchall()
    finally:
        con.close()


def as_tuples(rows, keys: tuple[str, ...]) -> list[tuple]:
    return [tuple(r[k] for k in keys) + (r["currency"], r["count"], r["amount_minor"]) for r in rows]


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """4,000 generated returns over a year (1 % voided by the generator), then through the
    services: returns of other clerks, voids, and manufacturer's answers both ways."""
    import os

    from tests.bench.generate import generate

    folder = tmp_path_factory.mktemp("rollups")
    old_home = os.environ.get("RETURNS_DESK_HOME")
    os.environ["RETURNS_DESK_HOME"] = str(folder / "home")
    (folder / "home").mkdir()
    path = folder / "generated.db"
    try:
        desk = generate(path, 4_000)
        svc = ReturnsService(desk)
        recorded = []
        at = dt.datetime(2025, 9, 1, 3, tzinfo=dt.timezone.utc)
        for i in range(40):
            draft = ReturnDraft(isolation_confirmed=True, model_input="A1257", remedy=("refund", "voucher")[i % 2], clerk=f"Clerk {i % 3}",
                                amount="99.50", serial=f"AKFF1Y0E4830{i:04d}", at=at + dt.timedelta(days=i % 5))
            recorded.append(svc.record(draft)["ticket"])
        for ticket in recorded[::4]:
            svc.void(ticket, reason="entered twice", by=MANAGER)
        pending = [r["ticket"] for r in desk.conn.read(
            "SELECT ticket FROM returns WHERE confirmation = 'pending' ORDER BY id LIMIT 30")]
        assert len(pending) == 30, "the generated data has returns pending the manufacturer's check"
        for i, ticket in enumerate(pending):
            if i % 5 == 4:
                svc.void(ticket, reason="customer took it back", by=MANAGER)  # voided first, then answered
            svc.set_confirmation(ticket, ("confirmed", "rejected")[i % 2], by=MANAGER)
        yield desk, path
        desk.close()
    finally:
        if old_home is None:
            os.environ.pop("RETURNS_DESK_HOME", None)
        else:
            os.environ["RETURNS_DESK_HOME"] = old_home


def test_the_generated_data_has_what_the_comparison_needs(generated):
    desk, _ = generated
    counts = desk.conn.read("SELECT sum(status = 'void') AS void, sum(confirmation IN ('confirmed', 'rejected')) AS answered, "
                            "count(DISTINCT clerk) AS clerks, count(DISTINCT counter) AS counters, count(DISTINCT model) AS models "
                            "FROM returns")[0]
    assert counts["void"] > 40 and counts["answered"] == 30 and counts["clerks"] > 20 and counts["counters"] == 4 and counts["models"] > 5


def test_every_group_by_combination_equals_a_scan_of_the_returns(generated):
    desk, path = generated
    ranges = [(FIRST, LAST), (dt.date(2025, 8, 30), dt.date(2025, 9, 3)), (dt.date(2025, 9, 2), dt.date(2025, 9, 2))]
    combos = [c for n in range(len(GROUP_KEYS) + 1) for c in itertools.combinations(GROUP_KEYS, n)]
    assert len(combos) == 256
    sources = set()
    for keys in combos:
        for date_from, date_to in ranges:
            tally = fetch_tally(desk, date_from, date_to, keys, by="test", with_progress=False)
            assert as_tuples(tally.rows, keys) == scan(path, date_from, date_to, keys), (keys, date_from, date_to)
        sources.add(repo.tally_source(keys))
    assert sources == {"rollup_products", "rollup_clerks", "returns"}
    # the order of the keys is the order of the columns
    for keys in itertools.permutations(("clerk", "day", "remedy")):
        tally = fetch_tally(desk, FIRST, LAST, keys, by="test", with_progress=False)
        assert as_tuples(tally.rows, keys) == scan(path, FIRST, LAST, keys)


def test_the_duplicate_check_finds_a_serial_by_its_index(generated):
    desk, _ = generated
    plan = " ".join(r[3] for r in desk.conn.db.conn.execute(
        "EXPLAIN QUERY PLAN SELECT ticket FROM returns INDEXED BY returns_by_serial_alone WHERE serial = ? AND model = ? "
        "AND status = 'active' ORDER BY id LIMIT 1", ("X", "A1257")))
    assert "returns_by_serial_alone (serial=?)" in plan, plan
    serial = desk.conn.read("SELECT serial FROM returns WHERE serial IS NOT NULL AND status = 'active' ORDER BY id LIMIT 1")[0]["serial"]
    model = desk.conn.read("SELECT model FROM returns WHERE serial = ?", (serial,))[0]["model"]
    assert repo.active_return_with_serial(desk.conn.db, model, serial) is not None
    assert repo.active_return_with_serial(desk.conn.db, "NOT-" + model, serial) is None


def test_a_tally_by_product_or_by_person_reads_the_rollups(generated):
    desk, _ = generated
    assert repo.tally_source(("model", "remedy")) == "rollup_products"
    assert repo.tally_source(("day", "recall", "brand")) == "rollup_products"
    assert repo.tally_source(("counter", "clerk", "remedy")) == "rollup_clerks"
    assert repo.tally_source(("clerk", "model")) == "returns"  # no rollup keeps both: the scan
    con = desk.conn.db.conn
    plan = " ".join(r[3] for r in con.execute("EXPLAIN QUERY PLAN SELECT model, remedy, sum(n) FROM rollup_products "
                                              "WHERE business_date BETWEEN '2025-07-01' AND '2025-07-31' GROUP BY model, remedy"))
    assert "rollup_products" in plan and "returns" not in plan.replace("rollup_products", "")


def test_the_csv_export_holds_the_figures_of_the_scan(generated, tmp_path):
    desk, path = generated
    for keys in (("model", "remedy"), ("day", "counter", "clerk"), ("store", "recall", "remedy"), ("clerk", "brand"), ()):
        out, tally = export_tally(desk, FIRST, LAST, "csv", tmp_path / f"t-{'-'.join(keys)}.csv", group_by=keys, by=MANAGER)
        with open(out, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
        assert rows[0] == [*keys, "count", "amount", "currency"]
        expected = scan(path, FIRST, LAST, keys)
        body = [r for r in rows[1:] if r and r[len(keys) + 2] == "CNY"]
        assert len(body) == len(expected)
        for line, want in zip(body, expected):
            assert tuple(line[: len(keys)]) == want[: len(keys)]
            assert int(line[len(keys)]) == want[len(keys) + 1]
            assert line[len(keys) + 1].replace(",", "") == f"{want[len(keys) + 2] / 100:.2f}"


def test_the_migration_fills_the_rollups_from_the_returns_already_there(tmp_path, db_path):
    """A file made by the migrations before m015, holding returns (some voided, one answered),
    gets its rollups filled on opening; the running counts go on as before."""
    from sqlite_utils import Database, Migrations

    from returns_desk.storage.migrations import migrations

    made = tmp_path / "made.db"  # returns recorded by this version, copied into the older file
    desk = Desk.open(made)
    svc = ReturnsService(desk)
    at = dt.datetime(2025, 7, 1, 3, tzinfo=dt.timezone.utc)
    tickets = [svc.record(ReturnDraft(isolation_confirmed=True, model_input="A1257", remedy="refund", clerk=f"Clerk {i % 2}", amount="10",
                                      serial=f"AKFF1Y0E4830{i:04d}", at=at + dt.timedelta(days=i % 2)))["ticket"] for i in range(6)]
    svc.void(tickets[1], reason="x", by=MANAGER)
    svc.set_confirmation(tickets[2], "confirmed", by=MANAGER)
    desk.close()
    before = Migrations(migrations.name)
    for step, name, transactional in migrations._steps:
        if (name or step.__name__) != "m015_rollups":
            before(name=name, transactional=transactional)(step)
    con = sqlite3.connect(db_path, isolation_level=None)
    before.apply(Database(con))
    con.execute("PRAGMA user_version = 13")
    assert "returns_totals_insert" not in {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    con.execute("ATTACH ? AS made", (str(made),))
    con.execute("INSERT INTO returns SELECT * FROM made.returns ORDER BY id")  # the m005 triggers count them
    con.execute("DETACH made")
    con.close()
    desk = Desk.open(db_path)
    try:
        assert desk.conn.read("PRAGMA user_version")[0]["user_version"] == 14
        assert repo.rollup_mismatches(desk.conn) == [] and repo.count_mismatches(desk.conn) == []
        assert not desk.conn.read("SELECT name FROM sqlite_master WHERE name IN ('returns_by_serial', 'return_counts_insert')")
        rows = desk.conn.read("SELECT clerk, n, amount_minor, voided, voided_amount_minor FROM rollup_clerks ORDER BY business_date, clerk")
        assert rows == [{"clerk": "Clerk 0", "n": 3, "amount_minor": 3000, "voided": 0, "voided_amount_minor": 0},
                        {"clerk": "Clerk 1", "n": 2, "amount_minor": 2000, "voided": 1, "voided_amount_minor": 1000}]
        tally = ReturnsService(desk).tally(dt.date(2025, 7, 1), dt.date(2025, 7, 2), ["clerk"])
        assert [(r["clerk"], r["count"], r["amount_minor"]) for r in tally] == [("Clerk 0", 3, 3000), ("Clerk 1", 2, 2000)]
        assert sum(r["n"] for r in repo.recall_progress(desk.conn, None, "2025-07-02")) == 5
    finally:
        desk.close()


def test_the_totals_follow_every_change_to_a_return(generated):
    """Whatever changes a return (here an UPDATE with the guard that forbids it dropped, inside a
    transaction rolled back afterwards), the counts and rollups still equal the returns: telling
    a forbidden change is the guards' and the signatures' work, not the totals'."""
    desk, _ = generated
    con = desk.conn.db.conn
    con.execute("BEGIN IMMEDIATE")
    try:
        con.execute("DROP TRIGGER returns_change_only_by_void_or_confirmation")
        con.execute("UPDATE returns SET amount_minor = amount_minor + 1234, clerk = 'Someone Else', model = 'A1263' WHERE id % 7 = 0")
        con.execute("DROP TRIGGER returns_never_deleted")
        con.execute("DELETE FROM returns WHERE id % 11 = 0")
        assert repo.rollup_mismatches(desk.conn) == [] and repo.count_mismatches(desk.conn) == []
    finally:
        con.execute("ROLLBACK")
    assert desk.conn.read("SELECT count(*) AS n FROM sqlite_master WHERE name = 'returns_never_deleted'")[0]["n"] == 1


def test_verify_names_rollups_changed_outside_returns_desk(db_path):
    from returns_desk.services.verify_service import verify

    desk = Desk.open(db_path)
    svc = ReturnsService(desk)
    at = dt.datetime(2025, 7, 1, 3, tzinfo=dt.timezone.utc)
    for i in range(3):
        svc.record(ReturnDraft(isolation_confirmed=True, model_input="A1257", remedy="refund", clerk="Li Na", amount="10",
                               serial=f"AKFF1Y0E4830{i:04d}", at=at))
    assert verify(desk, witness=False).ok
    desk.close()
    con = sqlite3.connect(db_path, isolation_level=None)
    con.execute("UPDATE rollup_products SET amount_minor = amount_minor + 500")
    con.execute("DELETE FROM rollup_clerks")
    con.close()
    desk = Desk.open(db_path)
    try:
        report = verify(desk, witness=False)
        found = [(key, args) for key, args in report.problems if key == "verify_rollup_changed"]
        assert len(found) == 2, report.problems
        assert found[0][1]["kept_amount"] != found[0][1]["actual_amount"] and found[0][1]["kept"] == found[0][1]["actual"] == 3
        assert found[1][1]["kept"] == 0 and found[1][1]["actual"] == 3 and "Li Na" in found[1][1]["what"]
    finally:
        desk.close()
