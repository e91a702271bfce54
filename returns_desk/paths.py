"""Where things live: the user's database, and the files shipped with the program.

No Qt here: the command line and the tests use it without a QApplication.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_DIR_NAME = "returns-desk"
DB_FILE_NAME = "returns-desk.db"


def data_dir() -> Path:
    """``$RETURNS_DESK_HOME`` if set, else the platform's user data folder
    (``~/.local/share/returns-desk`` on Linux, ``%LOCALAPPDATA%\\returns-desk`` on Windows)."""
    home = os.environ.get("RETURNS_DESK_HOME")
    if home:
        return Path(home)
    import platformdirs  # only here: a command given --db never needs it

    return Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False))


def default_db_path() -> Path:
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return folder / DB_FILE_NAME


def keys_dir() -> Path:
    """Where a counter's private signing key is kept when no OS keyring is at hand: beside the
    user's configuration (``~/.config/returns-desk/keys`` on Linux), never beside the database
    (a backup or a copy of the data folder must not carry it). ``$RETURNS_DESK_HOME/keys`` when
    that is set (the tests)."""
    home = os.environ.get("RETURNS_DESK_HOME")
    if home:
        return Path(home) / "keys"
    import platformdirs

    config = Path(platformdirs.user_config_dir(APP_DIR_NAME, appauthor=False))
    if config == Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False)):
        # Windows and macOS keep configuration and data in one folder: a sibling folder then
        return config.with_name(f"{APP_DIR_NAME}-keys")
    return config / "keys"


def install_root() -> Path:
    """The folder holding ``db/`` and ``resources/``: the PyInstaller bundle when frozen,
    else the project checkout this package was installed from (editable install)."""
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
    return Path(__file__).resolve().parent.parent


def seed_path() -> Path:
    override = os.environ.get("RETURNS_DESK_SEED")
    return Path(override) if override else install_root() / "db" / "catalogue.json"


def resource_path(*parts: str) -> Path:
    return install_root().joinpath("resources", *parts)
