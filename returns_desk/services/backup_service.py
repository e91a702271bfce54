"""Backups with SQLite's online backup API: consistent while other counters keep writing."""

from __future__ import annotations

from pathlib import Path

from returns_desk.domain.errors import InputError
from returns_desk.services.clock import utc_now, utc_text
from returns_desk.services.desk import Desk
from returns_desk.storage import repository as repo

KEEP = 30
PREFIX = "returns-desk-"


def backups_dir(db_path: str) -> Path:
    return Path(db_path).resolve().parent / "backups"


def backup(desk: Desk, out: Path | None = None, *, actor: str = "system") -> Path:
    """Write a backup to ``out`` or to ``backups/returns-desk-YYYYMMDD-HHMMSS.db`` beside the
    database, keeping the newest 30 automatic ones."""
    now = utc_now()
    if out is None:
        folder = backups_dir(desk.conn.path)
        folder.mkdir(exist_ok=True)
        out = folder / f"{PREFIX}{now.strftime('%Y%m%d-%H%M%S-%f')}.db"
    elif out.exists():
        raise InputError("backup_target_exists", field="out", path=str(out))
    elif not out.parent.exists():
        raise InputError("db_missing_folder", field="out", folder=str(out.parent))
    desk.conn.backup_to(out)
    with desk.conn.write() as db:
        repo.audit(db, at=utc_text(now), actor=actor, action="backup", entity="file", entity_id=str(out))
    _prune(backups_dir(desk.conn.path))
    return out


def _prune(folder: Path) -> None:
    if not folder.is_dir():
        return
    automatic = sorted(folder.glob(f"{PREFIX}*.db"))
    for old in automatic[:-KEEP]:
        old.unlink(missing_ok=True)
