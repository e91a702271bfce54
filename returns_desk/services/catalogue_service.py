"""Loading the recall catalogue: the seed shipped in ``db/``, and updated lists a manager imports."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from returns_desk.domain.catalogue import Catalogue, CatalogueError, parse_catalogue
from returns_desk.domain.errors import InputError, ReturnsDeskError
from returns_desk.storage.database import Connection, StorageError


def _repo() -> ModuleType:
    """The repository, imported when first used: the command-line lookup reads the stored
    catalogue through :func:`stored_row` without it (its import costs more than the lookup)."""
    from returns_desk.storage import repository

    return repository


class SeedMissing(ReturnsDeskError):
    exit_code = 1


def _sha(text: str) -> str:
    from hashlib import sha256  # not for a command-line lookup (see stored_if_current)

    return sha256(text.encode("utf-8")).hexdigest()


def _read(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError("import_unreadable", path=str(path), detail=exc.strerror or str(exc)) from None
    if len(raw) > 50_000_000:
        raise InputError("import_unreadable", path=str(path), detail="file larger than 50 MB")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError("import_invalid", path=str(path), error=f"not UTF-8 text (byte {exc.start})") from None


def sync_seed(conn: Connection, seed: Path, *, actor: str = "system") -> Catalogue:
    """Make sure the database holds a catalogue, re-seeding when the shipped seed changed.

    Rules: no catalogue yet -> load the seed. Active catalogue came from a seed of another
    version -> load the seed. Active catalogue was imported -> keep it unless the seed is newer.
    The returns log is never touched. A read-only file keeps its catalogue."""
    active = _repo().active_catalogue(conn)
    try:
        text = seed.read_text(encoding="utf-8-sig")
    except OSError:
        if active is not None:
            return _stored(conn, active)
        raise SeedMissing("seed_missing", path=str(seed)) from None
    if active is not None and active["sha256"] == _sha(text):
        return _stored(conn, active)
    try:
        seed_cat = parse_catalogue(text, track_lines=False)
    except CatalogueError as exc:
        if active is not None:
            return _stored(conn, active)
        raise SeedMissing("import_invalid", path=str(seed), error=str(exc)) from None
    if active is not None:
        imported_is_newer = active["source"] == "import" and seed_cat.version <= active["version"]
        same_seed_version = active["source"] == "seed" and seed_cat.version == active["version"]
        if imported_is_newer or same_seed_version or conn.readonly:
            return _stored(conn, active)
    if conn.readonly:
        raise StorageError("db_readonly", path=conn.path, detail="the file holds no recall list yet")
    if not _activate(conn, seed_cat, text, source="seed", actor=actor, previous=active["version"] if active else None, expect=active):
        return sync_seed(conn, seed, actor=actor)  # another counter loaded a catalogue meanwhile
    return seed_cat


def stored_if_current(conn: Connection, active: dict | None, seed: Path) -> Catalogue | None:
    """The stored active catalogue when :func:`sync_seed` would keep it without a second look:
    it is the seed shipped now (the same text), or the seed cannot be read. None when
    ``sync_seed`` has something to decide (no catalogue yet, another seed, an imported list)."""
    if active is None:
        return None
    try:
        # as "utf-8-sig" reads it (one leading BOM dropped) without loading that codec
        text = seed.read_text(encoding="utf-8").removeprefix("\ufeff")
    except OSError:
        return _stored(conn, active)
    if text != active["document"]:
        return None
    # the stored list is the shipped seed, byte for byte: what is read is what was shipped, so no
    # checksum is worked out here (the full open, Desk.open, still checks the stored one, and
    # says so when that checksum itself is damaged)
    try:
        return parse_catalogue(text, track_lines=False)
    except CatalogueError as exc:
        raise StorageError("db_damaged", path=conn.path, detail=f"the stored recall list: {exc}") from None


def stored(conn: Connection) -> Catalogue:
    """The active catalogue as stored (there must be one)."""
    active = _repo().active_catalogue(conn)
    assert active is not None
    return _stored(conn, active)


def _stored(conn: Connection, active: dict) -> Catalogue:
    """The active catalogue as stored; a document that no longer matches its checksum or does
    not parse is damage in the file, reported as such (never a traceback)."""
    document = active["document"]
    if _sha(document) != active["sha256"]:
        raise StorageError("db_damaged", path=conn.path, detail="the stored recall list does not match its checksum")
    try:
        return parse_catalogue(document, track_lines=False)
    except CatalogueError as exc:
        raise StorageError("db_damaged", path=conn.path, detail=f"the stored recall list: {exc}") from None


def _activate(conn: Connection, cat: Catalogue, text: str, *, source: str, actor: str, previous: str | None,
              expect: dict | None | bool = False) -> bool:
    """Make ``cat`` the active catalogue. With ``expect`` (the active row read before, or None),
    only if that is still the active one under the write lock; returns whether it was loaded."""
    from returns_desk.services.clock import utc_now_text

    now = utc_now_text()
    with conn.write() as db:
        if expect is not False:
            current = _repo().active_catalogue(conn)
            if (current["id"] if current else None) != (expect["id"] if isinstance(expect, dict) else None):
                return False
        _repo().activate_catalogue(db, version=cat.version, source=source, loaded_at=now, sha256=_sha(text), document=text)
        _repo().audit(
            db,
            at=now,
            actor=actor,
            action="catalogue_seeded" if source == "seed" else "catalogue_imported",
            entity="catalogue",
            entity_id=cat.version,
            details={"previous": previous, "recalls": len(cat.recalls), "models": len(cat.models)},
        )
    return True


def import_catalogue(conn: Connection, path: Path, *, actor: str) -> tuple[Catalogue, str | None]:
    """Validate the whole file, then make it the active catalogue in one transaction.
    A bad file raises InputError naming line and field; the database is unchanged."""
    text = _read(path)
    try:
        cat = parse_catalogue(text)
    except CatalogueError as exc:
        raise InputError("import_invalid", path=str(path), error=str(exc)) from None
    active = _repo().active_catalogue(conn)
    _activate(conn, cat, text, source="import", actor=actor, previous=active["version"] if active else None)
    return cat, active["version"] if active else None


def read_file(path: Path) -> str:
    """A catalogue file's text (UTF-8, a BOM allowed, at most 50 MB) or InputError."""
    return _read(path)


def validate_text(text: str, origin: str) -> Catalogue:
    """The whole document checked as ``recalls import`` checks a file (InputError naming line and field)."""
    try:
        return parse_catalogue(text)
    except CatalogueError as exc:
        raise InputError("import_invalid", path=origin, error=str(exc)) from None


def take_published(conn: Connection, text: str, sha256: str, *, origin: str) -> Catalogue | None:
    """A catalogue head office published: checked against its checksum and validated like an
    imported file, then made active (audited as imported by head office). None when it is not
    newer than the active one (nothing changes)."""
    if _sha(text) != sha256:
        raise InputError("import_invalid", path=origin, error="the document does not match its checksum")
    cat = validate_text(text, origin)
    active = _repo().active_catalogue(conn)
    if active is not None and cat.version <= active["version"]:
        return None
    if not _activate(conn, cat, text, source="import", actor="head office", previous=active["version"] if active else None, expect=active):
        return None  # another counter on this file changed the catalogue meanwhile: the next sync looks again
    return cat


def current(conn: Connection) -> Catalogue:
    """The active catalogue as stored (after another connection changed it)."""
    active = _repo().active_catalogue(conn)
    if active is None:
        raise StorageError("db_damaged", path=conn.path, detail="no active recall list")
    return _stored(conn, active)


def active_info(conn: Connection) -> dict:
    row = _repo().active_catalogue(conn)
    assert row is not None
    return {k: row[k] for k in ("version", "source", "loaded_at")}
