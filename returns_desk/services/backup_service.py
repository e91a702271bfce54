"""Backups with SQLite's online backup API: consistent while other counters keep writing."""

from __future__ import annotations

import os
from pathlib import Path

from returns_desk.domain.auth import Actor
from returns_desk.domain.errors import InputError
from returns_desk.services import signing
from returns_desk.services.clock import utc_now, utc_text, zone
from returns_desk.services.desk import Desk
from returns_desk.storage import repository as repo
from returns_desk.storage.database import check_backup, copy_database, quick_check

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
        local = now.astimezone(zone(desk.settings["time_zone"]))
        out = folder / f"{PREFIX}{local.strftime('%Y%m%d-%H%M%S-%f')}.db"
    elif out.exists():
        raise InputError("backup_target_exists", field="out", path=str(out))
    elif not out.parent.exists():
        raise InputError("db_missing_folder", field="out", folder=str(out.parent))
    part = out.with_name(out.name + ".part")
    try:
        desk.conn.backup_to(part)  # complete, or nothing under the final name
        os.replace(part, out)
    finally:
        part.unlink(missing_ok=True)
    with desk.conn.write() as db:
        repo.audit(db, at=utc_text(now), actor=actor, action="backup", entity="file", entity_id=str(out))
    _prune(backups_dir(desk.conn.path))
    return out


def daily_backup_if_due(desk: Desk, *, actor: str = "system") -> Path | None:
    """The automatic backup on the first start of each business day (store's local date)."""
    today = utc_now().astimezone(zone(desk.settings["time_zone"])).strftime("%Y%m%d")
    folder = backups_dir(desk.conn.path)
    if folder.is_dir() and any(folder.glob(f"{PREFIX}{today}-*.db")):
        return None
    return backup(desk, actor=actor)


def _prune(folder: Path) -> None:
    if not folder.is_dir():
        return
    automatic = sorted(folder.glob(f"{PREFIX}*.db"))
    for old in automatic[:-KEEP]:
        old.unlink(missing_ok=True)


def restore(desk: Desk, source: Path, *, actor: Actor) -> tuple[Desk, Path]:
    """Replace the database with a backup (manager). The backup is checked first (a SQLite file,
    ``PRAGMA integrity_check`` ok, a Returns Desk schema this version can open); the current file
    is kept aside as ``NAME.before-restore-YYYYMMDD-HHMMSS.db``. Returns the reopened desk."""
    actor.require("restore")
    problem = check_backup(source)
    if problem:
        raise InputError("restore_invalid", path=str(source), detail=problem)
    target = Path(desk.conn.path)
    stamp = utc_now().strftime("%Y%m%d-%H%M%S")
    aside = target.with_name(f"{target.stem}.before-restore-{stamp}{target.suffix}")
    desk.conn.backup_to(aside)  # a consistent copy of the current database, WAL included
    desk.close()
    for suffix in ("-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    copy_database(source, target)
    fresh = Desk.open(target)
    if signing.needs_new_key(fresh.conn):
        # a backup signed on another computer (the old one died): the manager restoring it
        # approves this computer's new key, which verify shows as a key change
        signing.replace_key(fresh.conn, actor, reason=f"restore of {Path(source).name} on this computer")
    with fresh.conn.write() as db:
        # a restored copy is a new device for head office: it never continues the original's chain
        at = utc_text(utc_now())
        old_device, new_device = repo.device_id(db), repo.renew_device_id(db, at=at)
        repo.audit(db, at=at, actor=actor.name, action="restore", entity="file", entity_id=str(source),
                   details={"kept_aside": str(aside), "device_before": old_device, "device_id": new_device})
    return fresh, aside


def newest_good_backup(db_path: str | Path) -> Path | None:
    """The newest automatic or manual backup beside the database that passes ``check_backup``."""
    folder = backups_dir(str(db_path))
    if not folder.is_dir():
        return None
    for candidate in sorted(folder.glob("*.db"), key=lambda p: p.stat().st_mtime, reverse=True):
        if check_backup(candidate) is None:
            return candidate
    return None


def recover(db_path: str | Path, backup_file: Path, *, actor: str = "system") -> tuple[Desk, Path]:
    """Replace a damaged database that cannot be opened with a good backup. The damaged file is
    never overwritten: it is moved aside as ``NAME.damaged-YYYYMMDD-HHMMSS.db`` (with its WAL)."""
    problem = check_backup(backup_file)
    if problem:
        raise InputError("restore_invalid", path=str(backup_file), detail=problem)
    target = Path(db_path)
    stamp = utc_now().strftime("%Y%m%d-%H%M%S")
    aside = target.with_name(f"{target.stem}.damaged-{stamp}{target.suffix}")
    target.rename(aside)
    for suffix in ("-wal", "-shm"):
        side = Path(str(target) + suffix)
        if side.exists():
            side.rename(Path(str(aside) + suffix))
    copy_database(backup_file, target)
    desk = Desk.open(target)
    with desk.conn.write() as db:
        at = utc_text(utc_now())
        old_device, new_device = repo.device_id(db), repo.renew_device_id(db, at=at)
        repo.audit(db, at=at, actor=actor, action="restore", entity="file", entity_id=str(backup_file),
                   details={"reason": "damaged database", "kept_aside": str(aside), "device_before": old_device, "device_id": new_device})
    return desk, aside


def integrity_problem(db_path: str | Path) -> str | None:
    """The start-up integrity check (read-only, its own connection)."""
    return quick_check(db_path)
