"""What the window needs before its first frame, read with plain ``sqlite3`` in a millisecond:
the store's settings (language, store name) and its clerks (the sign-in list). Nothing is
written, no migration runs, no catalogue is parsed: the full open (``services.desk.Desk.open``)
follows behind the first frame and does all of that.

``read_store_facts`` answers None for anything unusual (no file, not a set-up store, another
kind of file, damage, a locked or unreadable file): the caller then takes the full path at once,
which says what is wrong.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import NamedTuple


class StoreFacts(NamedTuple):
    path: str
    settings: dict[str, str]
    clerks: list[dict[str, object]]  # name, role, active; by name
    writable: bool = True

    @property
    def set_up(self) -> bool:
        return bool(self.clerks)


def read_store_facts(path: str | os.PathLike[str]) -> StoreFacts | None:
    """The settings and clerks of the database at ``path``, read only; None when the file is
    missing, new, or cannot be read as it is (the full open then says why)."""
    p = Path(path)
    try:
        if not p.is_file() or p.stat().st_size == 0:
            return None
        con = sqlite3.connect(f"{p.resolve().as_uri()}?mode=ro", uri=True, timeout=0.5)
    except (OSError, sqlite3.Error, ValueError):
        return None
    try:
        settings = {str(k): str(v) for k, v in con.execute("SELECT key, value FROM settings")}
        clerks: list[dict[str, object]] = [
            {"name": name, "role": role, "active": active}
            for name, role, active in con.execute("SELECT name, role, active FROM clerks ORDER BY name")
        ]
    except sqlite3.Error:
        return None
    finally:
        con.close()
    writable = os.access(p, os.W_OK) and os.access(p.parent, os.W_OK)
    return StoreFacts(str(p), settings, clerks, writable)
