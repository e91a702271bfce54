"""Every test runs away from the user's real data: RETURNS_DESK_HOME points into tmp_path,
Qt draws offscreen, and messages are in English unless a test asks otherwise."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["LANG"] = "en_US.UTF-8"
os.environ.pop("LC_ALL", None)
os.environ.pop("LC_MESSAGES", None)

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "db" / "catalogue.json"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("RETURNS_DESK_HOME", str(home))
    monkeypatch.delenv("RETURNS_DESK_SEED", raising=False)
    return home


@pytest.fixture(scope="session")
def catalogue():
    from returns_desk.domain.catalogue import parse_catalogue

    return parse_catalogue(SEED.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def engine(catalogue):
    from returns_desk.domain.lookup import LookupEngine

    return LookupEngine(catalogue)


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "returns.db"


@pytest.fixture
def desk(db_path):
    """A real database file on disk, created and seeded the way the application does it."""
    from returns_desk.services.desk import Desk

    d = Desk.open(db_path)
    yield d
    d.close()


@pytest.fixture
def returns(desk):
    from returns_desk.services.returns_service import ReturnsService

    return ReturnsService(desk)


# --- head office: a throwaway PostgreSQL (tests/hq_support.py) ------------------------------

os.environ["RETURNS_DESK_KEYRING"] = "0"  # credentials go to the owner-only file in the test's home


@pytest.fixture(scope="session")
def pg_server():
    """One PostgreSQL server for the session, started from the Debian binaries (fails, never
    skips, when they are missing: .ci/setup installs them)."""
    from tests.hq_support import start_server

    yield from start_server()


@pytest.fixture
def hq_dsn(pg_server) -> str:
    """A fresh head-office database with the migrations applied; the admin's connection string."""
    from returns_desk.headoffice import pg

    dsn = pg_server.admin_dsn(pg_server.create_database())
    pg.migrate(dsn)
    return dsn
