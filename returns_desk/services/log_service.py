"""The returns log as the window pages through it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from returns_desk.services.desk import Desk
from returns_desk.storage import log_queries
from returns_desk.storage.repository import ReturnFilter, count_returns


class LogService:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    def count(self, flt: ReturnFilter) -> int:
        return count_returns(self.desk.conn, flt)

    def count_soon(self, flt: ReturnFilter, on_done: Callable[[int | None], None] | None = None) -> Callable[[], int]:
        """Start :meth:`count` in the background; the returned function gives the count.
        ``on_done`` is called from the counting thread when it ends (see log_queries)."""
        return log_queries.count_in_background(self.desk.conn, flt, on_done)

    def count_at_once(self) -> int | None:
        """The unfiltered count without counting (two index seeks; see
        log_queries.count_upper_bound), or None where there is no second connection to check it
        in the background (an in-memory database): count it then."""
        if self.desk.conn.path == ":memory:":
            return None
        return log_queries.count_upper_bound(self.desk.conn)

    def page(self, flt: ReturnFilter, offset: int, limit: int, *, before_id: int | None = None, total: int | None = None) -> list[dict[str, Any]]:
        """Rows ``offset .. offset+limit`` newest first; with ``before_id`` (the id of the row just
        before ``offset``) the read is a keyset seek instead of an OFFSET scan; with ``total`` (what
        :meth:`count` said for this filter) a jump is a seek or an OFFSET from the nearer end."""
        if before_id is not None:
            return log_queries.page_before_id(self.desk.conn, flt, before_id, limit)
        return log_queries.page_by_offset(self.desk.conn, flt, offset, limit, total=total)

    def history(self, uuid: str) -> list[dict[str, Any]]:
        rows = log_queries.audit_for(self.desk.conn, uuid)
        for r in rows:
            r["details"] = json.loads(r["details"]) if r["details"] else {}
        return rows
