"""Issue 16: tamper evidence that an insider cannot rewrite. Each anchor in turn names the
insider's re-chained history: the guards verify checks in the file, the paper anchor on every
printed report and the stored Z's, and the counter's signature on every event."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from returns_desk.domain.auth import Actor
from returns_desk.domain.returns import ReturnDraft
from returns_desk.services.people_service import PeopleService
from returns_desk.services.returns_service import ReturnsService
from returns_desk.services.verify_service import verify
from tests.tamper_support import rewrite_return

EXE = Path(sys.executable).with_name("returns-desk")
PIN = "482913"
CLERK = Actor("Li Na", "clerk")
MANAGER = Actor("Chen Jing", "manager")


def run(*args: str, db: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(EXE), *args, "--db", str(db)], capture_output=True, text=True, encoding="utf-8", timeout=120)


@pytest.fixture
def three_refunds(desk) -> list[str]:
    people = PeopleService(desk)
    people.setup(store="王府井店", counter="C2", market="CN", manager="Chen Jing", pin=PIN)
    people.add_clerk(MANAGER, "Li Na", "clerk", "1357")
    svc = ReturnsService(desk)
    return [
        svc.record(ReturnDraft(model_input="A1257", remedy="refund", clerk="x", amount="99.00", serial=f"AKFF1Y0E4830{i:04d}"), actor=CLERK)["ticket"]
        for i in range(3)
    ]


@pytest.mark.xfail(strict=True, reason="issue 16: verify does not check its own guards yet")
def test_the_insider_rewrite_is_named_by_verify(three_refunds, desk, db_path):
    desk.close()
    assert run("verify", db=db_path).returncode == 0
    rewrite_return(db_path, three_refunds[1], amount_minor=999900)
    assert sqlite3.connect(db_path).execute("SELECT amount_minor FROM returns WHERE ticket = ?", (three_refunds[1],)).fetchone() == (999900,)
    r = run("verify", db=db_path)
    assert r.returncode == 1, r.stdout
    assert "returns_change_only_by_void_or_confirmation" in r.stderr and "Traceback" not in r.stderr
