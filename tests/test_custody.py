"""Quarantine containers: the rules (for every caller), the audit events, estimated Wh, alerts,
the command line (exit codes, the new id on the last line) and the hand-over manifest."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess

import pytest

from returns_desk.cli import main
from returns_desk.domain.auth import Actor
from returns_desk.domain.custody import NOMINAL_VOLTAGE_V, Energy, unit_wh
from returns_desk.domain.errors import InputError, RefusedError
from returns_desk.domain.returns import ReturnDraft
from returns_desk.reports.service import write_manifest_pdf
from returns_desk.services.custody_service import CustodyService
from returns_desk.services.verify_service import verify

MANAGER = Actor("Wang", "manager")
CLERK = Actor("Li", "clerk")


def serial(n: int) -> str:
    return f"AKFF1Y0E4830{n:04d}"


def record(returns, n: int, condition: str = "intact", model: str = "A1647") -> dict:
    return returns.record(ReturnDraft(isolation_confirmed=True, model_input=model, remedy="refund", clerk="Li", amount="100", serial=serial(n), condition=condition))


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def custody(desk):
    return CustodyService(desk)


def test_open_add_seal_and_the_rules(desk, returns, custody):
    intact = [record(returns, n) for n in range(3)]
    damaged = record(returns, 10, "swollen")
    box = custody.open_container("intact", "  back room,  shelf 2 ", limit_units=3, by=MANAGER)
    assert box["code"] == "S1-Q0001" and box["location"] == "back room, shelf 2" and box["state"] == "open" and box["count"] == 0

    with pytest.raises(RefusedError) as err:
        custody.open_container("intact", "x", by=CLERK)
    assert err.value.key == "manager_required"
    for kind, location, limit, key in (("bin", "x", None, "container_type_invalid"), ("intact", " ", None, "container_location_required"),
                                       ("intact", "x", 0, "container_limit_invalid")):
        with pytest.raises(InputError) as err:
            custody.open_container(kind, location, limit_units=limit, by=MANAGER)
        assert err.value.key == key

    custody.add(box["code"], intact[0]["ticket"], by=CLERK)
    with pytest.raises(RefusedError) as err:  # a damaged unit only in a damaged container
        custody.add(box["code"], damaged["ticket"], by=CLERK)
    assert err.value.key == "container_wrong_type"
    with pytest.raises(RefusedError) as err:  # each unit in at most one container
        custody.add(box["code"], intact[0]["ticket"], by=CLERK)
    assert err.value.key == "unit_in_container" and err.value.args_["container"] == "S1-Q0001"
    ddr = custody.open_container("damaged", "DDR kit, cage", by=MANAGER)
    with pytest.raises(RefusedError):
        custody.add(ddr["code"], intact[0]["ticket"], by=CLERK)
    custody.add(ddr["code"], damaged["ticket"], by=CLERK)
    custody.add(ddr["code"], intact[2]["ticket"], by=CLERK)  # an intact unit may go with the damaged ones

    returns.void(intact[1]["ticket"], reason="wrong model", by=MANAGER)
    with pytest.raises(RefusedError) as err:
        custody.add(box["code"], intact[1]["ticket"], by=CLERK)
    assert err.value.key == "unit_void"
    with pytest.raises(InputError) as err:
        custody.add(box["code"], "S1-C1-19990101-0001", by=CLERK)
    assert err.value.key == "ticket_not_found"
    with pytest.raises(InputError) as err:
        custody.add("S1-Q0099", intact[0]["ticket"], by=CLERK)
    assert err.value.key == "container_not_found"

    with pytest.raises(RefusedError):
        custody.seal(box["code"], by=CLERK)
    sealed = custody.seal(box["code"], by=MANAGER)
    assert sealed["state"] == "sealed" and sealed["count"] == 1
    more = record(returns, 20)
    with pytest.raises(RefusedError) as err:
        custody.add(box["code"], more["ticket"], by=CLERK)
    assert err.value.key == "container_sealed"
    with pytest.raises(RefusedError) as err:
        custody.seal(box["code"], by=MANAGER)
    assert err.value.key == "container_already_sealed"
    empty = custody.open_container("intact", "front", by=MANAGER)
    with pytest.raises(RefusedError) as err:
        custody.seal(empty["code"], by=MANAGER)
    assert err.value.key == "container_empty"

    actions = [r[0] for r in sqlite3.connect(desk.conn.path).execute(
        "SELECT action FROM audit WHERE entity = 'container' ORDER BY id")]
    assert actions == ["container_opened", "container_unit_added", "container_opened", "container_unit_added",
                       "container_unit_added", "container_sealed", "container_opened"]
    assert verify(desk).ok


def test_add_many_is_all_or_nothing_and_the_limit_holds(returns, custody):
    units = [record(returns, n) for n in range(4)]
    box = custody.open_container("intact", "shelf", limit_units=3, by=MANAGER)
    with pytest.raises(RefusedError) as err:
        custody.add_many(box["code"], [u["ticket"] for u in units], by=CLERK)
    assert err.value.key == "container_full"
    assert custody.container(box["code"])["count"] == 0  # nothing half-saved
    assert custody.add_many(box["code"], [u["ticket"] for u in units[:3]], by=CLERK)["count"] == 3


def test_the_database_refuses_what_the_rules_refuse(desk, returns, custody):
    unit = record(returns, 1)
    box = custody.open_container("intact", "shelf", by=MANAGER)
    custody.add(box["code"], unit["ticket"], by=CLERK)
    custody.seal(box["code"], by=MANAGER)
    raw = sqlite3.connect(desk.conn.path)
    for sql in ("DELETE FROM container_units", "UPDATE container_units SET container_id = 99",
                "UPDATE containers SET sealed_at = NULL", "UPDATE containers SET type = 'damaged'", "DELETE FROM containers",
                f"INSERT INTO container_units VALUES ('x', 'y', {1}, 'now', 'me')"):
        with pytest.raises(sqlite3.IntegrityError):
            raw.execute(sql)


def test_estimated_wh_uses_the_published_capacity_and_leaves_unknown_unknown(desk, catalogue):
    assert unit_wh(catalogue, "A1647") == pytest.approx(20000 * NOMINAL_VOLTAGE_V / 1000)
    unknown = [m.model for m in catalogue.models if m.capacity_mah is None]
    assert unknown, "the seed has a model of unknown capacity"
    assert unit_wh(catalogue, unknown[0]) is None
    assert Energy(74.0, 1, 2).text("unknown") == "≥ 74.0 Wh (+1 unknown)"
    assert Energy(0.0, 2, 2).text("unknown") == "unknown"


def test_alerts(desk, returns, custody):
    units = [record(returns, n) for n in range(5)]
    old = returns.record(ReturnDraft(isolation_confirmed=True, model_input="A1647", remedy="refund", clerk="Li", amount="100", serial=serial(50),
                                     at=dt.datetime(2025, 7, 1, 10, tzinfo=dt.timezone.utc)))
    box = custody.open_container("intact", "shelf", limit_units=5, by=MANAGER)
    custody.add_many(box["code"], [u["ticket"] for u in units[:4]], by=CLERK)
    now = dt.datetime.now(dt.timezone.utc)
    kinds = {a.kind: a for a in custody.alerts(now)}
    assert set(kinds) == {"near_limit", "not_contained"}  # 4 of 5; the old return waits in no container
    assert kinds["not_contained"].args["ticket"] == old["ticket"]
    assert units[4]["ticket"] not in [a.args.get("ticket") for a in custody.alerts(now)]  # recorded just now
    later = now + dt.timedelta(days=31)
    kinds = {a.kind for a in custody.alerts(later)}
    assert "too_old" in kinds
    desk.update_settings({"max_quarantine_days": "40", "custody_alert_hours": "0"}, actor="test")
    alerts = custody.alerts(later)
    assert "too_old" not in {a.kind for a in alerts}
    assert {a.args["ticket"] for a in alerts if a.kind == "not_contained"} == {old["ticket"], units[4]["ticket"]}


def test_hand_over_writes_the_manifest_or_records_nothing(desk, returns, custody, tmp_path):
    units = [record(returns, 1, "swollen"), record(returns, 2, "leaking"), record(returns, 3, model="A1257")]
    box = custody.open_container("damaged", "DDR kit 7", by=MANAGER)
    custody.add_many(box["code"], [u["ticket"] for u in units], by=CLERK)
    with pytest.raises(RefusedError) as err:
        custody.hand_over(box["code"], to="Call2Recycle", reference="R1", packed_by="Wang", by=MANAGER)
    assert err.value.key == "container_not_sealed"
    custody.seal(box["code"], by=MANAGER)

    def broken(manifest):
        raise OSError("disk full")

    with pytest.raises(OSError):
        custody.hand_over(box["code"], to="Call2Recycle", reference="R1", packed_by="Wang", by=MANAGER, write_manifest=broken)
    assert custody.container(box["code"])["state"] == "sealed"  # nothing recorded
    with pytest.raises(InputError):
        custody.hand_over(box["code"], to=" ", reference="R1", packed_by="Wang", by=MANAGER)

    pdf = tmp_path / "manifest.pdf"
    done = custody.hand_over(box["code"], to="Call2Recycle", reference="DDR-2025-0042", packed_by="Wang", by=MANAGER,
                             write_manifest=lambda m: write_manifest_pdf(m, pdf))
    assert done["state"] == "handed_over" and done["handover_count"] == 3
    text = pdf_text(pdf)
    flat = " ".join(text.split())
    for word in ["Hand-over manifest", box["code"], "damaged/defective", "DDR kit 7", "Call2Recycle", "DDR-2025-0042", "Wang",
                 "Damaged/defective lithium ion battery", "UN3480", "Ground transport only", "Packed by (name, signature, date)",
                 "Received by the carrier/recycler", *(u["ticket"] for u in units), serial(1), "swollen", "leaking", "A1257"]:
        assert word in flat, word
    a1257 = unit_wh(desk.catalogue, "A1257")
    wh = 2 * unit_wh(desk.catalogue, "A1647") + (a1257 or 0)
    assert f"{wh:,.1f} Wh" in flat
    assert "REPRINT" not in flat
    with pytest.raises(RefusedError):
        custody.hand_over(box["code"], to="x", reference="y", packed_by="Wang", by=MANAGER)

    again = tmp_path / "again-zh.pdf"
    custody.reprint_manifest(box["code"], by=MANAGER, write_manifest=lambda m: write_manifest_pdf(m, again, lang="zh_CN"))
    zh = " ".join(pdf_text(again).split())
    for word in ["移交清单", "补打", "仅限陆运", "损坏/缺陷锂离子电池", "Damaged/defective lithium ion battery", "包装人", units[0]["ticket"]]:
        assert word in zh, word
    events = [r[0] for r in sqlite3.connect(desk.conn.path).execute("SELECT action FROM audit WHERE entity_id = ? ORDER BY id", (box["code"],))]
    assert events[-2:] == ["container_handed_over", "manifest_reprinted"]
    assert verify(desk).ok


def cli(capsys, *args):
    try:
        code = main([*args])
    except SystemExit as exc:  # argparse's own exit for usage errors
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_command_line(db_path, capsys, tmp_path):
    db = ["--db", str(db_path)]
    assert cli(capsys, "setup", "--store", "Shop", "--counter", "C1", "--market", "CN", "--manager", "Wang", "--pin", "1234", *db)[0] == 0
    tickets = []
    for n, cond in enumerate(["intact"] * 5 + ["swollen"]):
        code, out, err = cli(capsys, "record", "--model", "A1647", "--remedy", "refund", "--amount", "100", "--serial", serial(n),
                             "--condition", cond, "--clerk", "Wang", "--isolated", *db)
        assert code == 0, err
        tickets.append(out.strip())
    code, out, err = cli(capsys, "containers", "open", "--type", "intact", "--location", "back room", "--limit-units", "10",
                         "--manager", "Wang", "--pin", "1234", *db)
    assert code == 0, err
    box = out.strip().splitlines()[-1]
    assert box == "S1-Q0001"
    code, _, err = cli(capsys, "containers", "open", "--type", "intact", "--location", "x", "--manager", "Wang", "--pin", "9999", *db)
    assert code == 2 and "Traceback" not in err
    code, out, err = cli(capsys, "containers", "add", box, *tickets[:5], "--clerk", "Wang", *db)
    assert code == 0, err
    code, out, err = cli(capsys, "containers", "add", box, tickets[5], "--clerk", "Wang", *db)
    assert code == 2 and "damaged" in err
    code, out, err = cli(capsys, "--lang", "zh_CN", "containers", "add", box, tickets[5], "--clerk", "Wang", *db)
    assert code == 2 and "损坏产品只能放入" in err
    code, out, _ = cli(capsys, "containers", "list", "--json", *db)
    (row,) = json.loads(out)
    assert row["code"] == box and row["count"] == 5 and row["state"] == "open" and row["wh"] == pytest.approx(5 * 74.0)
    assert cli(capsys, "containers", "seal", box, "--manager", "Wang", "--pin", "1234", *db)[0] == 0
    code, _, err = cli(capsys, "containers", "handover", box, "--to", "Anker", "--reference", "RMA-1", "--packed-by", "Wang",
                       "--manifest", str(tmp_path / "m.txt"), "--manager", "Wang", "--pin", "1234", *db)
    assert code == 2 and ".pdf" in err
    manifest = tmp_path / "m.pdf"
    code, out, err = cli(capsys, "containers", "handover", box, "--to", "Anker", "--reference", "RMA-1", "--packed-by", "Wang",
                         "--manifest", str(manifest), "--manager", "Wang", "--pin", "1234", *db)
    assert code == 0, err
    assert all(t in pdf_text(manifest) for t in tickets[:5])
    code, out, _ = cli(capsys, "custody", "report", "--json", *db)
    report = json.loads(out)
    assert report["totals"] == {"recorded": 6, "in_container": 5, "sealed": 5, "handed_over": 5, "not_contained": 1}
    assert report["discrepancies"]["not_contained"]["units"][0]["ticket"] == tickets[5]
    code, out, _ = cli(capsys, "--lang", "zh_CN", "custody", "report", *db)
    assert code == 0 and "已移交" in out
    code, out, err = cli(capsys, "verify", *db)
    assert code == 0, err


def test_the_daily_report_has_a_custody_section(desk, returns, custody, tmp_path):
    from returns_desk.reports.service import DailyReportService

    units = [record(returns, n) for n in range(6)]
    voided = record(returns, 30)
    a = custody.open_container("intact", "shelf A", by=MANAGER)
    custody.add_many(a["code"], [u["ticket"] for u in units[:3]] + [voided["ticket"]], by=CLERK)
    returns.void(voided["ticket"], reason="keyed twice", by=MANAGER)
    custody.seal(a["code"], by=MANAGER)
    custody.hand_over(a["code"], to="Anker", reference="RMA-9", packed_by="Wang", by=MANAGER)
    b = custody.open_container("intact", "shelf B", by=MANAGER)
    custody.add(b["code"], units[3]["ticket"], by=CLERK)
    svc = DailyReportService(desk)
    report = svc.x_report(svc.today(), by="Wang")
    c = report["custody"]
    assert (c["taken_in"], c["open_containers"], c["units_in_open"]) == (5, 1, 1)
    assert [h["code"] for h in c["handed_over"]] == [a["code"]] and c["handed_over"][0]["handover_count"] == 4
    assert c["discrepancies"] == {"not_contained": 2, "void_in_container": 1, "wrong_type": 0, "missing_units": 0}
    for lang, words in (("en", ["Custody of recalled units (whole store)", "Units put into containers this day 5", "RMA-9",
                                "voided but in a container 1", "in no container 2"]),
                        ("zh_CN", ["召回产品保管（全店）", "当日放入容器的件数 5", "RMA-9"])):
        pdf = svc.write_pdf(report, tmp_path / f"daily-{lang}.pdf", lang=lang, by="Wang")
        flat = " ".join(pdf_text(pdf).split())
        for w in words:
            assert w in flat, (lang, w)


def test_a_wh_limit_refuses_what_would_exceed_it_and_warns_near_it(returns, custody):
    units = [record(returns, n) for n in range(3)]  # A1647: 20,000 mAh, 74 Wh each
    box = custody.open_container("intact", "shelf", limit_wh=180, by=MANAGER)
    assert box["limit_wh"] == 180.0
    custody.add_many(box["code"], [u["ticket"] for u in units[:2]], by=CLERK)  # 148 Wh: 82 % of the limit
    with pytest.raises(RefusedError) as err:
        custody.add(box["code"], units[2]["ticket"], by=CLERK)  # 222 Wh > 180
    assert err.value.key == "container_full_wh" and "180 Wh" in err.value.message()
    assert custody.container(box["code"])["count"] == 2
    assert "alert_near_limit_wh" in {a.key for a in custody.alerts()}
    for bad in (0, -5):
        with pytest.raises(InputError):
            custody.open_container("intact", "shelf", limit_wh=bad, by=MANAGER)
