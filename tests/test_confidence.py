"""Confidence drives strictness (issue 12).

A rule whose source is high confidence refuses (A1263 serials never use O or I: Anker's own
statement). A rule from one secondary source or an inference (the 16-character Anker SN: HowToGeek
for the 2024 models, inferred for the others) warns, asks the clerk to check, and the return is
saved with the warning recorded, by the service, so the window and the command line alike.
Derived money bounds carry a note saying how they were derived.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from returns_desk.domain.errors import InputError, RefusedError
from returns_desk.domain.integrity import row_digest
from returns_desk.domain.returns import ReturnDraft
from returns_desk.services import verify_service
from returns_desk.services.lookup_service import reason_text, result_json
from returns_desk.storage import repository as repo

SHORT = "AKFF1Y0E4830174"  # 15 characters: the public A1257 example minus one
EXE = Path(sys.executable).with_name("returns-desk")


def _count(db_path: Path) -> int:
    with sqlite3.connect(db_path) as raw:
        return raw.execute("SELECT COUNT(*) FROM returns").fetchone()[0]


def test_catalogue_states_each_serial_rule_with_its_confidence(catalogue):
    expected = {"A1642": "medium", "A1647": "medium", "A1652": "medium", "A1257": "low", "A1681": "low", "A1689": "low", "A1263": "high"}
    for model, confidence in expected.items():
        fmt = catalogue.model(model).serial_format
        assert fmt.confidence == confidence, model
        assert fmt.strict == (confidence == "high")
        assert fmt.source
    assert "Inferred" in catalogue.model("A1257").serial_format.source
    assert "HowToGeek" in catalogue.model("A1647").serial_format.source


@pytest.mark.parametrize("lang, words", [("en", "Check the serial on the unit"), ("zh_CN", "请核对产品上的序列号")])
def test_low_confidence_rule_warns_in_the_reason_and_the_json(engine, lang, words):
    r = engine.lookup("A1257", serial=SHORT)
    out = result_json(r, lang)
    assert "serial_error" not in out
    assert words in out["serial_warning"]
    assert words in reason_text(r, lang)  # the window's reason line shows it without any change
    assert out["verdict"] == "recalled"


@pytest.mark.parametrize("model", ["A1257", "A1647"])
def test_return_with_a_serial_outside_a_low_confidence_rule_is_saved_with_the_warning(desk, returns, db_path, model):
    entry = returns.record(ReturnDraft(isolation_confirmed=True, model_input=model, remedy="refund", clerk="Li", amount="149", serial=SHORT))
    assert entry["serial"] == SHORT
    assert "Check the serial on the unit" in entry["check_warning"] and "16" in entry["check_warning"]
    assert entry["warnings"][0]["key"] == "serial_length_unconfirmed"
    assert "请核对" in entry["warnings"][0]["zh_CN"] and entry["warnings"][0]["en"] == entry["check_warning"]
    with sqlite3.connect(db_path) as raw:
        stored = raw.execute("SELECT check_warning FROM returns WHERE ticket = ?", (entry["ticket"],)).fetchone()[0]
        details = json.loads(raw.execute("SELECT details FROM audit WHERE action = 'return_recorded'").fetchone()[0])
    assert stored == entry["check_warning"]
    assert details["warning"] == "serial_length_unconfirmed"
    assert verify_service.verify(desk).ok


def test_return_with_a_good_serial_has_no_warning(returns):
    entry = returns.record(ReturnDraft(isolation_confirmed=True, model_input="A1257", remedy="refund", clerk="Li", amount="149", serial=SHORT + "5"))
    assert entry["check_warning"] is None and "warnings" not in entry


def test_high_confidence_rule_still_refuses_and_saves_nothing(desk, returns, db_path):
    desk.update_settings({"market": "US", "time_zone": "America/New_York"}, actor="test")
    with pytest.raises(InputError) as info:
        returns.record(ReturnDraft(isolation_confirmed=True, model_input="A1263", remedy="replacement", clerk="Li", serial="AO12I3", made=None))
    assert info.value.key == "serial_invalid"
    assert _count(db_path) == 0


def test_the_warning_can_never_be_changed_afterwards(desk, returns, db_path):
    entry = returns.record(ReturnDraft(isolation_confirmed=True, model_input="A1257", remedy="refund", clerk="Li", amount="149", serial=SHORT))
    with sqlite3.connect(db_path) as raw, pytest.raises(sqlite3.DatabaseError, match="never changed"):
        raw.execute("UPDATE returns SET check_warning = NULL WHERE ticket = ?", (entry["ticket"],))


@pytest.mark.parametrize("change", ["clear", "add"])
def test_verify_notices_a_warning_removed_or_added_behind_the_app(desk, returns, db_path, change):
    warned = returns.record(ReturnDraft(isolation_confirmed=True, model_input="A1257", remedy="refund", clerk="Li", amount="149", serial=SHORT))
    clean = returns.record(ReturnDraft(isolation_confirmed=True, model_input="A1647", remedy="refund", clerk="Li", amount="149", serial=SHORT + "5"))
    assert verify_service.verify(desk).ok
    ticket, value = (warned["ticket"], None) if change == "clear" else (clean["ticket"], "nothing to see")
    with sqlite3.connect(db_path) as raw:  # a forger drops the immutability trigger first
        raw.execute("DROP TRIGGER returns_change_only_by_void_or_confirmation")
        raw.execute("UPDATE returns SET check_warning = ? WHERE ticket = ?", (value, ticket))
    assert not verify_service.verify(desk).ok


def test_returns_recorded_before_the_warning_column_keep_their_fingerprint():
    """A return without a warning is fingerprinted over the columns it had before m013."""
    row = {c: f"v-{c}" for c in repo.RETURN_COLUMNS} | {"check_warning": None}
    assert repo.digest_columns(row) == repo.RETURN_COLUMNS
    assert row_digest(row, repo.digest_columns(row)) == row_digest({c: row[c] for c in repo.RETURN_COLUMNS}, repo.RETURN_COLUMNS)
    assert repo.digest_columns({**row, "check_warning": "w"}) == repo.RETURN_COLUMNS + ("check_warning",)


def test_recall_without_a_published_remedy_refuses_with_its_own_message(desk, returns, db_path):
    desk.update_settings({"market": "JP", "time_zone": "Asia/Tokyo"}, actor="test")
    with pytest.raises(RefusedError) as info:
        returns.record(ReturnDraft(isolation_confirmed=True, model_input="PB2030MI", remedy="refund", clerk="Li", amount="1000"))
    assert info.value.key == "remedy_unknown"
    assert "JP-XIAOMI-PB2030MI" in info.value.message("en") and "厂家" in info.value.message("zh_CN")
    assert _count(db_path) == 0


def test_cli_record_prints_the_warning_in_the_users_language(db_path):
    r = subprocess.run(
        [str(EXE), "record", "--isolated", "--model", "A1257", "--remedy", "refund", "--amount", "149", "--serial", SHORT,
         "--db", str(db_path), "--lang", "zh_CN"],
        capture_output=True, text=True, encoding="utf-8", timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().count("-") == 3  # the ticket only
    assert "已随退货记录保存的提醒" in r.stderr and "请核对产品上的序列号" in r.stderr


# --- derived money bounds say how they were derived ------------------------------------------


@pytest.mark.parametrize(
    "rid, words",
    [("CN-SAMR-ANKER-2025-06-20", "149–229 CNY"), ("US-CPSC-25-466", "US$30–50")],
)
def test_derived_bounds_carry_a_note(catalogue, rid, words):
    for entry in catalogue.recall(rid).models:
        assert entry.refund_max_minor is not None
        assert entry.bound_note and entry.bound_note.startswith("Derived") and words in entry.bound_note


def test_every_bound_in_the_seed_has_a_note(catalogue):
    for recall in catalogue.recalls:
        for entry in recall.models:
            if entry.refund_max_minor is not None or entry.voucher_max_minor is not None:
                assert entry.bound_note, (recall.id, entry.model)


def test_every_bound_note_is_in_chinese_too(catalogue):
    for recall in catalogue.recalls:
        for entry in recall.models:
            if entry.bound_note:
                assert entry.bound_note_zh and entry.bound_text("zh_CN") == entry.bound_note_zh
                assert entry.bound_text("en") == entry.bound_note


def test_lookup_json_shows_the_bound_with_its_note(engine):
    out = result_json(engine.lookup("A1257"), "en")
    cn = next(r for r in out["recalls"] if r["id"] == "CN-SAMR-ANKER-2025-06-20")
    assert (cn["refund_max_minor"], cn["voucher_max_minor"], cn["currency"]) == (22900, 27900, "CNY")
    assert "149–229 CNY" in cn["bound_note"]
    assert cn["confidence"] == "high" and cn["status"] == "primary"


def _back_to_schema_8(db_path: Path) -> None:
    """Turn a current file into what Returns Desk wrote before m013: no check_warning column, the
    m008 guard trigger, m013 not recorded, user_version 8."""
    same = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in repo.RETURN_COLUMNS)
    same_but = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in repo.RETURN_COLUMNS if c != "confirmation")
    with sqlite3.connect(db_path) as raw:
        raw.execute("DROP TRIGGER returns_change_only_by_void_or_confirmation")
        raw.execute("ALTER TABLE returns DROP COLUMN check_warning")
        raw.execute(
            f"""CREATE TRIGGER returns_change_only_by_void_or_confirmation BEFORE UPDATE ON returns
            WHEN NOT ((OLD.status = 'active' AND NEW.status = 'void' AND NEW.id IS OLD.id AND {same})
                OR (OLD.confirmation = 'pending' AND NEW.confirmation IN ('confirmed', 'rejected')
                    AND NEW.status IS OLD.status AND NEW.void_reason IS OLD.void_reason AND NEW.void_by IS OLD.void_by
                    AND NEW.void_at IS OLD.void_at AND NEW.id IS OLD.id AND {same_but}))
            BEGIN SELECT RAISE(ABORT, 'a return can only be voided or confirmed, never changed'); END"""
        )
        raw.execute("DELETE FROM _sqlite_migrations WHERE name = 'm013_check_warning'")
        raw.execute("PRAGMA user_version = 8")


def test_a_database_from_before_the_warning_column_upgrades_and_still_verifies(db_path):
    from returns_desk.services.desk import Desk
    from returns_desk.services.returns_service import ReturnsService

    with Desk.open(db_path) as desk:
        old = ReturnsService(desk).record(ReturnDraft(isolation_confirmed=True, model_input="A1257", remedy="refund", clerk="Li", amount="149", serial=SHORT + "5"))
    _back_to_schema_8(db_path)
    with sqlite3.connect(db_path) as raw:
        assert "check_warning" not in {r[1] for r in raw.execute("PRAGMA table_info(returns)")}
    with Desk.open(db_path) as desk:  # migrates
        assert verify_service.verify(desk).ok  # the old return keeps its fingerprint
        new = ReturnsService(desk).record(ReturnDraft(isolation_confirmed=True, model_input="A1257", remedy="refund", clerk="Li", amount="149", serial=SHORT))
        assert verify_service.verify(desk).ok
    with sqlite3.connect(db_path) as raw:
        rows = dict(raw.execute("SELECT ticket, check_warning FROM returns").fetchall())
        assert rows[old["ticket"]] is None and "Check the serial" in rows[new["ticket"]]
        with pytest.raises(sqlite3.DatabaseError, match="never changed"):
            raw.execute("UPDATE returns SET check_warning = 'x' WHERE ticket = ?", (old["ticket"],))
