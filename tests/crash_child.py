"""Child processes for the crash and two-writer tests (tests/test_reliability_*.py).

``python -m tests.crash_child zygote``
    Imports Returns Desk once, then for each ``run DB SEED`` line on stdin forks a worker that
    opens DB, prints ``READY``, and records returns through ``ReturnsService.record`` forever,
    printing ``T ticket uuid amount_minor`` after each call returns (after the commit). The
    zygote prints ``CHILD pid`` before and ``DIED pid status`` after the worker ends, so every
    line the worker printed comes before its DIED line. Forking a ready process keeps 200 kills
    quick; the zygote itself never opens a database.

``python -m tests.crash_child writer DB N NAME``
    Waits for ``GO`` on stdin, opens DB, records N returns, printing ``T ticket uuid`` for each;
    any exception is printed as ``ERROR ...`` and the exit code is 3.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys

from returns_desk.domain.returns import ReturnDraft
from returns_desk.services.desk import Desk
from returns_desk.services.returns_service import ReturnsService

DAY = dt.datetime(2025, 7, 1, 3, 0, tzinfo=dt.timezone.utc)  # one business day: tickets count up
MODELS = ("A1642", "A1647", "A1652", "A1681", "A1689", "A1257")


def say(line: str) -> None:
    os.write(1, (line + "\n").encode())  # unbuffered: once written, a SIGKILL cannot lose it


def draft(rng: random.Random, n: int, tag: str) -> tuple[ReturnDraft, int]:
    remedy = rng.choice(("refund", "voucher", "replacement"))
    amount = 0 if remedy == "replacement" else rng.randint(1, 14900)
    return ReturnDraft(isolation_confirmed=True, 
        model_input=rng.choice(MODELS), remedy=remedy, clerk=f"clerk {tag}", amount=f"{amount / 100:.2f}",
        serial=f"{tag}{n:010d}"[-16:].rjust(16, "0"), notes=f"run {tag} entry {n} " + "x" * rng.randint(0, 200),
        receipt=f"R-{tag}-{n}", condition=rng.choice(("intact", "swollen", "damaged")), at=DAY,
    ), amount


def worker(db: str, seed: int) -> None:
    rng = random.Random(seed)
    tag = f"{os.getpid():06d}"
    desk = Desk.open(db)
    service = ReturnsService(desk)
    say("READY")
    n = 0
    while True:
        d, amount = draft(rng, n, tag)
        entry = service.record(d)
        say(f"T {entry['ticket']} {entry['uuid']} {entry['amount_minor']}")
        n += 1


def zygote() -> None:
    say("ZYGOTE")
    for line in sys.stdin:
        parts = line.split()
        if not parts or parts[0] != "run":
            break
        db, seed = parts[1], int(parts[2])
        pid = os.fork()
        if pid == 0:
            try:
                worker(db, seed)
            finally:
                os._exit(0)
        say(f"CHILD {pid}")
        _, status = os.waitpid(pid, 0)
        say(f"DIED {pid} {status}")


def writer(db: str, n: int, name: str) -> int:
    sys.stdin.readline()  # GO: both writers start together
    try:
        desk = Desk.open(db)
        service = ReturnsService(desk)
        rng = random.Random(name)
        for i in range(n):
            d, _ = draft(rng, i, name)
            entry = service.record(d)
            say(f"T {entry['ticket']} {entry['uuid']}")
        desk.close()
    except Exception as exc:  # noqa: BLE001 - reported to the test, which fails on it
        say(f"ERROR {type(exc).__name__}: {exc}")
        return 3
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "zygote":
        zygote()
    elif sys.argv[1] == "writer":
        sys.exit(writer(sys.argv[2], int(sys.argv[3]), sys.argv[4]))
