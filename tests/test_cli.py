"""The command-line contract (PRODUCT.md): names, options, JSON keys and exit codes."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from returns_desk.cli import main

EXE = Path(sys.executable).with_name("returns-desk")
LOOKUP_KEYS = {"input", "model", "brand", "market", "verdict", "recalls", "needs", "reason", "suggestions", "elsewhere"}
RECALL_KEYS = {"id", "title", "authority", "announced_on", "remedies", "confirmation"}


def run(*args, db=None, env=None):
    """The installed entry point in a real process, as scripts use it."""
    cmd = [str(EXE), *args]
    if db is not None:
        cmd += ["--db", str(db)]
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", env=full_env, timeout=120)


def lookup_json(db, *args):
    r = run("lookup", *args, "--json", db=db)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_issue_examples(db_path):
    d = lookup_json(db_path, "a-1257")
    assert d["verdict"] == "recalled" and d["brand"] == "Anker" and d["model"] == "A1257"
    assert d["recalls"][0]["confirmation"] == "manufacturer" and d["needs"] == ["serial"]
    d = lookup_json(db_path, "A1263")
    assert d["verdict"] == "not_recalled" and "US" in d["elsewhere"]
    assert lookup_json(db_path, "A1263", "--market", "US", "--made", "2017-05-01")["verdict"] == "recalled"
    assert lookup_json(db_path, "PAC20-272", "--batch", "C14-P6")["verdict"] == "recalled"
    assert lookup_json(db_path, "PAC20-272", "--batch", "C14-P5")["verdict"] == "not_affected"
    d = lookup_json(db_path, "PAC20-272")
    assert d["verdict"] == "check_required" and d["needs"] == ["batch_code"]


def test_lookup_json_has_the_contract_keys(db_path):
    d = lookup_json(db_path, "A1257")
    assert LOOKUP_KEYS <= set(d)
    assert "serial_error" not in d
    for rec in d["recalls"]:
        assert RECALL_KEYS <= set(rec)
        assert set(rec["remedies"]) <= {"refund", "replacement", "voucher"}


def test_serial_error_and_suggestion_in_json(db_path):
    d = lookup_json(db_path, "A1263", "--market", "US", "--serial", "AO1234I5678")
    assert d["serial_error"] and d["serial_suggestion"] == "A0123415678"


def test_db_and_lang_work_before_or_after_the_command(tmp_path):
    db = tmp_path / "x.db"
    a = subprocess.run([str(EXE), "--db", str(db), "--lang", "zh_CN", "lookup", "A1257", "--json"], capture_output=True, text=True)
    b = subprocess.run([str(EXE), "lookup", "A1257", "--json", "--db", str(db), "--lang", "zh_CN"], capture_output=True, text=True)
    assert a.returncode == b.returncode == 0, a.stderr + b.stderr
    assert json.loads(a.stdout) == json.loads(b.stdout)
    assert "召回" in json.loads(a.stdout)["reason"]
    assert db.exists()


def test_default_database_lives_in_the_user_data_folder(_isolated_home):
    r = run("lookup", "A1257", "--json")
    assert r.returncode == 0, r.stderr
    assert (_isolated_home / "returns-desk.db").exists()


def test_text_output_names_the_verdict(db_path):
    r = run("lookup", "安克Ａ１２５７", db=db_path)
    assert r.returncode == 0 and r.stdout.startswith("RECALLED") and "A1257" in r.stdout
    r = run("lookup", "A1257", "--lang", "zh_CN", db=db_path)
    assert r.stdout.startswith("召回")


def test_record_prints_the_ticket_once_committed(db_path):
    r = run("record", "--isolated", "--model", "A1257", "--remedy", "refund", "--amount", "149.00", "--serial", "AKFF1Y0E48301745",
            "--clerk", "Li", "--receipt", "R-1", "--at", "2025-07-01T10:30:00+08:00", db=db_path)
    assert r.returncode == 0, r.stderr
    ticket = r.stdout.strip()
    assert ticket == "S1-C1-20250701-0001"
    row = sqlite3.connect(db_path).execute("SELECT clerk, amount_minor, receipt, business_date FROM returns WHERE ticket = ?", (ticket,)).fetchone()
    assert row == ("Li", 14900, "R-1", "2025-07-01")


def test_record_json_prints_the_saved_entry(db_path):
    r = run("record", "--isolated", "--model", "PAC20-272", "--batch", "c14p6", "--remedy", "replacement", "--condition", "swollen",
            "--json", db=db_path)
    assert r.returncode == 0, r.stderr
    entry = json.loads(r.stdout)
    assert entry["ticket"] and entry["uuid"] and entry["batch_code"] == "C14-P6" and entry["condition"] == "swollen"
    assert entry["amount"] == "0.00" and entry["status"] == "active"


@pytest.mark.parametrize(
    "args",
    [
        ["lookup"],
        ["lookup", "A1257", "--made", "2023-02-30"],
        ["lookup", "A1257", "--market", "XX"],
        ["record", "--model", "A1257"],
        ["record", "--model", "A1257", "--remedy", "cash"],
        ["record", "--model", "A1257", "--remedy", "refund", "--amount", "-10", "--serial", "AKFF1Y0E48301745"],
        ["record", "--model", "A1257", "--remedy", "refund", "--amount", "ten", "--serial", "AKFF1Y0E48301745"],
        ["record", "--model", "A1257", "--remedy", "refund", "--amount", "10", "--at", "yesterday"],
        ["record", "--model", "A1263", "--remedy", "refund", "--amount", "10"],
        ["record", "--model", "A1257", "--remedy", "refund", "--amount", "10", "--condition", "wet"],
        ["frobnicate"],
        ["recalls"],
    ],
)
def test_bad_arguments_exit_2_with_a_message_and_no_traceback(db_path, args):
    r = run(*args, db=db_path)
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert r.stderr.strip() and "Traceback" not in r.stderr
    assert r.stdout == ""
    if db_path.exists():
        assert sqlite3.connect(db_path).execute("SELECT count(*) FROM returns").fetchone()[0] == 0


def test_duplicate_serial_needs_override(db_path):
    base = ["record", "--isolated", "--model", "A1257", "--remedy", "refund", "--amount", "149", "--serial", "AKFF1Y0E48301745"]
    assert run(*base, db=db_path).returncode == 0
    again = run(*base, db=db_path)
    assert again.returncode == 2 and "already returned" in again.stderr and again.stdout == ""
    ok = run(*base, "--override", "second unit, same serial printed twice", db=db_path)
    assert ok.returncode == 0


@pytest.mark.parametrize("content", [b"", b"not a database at all" * 100])
def test_unusable_database_gives_one_line_and_nonzero(tmp_path, content):
    db = tmp_path / "bad.db"
    db.write_bytes(content)
    r = run("lookup", "A1257", db=db)
    if content:
        assert r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
        assert db.read_bytes() == content
    else:  # an empty file is a new database
        assert r.returncode == 0


def test_missing_folder_gives_one_line(tmp_path):
    r = run("lookup", "A1257", db=tmp_path / "nope" / "x.db")
    assert r.returncode == 1 and "does not exist" in r.stderr and "Traceback" not in r.stderr


def test_locked_database_gives_a_message(tmp_path):
    db = tmp_path / "locked.db"
    assert main(["lookup", "A1257", "--db", str(db)]) == 0
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        r = run("record", "--isolated", "--model", "A1257", "--remedy", "refund", "--amount", "1", "--serial", "AKFF1Y0E48301745", db=db,
                env={"RETURNS_DESK_BUSY_TIMEOUT_MS": "300"})
        assert r.returncode == 1 and "locked" in r.stderr and "Traceback" not in r.stderr and r.stdout == ""
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_recalls_list(db_path):
    r = run("recalls", "list", "--json", db=db_path)
    data = json.loads(r.stdout)
    assert len(data["recalls"]) == 14 and data["source"] == "seed"
    text = run("recalls", "list", db=db_path).stdout
    assert "CN-SZAMR-ROMOSS-2025-06-16" in text and "491,745" in text


def test_recalls_import_validates_the_whole_file(tmp_path, db_path):
    from tests.conftest import SEED

    good = json.loads(SEED.read_text(encoding="utf-8"))
    good["version"] = "2099.01.01-1"
    good_path = tmp_path / "new.json"
    good_path.write_text(json.dumps(good, ensure_ascii=False, indent=2), encoding="utf-8")
    bad = SEED.read_text(encoding="utf-8").replace('"C14-P6"', '"C14-P6", 42', 1)
    bad_path = tmp_path / "bad.json"
    bad_path.write_text(bad, encoding="utf-8")
    line = bad[: bad.index('"C14-P6", 42')].count("\n") + 1

    r = run("recalls", "import", str(bad_path), db=db_path)
    assert r.returncode == 2 and f"line {line}" in r.stderr and "batches[1]" in r.stderr and "not changed" in r.stderr
    assert json.loads(run("recalls", "list", "--json", db=db_path).stdout)["source"] == "seed"

    for junk in (b"\xff\xfe garbage", b"{", b"[]", b'{"format": 1}'):
        p = tmp_path / "junk.json"
        p.write_bytes(junk)
        r = run("recalls", "import", str(p), db=db_path)
        assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr

    r = run("recalls", "import", str(good_path), db=db_path)
    assert r.returncode == 0 and "2099.01.01-1" in r.stdout
    data = json.loads(run("recalls", "list", "--json", db=db_path).stdout)
    assert data["version"] == "2099.01.01-1" and data["source"] == "import"


def test_backup_writes_a_consistent_copy(tmp_path, db_path):
    assert run("record", "--isolated", "--model", "A1257", "--remedy", "refund", "--amount", "149", "--serial", "AKFF1Y0E48301745", db=db_path).returncode == 0
    out = tmp_path / "copy.db"
    r = run("backup", "--out", str(out), db=db_path)
    assert r.returncode == 0 and out.exists()
    copy = sqlite3.connect(out)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("SELECT count(*) FROM returns").fetchone()[0] == 1
    assert run("backup", "--out", str(out), db=db_path).returncode == 2  # never overwrites
    r = run("backup", db=db_path)
    assert r.returncode == 0
    assert len(list((db_path.parent / "backups").glob("returns-desk-*.db"))) == 1
