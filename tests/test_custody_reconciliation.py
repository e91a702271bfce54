"""Reconciliation on a generated store of 10,000 returns with deliberate discrepancies: every
figure of ``custody report`` equals a count made independently, in Python, from the raw rows of
the returns, container_units and containers tables."""

from __future__ import annotations

import json
import random
import sqlite3
from collections import Counter

import pytest

from returns_desk.cli import main
from returns_desk.domain.auth import Actor
from returns_desk.services.custody_service import CustodyService
from returns_desk.storage import custody_repo as crepo
from tests.bench.generate import generate

ROWS = 10_000


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The generated store: containers filled through the storage layer's batch path (as a
    merge from another counter would), with deliberate discrepancies: damaged units in intact
    containers, voided entries in containers, two handed-over containers whose manifest count
    differs from what they now list, and returns in no container at all."""
    path = tmp_path_factory.mktemp("custody") / "store.db"
    desk = generate(path, ROWS, seed=11)
    rng = random.Random(5)
    rows = desk.conn.read("SELECT uuid, ticket, condition, status FROM returns ORDER BY id")
    rng.shuffle(rows)
    damaged = [r for r in rows if r["condition"] != "intact" and r["status"] == "active"]
    intact = [r for r in rows if r["condition"] == "intact" and r["status"] == "active"]
    void = [r for r in rows if r["status"] == "void"]
    plan: list[tuple[str, list[dict]]] = []
    used = 0
    for _ in range(40):  # 40 intact containers of 120 units
        plan.append(("intact", intact[used : used + 120]))
        used += 120
    for n in range(10):  # 10 damaged containers of 100
        plan.append(("damaged", damaged[n * 100 : (n + 1) * 100]))
    plan[0][1].extend(damaged[1000:1007])  # deliberate: 7 damaged units in an intact container
    plan[1][1].extend(void[:5])  # deliberate: 5 voided entries in a container
    plan[41][1].extend(void[5:8])
    with desk.conn.write() as db:
        for i, (kind, units) in enumerate(plan):
            cid = crepo.insert_container(db, {"code": f"S1-Q{i + 1:04d}", "store": "S1", "type": kind, "location": f"shelf {i}",
                                              "opened_at": "2025-07-01T02:00:00.000000Z", "opened_by": "Manager"})
            crepo.insert_units_batch(db, [(u["uuid"], u["ticket"], cid, "2025-07-02T02:00:00.000000Z", "Clerk 01") for u in units])
            if i % 3 == 0:
                crepo.seal(db, cid, at="2025-08-01T02:00:00.000000Z", by="Manager")
                if i % 2 == 0:
                    listed = len(units) + (4 if i in (0, 6) else 0)  # deliberate: 0 and 6 were handed over with 4 more units listed
                    crepo.hand_over(db, cid, at="2025-08-02T02:00:00.000000Z", by="Manager", to="Recycler", reference=f"R{i}",
                                    packed_by="Manager", trained_on=None, count=listed)
    yield desk
    desk.close()


def independent(path) -> dict:
    raw = sqlite3.connect(path)
    returns = {u: (rid, cond, status, ticket) for u, rid, cond, status, ticket in raw.execute("SELECT uuid, recall_id, condition, status, ticket FROM returns")}
    containers = {cid: (code, kind, sealed, handed, listed) for cid, code, kind, sealed, handed, listed in
                  raw.execute("SELECT id, code, type, sealed_at, handed_over_at, handover_count FROM containers")}
    where = dict(raw.execute("SELECT return_uuid, container_id FROM container_units").fetchall())
    by_recall: dict[str, Counter] = {}
    for uuid, (rid, _cond, status, _ticket) in returns.items():
        if status != "active":
            continue
        c = by_recall.setdefault(rid, Counter())
        c["recorded"] += 1
        cid = where.get(uuid)
        if cid is None:
            c["not_contained"] += 1
            continue
        c["in_container"] += 1
        c["sealed"] += containers[cid][2] is not None
        c["handed_over"] += containers[cid][3] is not None
    per_container = Counter(where.values())
    return {
        "by_recall": {rid: {k: c[k] for k in ("recorded", "in_container", "sealed", "handed_over", "not_contained")} for rid, c in by_recall.items()},
        "void_in_container": sorted(returns[u][3] for u in where if returns[u][2] == "void"),
        "wrong_type": sorted(returns[u][3] for u, cid in where.items() if returns[u][1] != "intact" and containers[cid][1] == "intact"),
        "missing_units": sorted(code for cid, (code, _, _, handed, listed) in containers.items() if handed and listed != per_container[cid]),
        "not_contained": sum(1 for u, r in returns.items() if r[2] == "active" and u not in where),
    }


def test_report_equals_independent_counts(store):
    truth = independent(store.conn.path)
    report = CustodyService(store).report()
    assert {r["recall_id"]: {k: r[k] for k in ("recorded", "in_container", "sealed", "handed_over", "not_contained")}
            for r in report["by_recall"]} == truth["by_recall"]
    assert sum(v["recorded"] for v in truth["by_recall"].values()) == report["totals"]["recorded"]
    d = report["discrepancies"]
    assert sorted(u["ticket"] for u in d["void_in_container"]["units"]) == truth["void_in_container"] and len(truth["void_in_container"]) == 8
    assert sorted(u["ticket"] for u in d["wrong_type"]["units"]) == truth["wrong_type"]
    assert len(truth["wrong_type"]) >= 7  # the 7 put there, and any voided damaged unit among the voided ones
    assert sorted(c["container"] for c in d["missing_units"]["containers"]) == truth["missing_units"] == ["S1-Q0001", "S1-Q0007"]
    assert d["not_contained"]["count"] == truth["not_contained"] > 0
    assert len(d["not_contained"]["units"]) == 200  # listed up to the limit, counted in full
    kinds = Counter(a.kind for a in report["alerts"])
    assert kinds["wrong_type"] == len(truth["wrong_type"]) and kinds["void_in_container"] == 8 and kinds["missing_units"] == 2


def test_the_command_line_prints_the_same_report(store, capsys):
    assert main(["custody", "report", "--json", "--db", store.conn.path]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["totals"] == CustodyService(store).report()["totals"]
    assert {a["kind"] for a in printed["alerts"]} >= {"wrong_type", "void_in_container", "missing_units", "not_contained"}
    assert all(a["message"] for a in printed["alerts"])


def test_putting_a_unit_in_through_the_service_moves_it_from_loose_to_contained(store):
    svc = CustodyService(store)
    before = svc.report()["totals"]
    loose = svc.report()["discrepancies"]["not_contained"]["units"]
    unit = next(u for u in loose if u["condition"] == "intact")
    box = svc.open_container("intact", "new shelf", by=Actor("Manager", "manager"))
    svc.add(box["code"], unit["ticket"], by=Actor("Clerk 01", "clerk"))
    after = svc.report()["totals"]
    assert after["in_container"] == before["in_container"] + 1 and after["not_contained"] == before["not_contained"] - 1
    assert after["recorded"] == before["recorded"]
