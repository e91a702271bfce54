"""A generated database for the fuzz test of issue 16: returns recorded one by one through
``ReturnsService.record`` (each with its signed audit event), some voided, some confirmed by the
manufacturer, a few days closed with a Z. Used by tests/test_tamper_fuzz.py; also runnable:

    .venv/bin/python -m tests.tamper_fuzz_support OUT.db [--returns 10000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

from returns_desk.domain.auth import Actor
from returns_desk.domain.returns import ReturnDraft
from returns_desk.reports.service import DailyReportService
from returns_desk.services.desk import Desk
from returns_desk.services.people_service import PeopleService
from returns_desk.services.returns_service import ReturnsService

MODELS = ("A1642", "A1647", "A1652", "A1681", "A1689", "A1257")
MANAGER = Actor("Chen Jing", "manager")
START = dt.datetime(2025, 7, 1, 1, 0, tzinfo=dt.timezone.utc)  # 09:00 in Shanghai


def generate(path: Path, returns: int = 10_000, *, seed: int = 16) -> None:
    rng = random.Random(seed)
    with Desk.open(path) as desk:
        # nothing is lost by a crash of a file being made for a test: skip the fsync per commit
        desk.conn.db.conn.execute("PRAGMA synchronous = OFF")
        people = PeopleService(desk)
        people.setup(store="Fuzz", counter="C1", market="CN", manager=MANAGER.name, pin="482913")
        clerks = [Actor(f"Clerk {i}", "clerk") for i in range(4)]
        for c in clerks:
            people.add_clerk(MANAGER, c.name, "clerk", "1357")
        svc = ReturnsService(desk)
        reports = DailyReportService(desk)
        per_day = max(1, returns // 10)
        tickets: list[str] = []
        for n in range(returns):
            day, i = divmod(n, per_day)
            if i == 0 and day > 0 and day % 3 == 0:
                reports.close_day(dt.date(2025, 7, day), manager=MANAGER)  # the day before
            remedy = rng.choice(("refund", "refund", "voucher", "replacement"))
            amount = 0 if remedy == "replacement" else rng.randint(100, 14900)
            draft = ReturnDraft(
                isolation_confirmed=True,
                model_input=rng.choice(MODELS), remedy=remedy, clerk="x", amount=f"{amount / 100:.2f}",
                serial=f"FZ{n:014d}", receipt=f"R{n}" if rng.random() < 0.7 else None,
                condition=rng.choice(("intact",) * 8 + ("swollen", "damaged")),
                notes=rng.choice((None, "box missing", "客户说充电时发热")),
                at=START + dt.timedelta(days=day, seconds=i * 20),
            )
            entry = svc.record(draft, actor=rng.choice(clerks))
            tickets.append(entry["ticket"])
            if entry["confirmation"] == "pending" and rng.random() < 0.05:
                svc.set_confirmation(entry["ticket"], rng.choice(("confirmed", "rejected")), by=MANAGER)
        for ticket in rng.sample(tickets, max(1, returns // 100)):
            row = desk.conn.read("SELECT status FROM returns WHERE ticket = ?", (ticket,))[0]
            if row["status"] == "active":
                svc.void(ticket, reason="keyed twice", by=MANAGER)
        desk.conn.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("out", type=Path)
    p.add_argument("--returns", type=int, default=10_000)
    args = p.parse_args(argv)
    t = time.perf_counter()
    generate(args.out, args.returns)
    print(f"{args.returns} returns in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
