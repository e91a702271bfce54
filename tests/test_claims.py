"""The manufacturer's reconciliation in bulk: export the pending serials, import a 5,000-row
answer file with unknown, repeated and conflicting rows; the preview counts are right, applying
twice equals applying once, nothing else about any entry changes, and verify passes."""

from __future__ import annotations

import csv
import json
import random
import sqlite3

import openpyxl
import pytest

from returns_desk.cli import main
from returns_desk.domain.auth import Actor
from returns_desk.domain.errors import InputError
from returns_desk.domain.returns import ReturnDraft
from returns_desk.export.claims import read_answers
from returns_desk.services.claims_service import ClaimsService
from returns_desk.services.people_service import PeopleService
from returns_desk.services.returns_service import ReturnsService
from returns_desk.services.verify_service import verify

MANAGER = Actor("Wang", "manager")


def run(capsys, *args):
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def snapshot(path) -> dict:
    raw = sqlite3.connect(path)
    raw.row_factory = sqlite3.Row
    return {
        "returns": {r["uuid"]: dict(r) for r in raw.execute("SELECT * FROM returns")},
        "answers": [tuple(r) for r in raw.execute("SELECT return_uuid, result, reference FROM claim_answers ORDER BY id")],
        "events": raw.execute("SELECT count(*) FROM audit").fetchone()[0],
    }


def fill(desk, active: int, voided: int):
    """Returns recorded through the service (so that verify finds every one in the audit trail)
    over the Anker China models whose serials the manufacturer checks; the last ``voided`` voided."""
    PeopleService(desk).setup(store="Shop", counter="C1", market="CN", manager="Wang", pin="1234")
    models = sorted({e.model for r in desk.catalogue.recalls if r.applies_in("CN") for e in r.models
                     if e.confirmation == "manufacturer" and e.rule.kind == "manufacturer_check"})
    svc = ReturnsService(desk)
    for i in range(active + voided):
        entry = svc.record(ReturnDraft(isolation_confirmed=True, model_input=models[i % len(models)], remedy="refund", clerk="Wang", amount="100", serial=f"AKFF1Y0E{i:08d}"))
        if i >= active:
            svc.void(entry["ticket"], reason="entered twice", by=MANAGER)
    return desk


@pytest.fixture
def store(desk):
    return fill(desk, 4500, 50)


@pytest.fixture
def small(desk):
    return fill(desk, 40, 0)


def test_a_5000_row_answer_file(store, tmp_path, capsys):
    rng = random.Random(9)
    pending = store.conn.read("SELECT uuid, ticket, serial FROM returns WHERE status = 'active' AND confirmation = 'pending' AND serial IS NOT NULL ORDER BY id")
    void = store.conn.read("SELECT serial FROM returns WHERE status = 'void' AND serial IS NOT NULL LIMIT 50")
    assert len(pending) == 4500 and len(void) == 50
    rng.shuffle(pending)
    answered_same, answered_other = pending[:300], pending[300:400]
    for r in answered_same + answered_other:
        ReturnsService(store).set_confirmation(r["ticket"], "confirmed", by=MANAGER)
    matched, clashing = pending[400:3600], pending[3600:3750]
    rows: list[tuple[str, str, str]] = []
    expect_result = {}
    for n, r in enumerate(matched):
        result = rng.choice(["confirmed", "rejected"])
        expect_result[r["uuid"]] = result
        rows.append((r["serial"], {"confirmed": "Yes", "rejected": "Not affected"}[result] if n % 2 else result, f"AN-{n}"))
    rows += [(s, res, ref) for s, res, ref in rng.sample(rows[: len(matched)], 400)]  # 400 repeats, same answers
    for r in clashing:  # 150 serials answered both ways: 300 conflicting rows
        rows += [(r["serial"], "confirmed", "X"), (r["serial"], "rejected", "Y")]
    rows += [(r["serial"], "CONFIRMED", "again") for r in answered_same]  # 300 already answered
    rows += [(r["serial"], "rejected", "changed mind") for r in answered_other]  # 100 conflicting with the recorded answer
    rows += [(f"ZZFF1Y0E{n:08d}", "confirmed", "") for n in range(450)] + [(v["serial"], "confirmed", "") for v in void]  # 500 unknown
    rows += [("", "confirmed", "")] * 100 + [(r["serial"], "maybe", "") for r in pending[3800:3900]]  # 200 unreadable
    assert len(rows) == 5000
    rng.shuffle(rows)
    path = tmp_path / "anker-answers.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Claim ID", "Serial Number", "Model", "Result"])
        for s, res, ref in rows:
            w.writerow([ref, s, "A1257", res])

    expected = {"rows": 5000, "matched": 3200, "duplicate": 400, "conflicting": 400, "already_answered": 300, "unknown": 500, "invalid": 200}
    db = ["--db", store.conn.path]
    code, out, err = run(capsys, "claims", "import", str(path), "--json", *db)
    assert code == 0, err
    assert {k: v for k, v in json.loads(out).items() if k != "applied"} == expected
    before = snapshot(store.conn.path)
    code, out, err = run(capsys, "claims", "import", str(path), "--apply", *db)
    assert code == 2 and "--manager" in err
    assert snapshot(store.conn.path) == before  # the preview and a refused apply change nothing

    code, out, err = run(capsys, "claims", "import", str(path), "--apply", "--manager", "Wang", "--pin", "1234", *db)
    assert code == 0, err
    assert "3200" in out
    once = snapshot(store.conn.path)
    changed = {u for u in once["returns"] if once["returns"][u] != before["returns"][u]}
    assert changed == set(expect_result)
    for u in changed:  # only the confirmation changed, to the manufacturer's answer
        assert once["returns"][u]["confirmation"] == expect_result[u]
        assert {**once["returns"][u], "confirmation": None} == {**before["returns"][u], "confirmation": None}
    assert len(once["answers"]) == 3200
    # approval_given + 3200 confirmation_set + claims_imported
    assert once["events"] - before["events"] == 3200 + 2

    code, out, err = run(capsys, "claims", "import", str(path), "--apply", "--manager", "Wang", "--pin", "1234", "--json", *db)
    assert code == 0, err
    second = json.loads(out)
    assert second["matched"] == 0 and second["applied"] == 0 and second["already_answered"] == 3500
    twice = snapshot(store.conn.path)
    assert twice["returns"] == once["returns"] and twice["answers"] == once["answers"]
    assert twice["events"] == once["events"] + 1  # only the manager's approval is recorded
    assert verify(store).ok


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_the_filled_in_file_imports(small, tmp_path, capsys, fmt):
    store = small
    recall = store.conn.read("SELECT recall_id, count(*) AS n FROM returns WHERE confirmation = 'pending' AND status = 'active' GROUP BY recall_id")[0]
    out = tmp_path / f"claims.{fmt}"
    code, _, err = run(capsys, "claims", "export", "--recall", recall["recall_id"], "--format", fmt, "--out", str(out), "--db", store.conn.path,
                       "--manager", "Wang", "--pin", "1234")
    assert code == 0, err
    if fmt == "csv":
        with open(out, encoding="utf-8-sig", newline="") as fh:
            table = list(csv.reader(fh))
    else:
        table = [[c or "" for c in row] for row in openpyxl.load_workbook(out).worksheets[0].iter_rows(values_only=True)]
    assert table[0] == ["ticket", "recall_id", "model", "serial", "batch_code", "made_on", "received_on", "result", "reference"]
    assert len(table) - 1 == recall["n"]
    # the manufacturer fills in the first ten and sends it back as XLSX with Chinese headers
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序列号", "结果", "单号"])
    for row in table[1:11]:
        ws.append([row[3], "确认", "AN-1"])
    back = tmp_path / "answers.xlsx"
    wb.save(back)
    svc = ClaimsService(store)
    assert svc.preview(read_answers(back)).counts["matched"] == 10
    assert len(svc.apply(read_answers(back), by=MANAGER, file_sha256="x").matched) == 10
    assert svc.preview(read_answers(back)).counts["already_answered"] == 10


def test_bad_files_are_refused_with_a_message(small, tmp_path, capsys):
    store = small
    nocol = tmp_path / "x.csv"
    nocol.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_answers(nocol)
    assert err.value.key == "claims_columns_missing"
    notxlsx = tmp_path / "y.xlsx"
    notxlsx.write_bytes(b"not a workbook")
    code, _, err = run(capsys, "--lang", "zh_CN", "claims", "import", str(notxlsx), "--db", store.conn.path)
    assert code == 2 and "无法读取" in err and "Traceback" not in err
    code, _, err = run(capsys, "claims", "export", "--recall", "NOPE", "--format", "csv", "--out", str(tmp_path / "c.csv"), "--db", store.conn.path,
                       "--manager", "Wang", "--pin", "1234")
    assert code == 2 and "NOPE" in err
    gb = tmp_path / "gb.csv"
    gb.write_bytes("序列号,结果\nAKFF1Y0E00000001,否\n".encode("gb18030"))
    assert [(r.serial, r.result_text) for r in read_answers(gb)] == [("AKFF1Y0E00000001", "否")]
