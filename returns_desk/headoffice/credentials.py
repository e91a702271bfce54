"""Where a counter keeps its head-office connection string (credentials included): the OS keyring
(``keyring``) where one is available, else ``hq-credentials.json`` readable by its owner only,
in the user's config folder (``$RETURNS_DESK_CONFIG``, or ``$RETURNS_DESK_HOME`` when set).
Never in the database and never printed. Entries are keyed by the database file's full path, so
each counter database on a machine has its own."""

from __future__ import annotations

import json
import os
from typing import Any
import stat
from pathlib import Path

import platformdirs

from returns_desk import paths

SERVICE = "returns-desk"


def config_dir() -> Path:
    for var in ("RETURNS_DESK_CONFIG", "RETURNS_DESK_HOME"):
        if os.environ.get(var):
            return Path(os.environ[var])
    return Path(platformdirs.user_config_dir(paths.APP_DIR_NAME, appauthor=False))


def credentials_file() -> Path:
    return config_dir() / "hq-credentials.json"


#: What a counter may keep: the store's log-in (sync) and a store manager's read-only log-in
#: (the Reports page's "whole store (head office)").
KINDS = {"store": "hq-dsn:", "reader": "hq-read-dsn:"}


def _key(db_path: str | os.PathLike[str], kind: str = "store") -> str:
    return KINDS[kind] + str(Path(db_path).resolve())


def _keyring() -> Any:
    """The keyring module when a real backend is there (not the 'fail' one), else None.
    ``RETURNS_DESK_KEYRING=0`` turns it off (the tests: never touch a developer's keyring)."""
    if os.environ.get("RETURNS_DESK_KEYRING", "1") == "0":
        return None
    try:
        import keyring
        from keyring.backends import fail
    except Exception:  # noqa: BLE001 - a broken keyring installation: use the file
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:  # noqa: BLE001
        return None
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
        return None
    return keyring


def _read_file() -> dict[str, str]:
    f = credentials_file()
    try:
        data = json.loads(f.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _write_file(data: dict[str, str]) -> None:
    f = credentials_file()
    f.parent.mkdir(parents=True, exist_ok=True)
    part = f.with_name(f.name + ".part")
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=1, sort_keys=True)
    os.chmod(part, stat.S_IRUSR | stat.S_IWUSR)
    os.replace(part, f)


def save(db_path: str | os.PathLike[str], dsn: str, kind: str = "store") -> str:
    """Keep ``dsn`` for this database; returns where ('keyring' or the file's path)."""
    kr = _keyring()
    if kr is not None:
        try:
            kr.set_password(SERVICE, _key(db_path, kind), dsn)
            data = _read_file()
            if data.pop(_key(db_path, kind), None) is not None:
                _write_file(data)
            return "keyring"
        except Exception:  # noqa: BLE001, S110 - a locked or absent keyring daemon: the file
            pass
    data = _read_file()
    data[_key(db_path, kind)] = dsn
    _write_file(data)
    return str(credentials_file())


def load(db_path: str | os.PathLike[str], kind: str = "store") -> str | None:
    kr = _keyring()
    if kr is not None:
        try:
            found = kr.get_password(SERVICE, _key(db_path, kind))
            if found:
                return str(found)
        except Exception:  # noqa: BLE001, S110 - nothing usable there: the file
            pass
    return _read_file().get(_key(db_path, kind))


def forget(db_path: str | os.PathLike[str], kind: str = "store") -> None:
    kr = _keyring()
    if kr is not None:
        try:
            kr.delete_password(SERVICE, _key(db_path, kind))
        except Exception:  # noqa: BLE001, S110 - nothing stored there
            pass
    data = _read_file()
    if data.pop(_key(db_path, kind), None) is not None:
        _write_file(data)
