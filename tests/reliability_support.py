"""Shared helpers for the reliability suite (tests/test_reliability_*.py).

Runs the command line in-process with stdout/stderr captured, builds databases with returns in
them, checks that a database file holds no half entries, and makes files read-only even for
root (``chattr +i``: root ignores file permissions)."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import sqlite3
import subprocess
import traceback
from dataclasses import dataclass
from pathlib import Path

from returns_desk.cli import main


@dataclass
class Run:
    code: int | str
    out: str
    err: str

    @property
    def crashed(self) -> bool:
        return isinstance(self.code, str) or "Traceback" in self.err


def cli(*args: str) -> Run:
    """``returns_desk.cli.main`` in this process; an exception escaping it is recorded, not raised."""
    out, err = io.StringIO(), io.StringIO()
    code: int | str
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main([str(a) for a in args])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    except BaseException:  # noqa: BLE001 - what escapes is exactly what the test reports
        code = "uncaught: " + traceback.format_exc()
    return Run(code, out.getvalue(), err.getvalue())


def assert_clean_failure(run: Run, code: int, *words: str) -> None:
    """A refusal as the contract wants it: the exit code, one line on stderr, no traceback, no stdout."""
    assert not run.crashed, run
    assert run.code == code, run
    lines = run.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("returns-desk: "), run
    assert run.out == "", run
    for w in words:
        assert w in run.err, (w, run)


RECORD = ("record", "--isolated", "--model", "A1257", "--remedy", "refund", "--amount", "149.00")


def serial(i: int) -> str:
    return f"AKFF1Y0E{i:08d}"


def file_state(path: Path) -> dict[str, bytes | None]:
    """The bytes of the database and its -wal (a missing file is None)."""
    out = {}
    for suffix in ("", "-wal"):
        p = Path(str(path) + suffix)
        out[suffix or "db"] = p.read_bytes() if p.exists() else None
    return out


def checkpoint(path: Path) -> None:
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


def half_entries(con: sqlite3.Connection) -> dict[str, int]:
    """Every return must have its audit event and every return_recorded event its return."""
    # set differences (audit has no index on entity_id: a correlated NOT EXISTS is quadratic)
    no_audit = con.execute(
        "SELECT count(*) FROM (SELECT uuid FROM returns EXCEPT SELECT entity_id FROM audit WHERE action = 'return_recorded')"
    ).fetchone()[0]
    no_return = con.execute(
        "SELECT count(*) FROM (SELECT entity_id FROM audit WHERE action = 'return_recorded' EXCEPT SELECT uuid FROM returns)"
    ).fetchone()[0]
    events, returns = (con.execute(sql).fetchone()[0] for sql in (
        "SELECT count(*) FROM audit WHERE action = 'return_recorded'", "SELECT count(*) FROM returns"))
    assert events == returns, (events, returns)  # one event per return, never two
    return {"returns_without_audit": no_audit, "audit_without_return": no_return}


def not_null_columns(con: sqlite3.Connection, table: str = "returns") -> list[str]:
    return [r[1] for r in con.execute(f"PRAGMA table_info({table})") if r[3]]


# --- read-only files, also for root -----------------------------------------------------


def _chattr(flag: str, *paths: Path) -> bool:
    exe = shutil.which("chattr")
    if not exe:
        return False
    r = subprocess.run([exe, flag, *map(str, paths)], capture_output=True)
    return r.returncode == 0


@contextlib.contextmanager
def read_only(*paths: Path):
    """Make files or folders unwritable for everyone, root included. Yields False when this
    machine cannot (root without chattr permission): the caller skips with a reason."""
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in paths}
        for p in paths:
            p.chmod(0o555 if p.is_dir() else 0o444)
        try:
            yield True
        finally:
            for p, m in modes.items():
                p.chmod(m)
        return
    ok = _chattr("+i", *paths)
    try:
        yield ok
    finally:
        if ok:
            _chattr("-i", *paths)
