"""`returns-desk lookup` opens no more of the database and imports no more than a lookup needs
(issue 15, item 6): the parser of the command being run only, a desk that reads the settings
and the recall list and writes nothing, and the full open whenever that would write or decide
something (a new file, missing settings, another seed)."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from returns_desk.cli import build_parser, command_in
from tests.conftest import SEED

EXE = Path(sys.executable).with_name("returns-desk")

ARGVS = [
    ["lookup", "A1257"],
    ["--db", "x.db", "lookup", "A1257", "--json"],
    ["--db=x.db", "--lang", "zh_CN", "lookup", "--serial", "S1", "A1257"],
    ["--lang=en", "--db", "lookup", "lookup", "PAC20-272", "--batch", "C14-P6", "--market", "CN"],
    ["--d", "record", "record", "--model", "A1257", "--remedy", "refund"],  # an abbreviated --db
    ["--la", "en", "recalls", "list", "--json"],
    ["--db", "x.db", "report", "daily", "--date", "2025-06-20", "--pdf", "r.pdf"],
    ["--db", "x.db", "hq", "migrate", "--dsn", "postgresql:///x"],
    ["--", "lookup", "A1257"],
    ["lookup", "A1257", "--bogus"],
    ["--db", "x.db", "lookup"],
    ["--db", "x.db"],
    ["--lang", "en"],
    ["clerks", "list"],
    ["export", "--from", "2025-06-01", "--to", "2025-06-30", "--format", "csv", "--out", "t.csv", "--group-by", "model,remedy"],
]


@pytest.mark.parametrize("argv", ARGVS, ids=[" ".join(a) for a in ARGVS])
def test_the_parser_of_one_command_reads_what_the_whole_parser_reads(argv, capsys):
    try:
        whole = vars(build_parser().parse_args(argv))
    except SystemExit as exc:
        whole = {"exit": exc.code}
    try:
        one = vars(build_parser(command_in(argv)).parse_args(argv))
    except SystemExit as exc:
        one = {"exit": exc.code}
    assert one == whole


def test_the_command_is_found_as_the_parser_finds_it():
    assert command_in(["--db", "lookup", "record", "--model", "A1"]) == "record"
    assert command_in(["--db=lookup", "lookup", "A1"]) == "lookup"
    assert command_in(["--d", "lookup", "record"]) == "record"
    assert command_in(["--", "lookup", "A1"]) is None
    assert command_in(["lookup", "--help"]) == "lookup"  # the command's own help
    assert command_in(["--help"]) is None and command_in(["-h", "lookup"]) is None  # the list of commands
    assert command_in(["nonsense", "A1"]) is None  # the whole parser names the choices
    assert command_in([]) == "" and command_in(["--db", "x.db", "--lang", "en"]) == ""


def _state(path: Path) -> dict[str, bytes | None]:
    return {s: (Path(f"{path}{s}").read_bytes() if Path(f"{path}{s}").exists() else None) for s in ("", "-wal", "-shm")}


def _run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, encoding="utf-8", env={**os.environ, **(env or {})}, timeout=120)


def test_a_lookup_writes_nothing_and_its_desk_refuses_writes(desk, db_path):
    from returns_desk.services.desk import Desk
    from returns_desk.storage.database import StorageError

    desk.close()
    before = _state(db_path)
    r = _run("--db", str(db_path), "lookup", "A1257", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["verdict"] == "recalled"
    assert _state(db_path)[""] == before[""] and _state(db_path)["-wal"] == before["-wal"]
    reader = Desk.open_to_read(db_path)
    try:
        assert reader.engine.lookup("A1257").verdict == "recalled" and reader.settings.market == "CN"
        with pytest.raises(StorageError) as err, reader.conn.write():
            pass
        assert err.value.key == "db_readonly"
    finally:
        reader.close()


def test_a_lookup_imports_no_more_than_a_lookup_needs(desk, db_path):
    """Not the repository, the signing keys (cryptography), sqlite-utils, the exports, the
    return rules or Qt: only the catalogue, the lookup and the file's checks."""
    desk.close()
    code = (
        "import sys\nfrom returns_desk.cli import main\n"
        f"code = main(['--db', {str(db_path)!r}, 'lookup', 'A1257', '--json'])\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)\nsys.exit(code)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert r.returncode == 0, r.stderr
    loaded = set(r.stderr.split())
    assert "returns_desk.domain.lookup" in loaded  # it did look up
    for heavy in ("returns_desk.storage.repository", "returns_desk.services.signing", "cryptography", "sqlite_utils",
                  "returns_desk.export", "returns_desk.domain.returns", "returns_desk.reports", "PySide6", "platformdirs", "zoneinfo",
                  "hashlib"):
        assert heavy not in loaded, heavy
    # a model number found needs neither the product-description rules nor the near-miss index
    for heavy in ("returns_desk.domain.describe", "bisect", "heapq"):
        assert heavy not in loaded, heavy


def test_a_new_file_is_created_and_seeded_by_a_lookup(db_path):
    r = _run("--db", str(db_path), "lookup", "A1257")
    assert r.returncode == 0 and r.stdout.startswith("RECALLED"), r.stderr
    con = sqlite3.connect(db_path)
    assert con.execute("SELECT count(*) FROM catalogue WHERE active = 1").fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM audit WHERE action = 'catalogue_seeded'").fetchone()[0] == 1
    con.close()


def test_a_newer_seed_is_loaded_by_a_lookup_as_by_any_open(desk, db_path, tmp_path):
    desk.close()
    doc = json.loads(SEED.read_text(encoding="utf-8"))
    doc["version"] = "2099.01.01-1"
    newer = tmp_path / "newer-catalogue.json"
    newer.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    r = _run("--db", str(db_path), "lookup", "A1257", env={"RETURNS_DESK_SEED": str(newer)})
    assert r.returncode == 0, r.stderr
    con = sqlite3.connect(db_path)
    assert con.execute("SELECT version FROM catalogue WHERE active = 1").fetchone()[0] == "2099.01.01-1"
    con.close()


def test_missing_settings_are_written_by_a_lookup_as_by_any_open(desk, db_path):
    desk.close()
    con = sqlite3.connect(db_path)
    con.execute("DELETE FROM settings WHERE key = 'scanner_suffix'")
    con.commit()
    con.close()
    r = _run("--db", str(db_path), "lookup", "A1257")
    assert r.returncode == 0, r.stderr
    con = sqlite3.connect(db_path)
    assert con.execute("SELECT value FROM settings WHERE key = 'scanner_suffix'").fetchone() == ("",)
    con.close()


@pytest.mark.parametrize("columns", [None, "60", "132", "0", "wide"])
def test_help_is_laid_out_at_the_width_argparse_would_use(columns, monkeypatch):
    import shutil

    from returns_desk.cli import _columns

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    try:
        expected = shutil.get_terminal_size().columns
    except ValueError:  # shutil itself refuses COLUMNS=wide; the help then uses the terminal's
        monkeypatch.delenv("COLUMNS")
        expected = shutil.get_terminal_size().columns
        monkeypatch.setenv("COLUMNS", columns)
    assert _columns() == expected


def test_a_damaged_checksum_of_the_shipped_list_leaves_lookups_right_and_the_full_open_says_so(desk, db_path):
    """The stored list equal to the shipped seed byte for byte is the seed: a lookup reads it
    without working out its checksum, and answers right; the full open (any command that
    writes) still checks the stored checksum and says it is damaged."""
    desk.close()
    con = sqlite3.connect(db_path)
    con.execute("UPDATE catalogue SET sha256 = 'not-the-checksum' WHERE active = 1")
    con.commit()
    con.close()
    r = _run("--db", str(db_path), "lookup", "A1257", "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["verdict"] == "recalled", r.stderr
    r = _run("--db", str(db_path), "backup", "--out", str(db_path.with_name("b.db")))
    assert r.returncode == 1 and "checksum" in r.stderr, (r.returncode, r.stderr)


def test_the_digest_of_a_recall_list_is_sha256():
    import hashlib

    from returns_desk.services.catalogue_service import _sha

    text = SEED.read_text(encoding="utf-8") + "退货"
    assert _sha(text) == hashlib.sha256(text.encode("utf-8")).hexdigest()


INPUTS = ["A1257", "Anker A1257", "A1275", "A125", "PAC20-272", "Romoss 20000", "罗马仕 2万毫安", "PowerCore 10000", "安克 充电宝",
          "20000mAh 22.5W", "MagGo", "hello", "", "A1263", "PB2030MI", "A1257 A1263"]


def test_a_lazy_engine_answers_as_the_window_s_engine(desk, db_path):
    """The command-line lookup's engine makes its near-miss and description indexes when first
    needed: every kind of input gets the same answer as from the engine that made them at once."""
    from returns_desk.services.desk import Desk

    desk.close()
    reader = Desk.open_to_read(db_path)
    eager = Desk.open(db_path)
    try:
        assert reader.engine is not eager.engine and reader.catalogue == eager.catalogue
        for text in INPUTS:
            for market in ("CN", "US", "JP"):
                assert reader.engine.lookup(text, market=market) == eager.engine.lookup(text, market=market), (text, market)
        for text in INPUTS:  # once the indexes are made too
            assert reader.engine.suggest(text) == eager.engine.suggest(text), text
    finally:
        reader.close()
        eager.close()


@pytest.mark.parametrize("args", [["A1275"], ["Romoss 20000"], ["PowerCore 10000", "--json"], ["罗马仕 2万毫安", "--json"], ["hello"]])
def test_a_lookup_of_a_description_or_a_near_miss_from_the_command_line(desk, db_path, args):
    from returns_desk.services import lookup_service

    desk.close()
    r = _run("--db", str(db_path), "--lang", "en", "lookup", *args)
    assert r.returncode == 0, r.stderr
    expected = desk.engine.lookup(args[0])
    if "--json" in args:
        assert json.loads(r.stdout) == lookup_service.result_json(expected, "en")
    else:
        assert r.stdout == lookup_service.result_text(expected, "en") + "\n"
