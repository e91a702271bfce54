"""A throwaway PostgreSQL server for the head-office tests: the Debian server binaries
(``/usr/lib/postgresql/NN/bin``, the newest), a data folder and socket folder in a temporary
folder, a free port on 127.0.0.1, password (SCRAM) log-ins over TCP as a real head office has.

``initdb`` and ``pg_ctl`` refuse to run as root, and CI runs as root: then they run as the
``postgres`` system user (made by the Debian package) through ``runuser``. No PostgreSQL found
is a failure, never a skip: ``.ci/setup`` installs it.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

SUPERUSER = "postgres"


def server_bindir() -> Path:
    """The newest ``/usr/lib/postgresql/NN/bin`` holding ``initdb`` and ``pg_ctl``."""
    found = []
    for d in Path("/usr/lib/postgresql").glob("*/bin"):
        if (d / "initdb").exists() and (d / "pg_ctl").exists():
            try:
                found.append((int(d.parent.name), d))
            except ValueError:
                continue
    if not found:
        pytest.fail("no PostgreSQL server under /usr/lib/postgresql/*/bin: run `bash .ci/setup` (Debian package postgresql)")
    return max(found)[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    """One PostgreSQL cluster of our own. ``admin_dsn(db)`` connects as the superuser."""

    def __init__(self) -> None:
        self.bindir = server_bindir()
        self.root = Path(tempfile.mkdtemp(prefix="rd-pg-"))
        self.data = self.root / "data"
        self.sockets = self.root / "sock"
        self.port = free_port()
        self.password = secrets.token_urlsafe(16)
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres and shutil.which("runuser") is None:
            pytest.fail("running as root needs runuser to start PostgreSQL as the postgres user")

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = list(args)
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, check=check, timeout=120)

    def init(self) -> None:
        self.sockets.mkdir()
        pwfile = self.root / "pw"
        pwfile.write_text(self.password + "\n")
        if self.as_postgres:
            import pwd

            pg = pwd.getpwnam("postgres")
            for p in (self.root, self.sockets, pwfile):
                os.chown(p, pg.pw_uid, pg.pw_gid)
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", SUPERUSER, "--pwfile", str(pwfile),
                  "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        pwfile.unlink()
        with open(self.data / "postgresql.conf", "a") as fh:
            fh.write(f"\nlisten_addresses = '127.0.0.1'\nport = {self.port}\nunix_socket_directories = '{self.sockets}'\n"
                     "fsync = off\nmax_connections = 200\nshared_buffers = 32MB\n")

    def start(self) -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"), "-w", "-t", "60", "start")

    def stop(self) -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)

    def running(self) -> bool:
        return self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "status", check=False).returncode == 0

    def dsn(self, user: str, password: str, db: str) -> str:
        return f"postgresql://{user}:{password}@127.0.0.1:{self.port}/{db}"

    def admin_dsn(self, db: str = "postgres") -> str:
        return self.dsn(SUPERUSER, self.password, db)

    def create_database(self, prefix: str = "hq") -> str:
        import psycopg

        name = f"{prefix}_{secrets.token_hex(4)}"
        with psycopg.connect(self.admin_dsn(), autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{name}"')
        return name

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def start_server() -> Iterator[PgServer]:
    server = PgServer()
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.cleanup()


def wait_until(predicate, timeout: float = 30.0, step: float = 0.05) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())


# --- counters ---------------------------------------------------------------------------------

DAY = "2025-07-01"


def open_counter(path: Path, store: str, counter: str):  # type: ignore[no-untyped-def]
    """A counter database with its store code and counter id set (as `setup` would)."""
    from returns_desk.services.desk import Desk

    desk = Desk.open(path)
    desk.update_settings({"store_code": store, "counter": counter}, actor="test")
    return desk


def record_mix(desk, n: int, *, tag: int = 0, day: str = DAY, void_every: int = 0) -> list[str]:  # type: ignore[no-untyped-def]
    """``n`` returns of several recalls, remedies and conditions on ``day``; every
    ``void_every``-th is voided. Returns the tickets."""
    import datetime as dt

    from returns_desk.domain.returns import ReturnDraft
    from returns_desk.services.returns_service import ReturnsService

    svc = ReturnsService(desk)
    base = dt.datetime.fromisoformat(day + "T09:00:00+08:00")
    tickets = []
    for i in range(n):
        at = base + dt.timedelta(seconds=20 * i)
        serial = f"AKFF1Y0E{tag % 1000:03d}{i:05d}"
        kind = i % 4
        if kind == 0:
            d = ReturnDraft(model_input="A1257", remedy="refund", clerk="Li Na", amount="149.00", serial=serial, at=at,
                            isolation_confirmed=True)
        elif kind == 1:
            d = ReturnDraft(model_input="PAC20-272", batch="C14-P6", remedy="replacement", clerk="Wang Wei", at=at,
                            isolation_confirmed=True)
        elif kind == 2:
            d = ReturnDraft(model_input="A1652", remedy="voucher", clerk="Zhang Min", amount="199.00", serial=serial, at=at,
                            notes='说 "hot"\ttab', isolation_confirmed=True)
        else:
            d = ReturnDraft(model_input="A1647", remedy="refund", clerk="Li Na", amount="229.00", serial=serial, condition="swollen", at=at,
                            isolation_confirmed=True)
        t = svc.record(d)["ticket"]
        tickets.append(t)
        if void_every and i % void_every == void_every - 1:
            svc.void(t, reason="entered twice", by="Manager Zhao")
    return tickets


def hq_rows(admin_dsn: str, query: str, params: tuple = ()) -> list[tuple]:
    import psycopg

    with psycopg.connect(admin_dsn, autocommit=True) as con:
        return [tuple(r) for r in con.execute(query, params)]
