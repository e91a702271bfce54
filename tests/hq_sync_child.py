"""A counter's sync in a process of its own, for the SIGKILL test: opens the database, says
'ready', pushes in small batches (python tests/hq_sync_child.py DB DSN BATCH_SIZE)."""

from __future__ import annotations

import sys


def main() -> int:
    from returns_desk.services import sync_service
    from returns_desk.services.desk import Desk

    db, dsn, batch = sys.argv[1], sys.argv[2], int(sys.argv[3])
    desk = Desk.open(db)
    print("ready", flush=True)
    res = sync_service.sync(desk, dsn, batch_size=batch)
    print("done", res.acked_seq, flush=True)
    desk.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
