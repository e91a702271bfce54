"""Where a counter's private signing key lives: never in the database.

The OS keyring (through ``keyring``: Windows Credential Manager, macOS Keychain, the Secret
Service of a Linux desktop) where a real one is at hand; otherwise a file readable only by its
owner in the user's configuration folder (:func:`returns_desk.paths.keys_dir`). A key kept in
the keyring leaves a marker file (no secret in it) in that folder, so loading a key never has to
ask the keyring blindly.

``RETURNS_DESK_KEYSTORE`` = ``file`` or ``keyring`` chooses; unset, the keyring is used when a
real backend exists and ``RETURNS_DESK_HOME`` is not set (tests keep keys in their own folder)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from returns_desk import paths

SERVICE = "returns-desk"
_KEY_ID = re.compile(r"^[0-9a-f]{16}$")


def real_keyring() -> Any | None:
    """The OS keyring backend, or None when there is only keyring's "fail" or "null" stand-in."""
    try:
        import keyring
        from keyring.backends import chainer, fail, null
    except ImportError:
        return None
    try:
        kr = keyring.get_keyring()
    except Exception:  # a broken backend configuration: no keyring  # noqa: BLE001
        return None
    if isinstance(kr, (fail.Keyring, null.Keyring)):
        return None
    if isinstance(kr, chainer.ChainerBackend) and not kr.backends:
        return None
    return kr


def _wants_keyring() -> bool:
    choice = os.environ.get("RETURNS_DESK_KEYSTORE", "").strip().lower()
    if choice in ("file", "keyring"):
        return choice == "keyring"
    return not os.environ.get("RETURNS_DESK_HOME")


class KeyStore:
    def __init__(self, folder: Path | None = None, *, keyring_backend: Any | None = None, use_keyring: bool | None = None) -> None:
        self.folder = folder or paths.keys_dir()
        self._backend = keyring_backend
        self._use_keyring = _wants_keyring() if use_keyring is None else use_keyring

    def _check(self, key_id: str) -> None:
        if not _KEY_ID.match(key_id):
            raise ValueError(f"not a key id: {key_id!r}")

    def file_of(self, key_id: str) -> Path:
        self._check(key_id)
        return self.folder / f"{key_id}.key"

    def _marker(self, key_id: str) -> Path:
        return self.folder / f"{key_id}.in-keyring"

    def _keyring(self) -> Any | None:
        if self._backend is None and self._use_keyring:
            self._backend = real_keyring()
        return self._backend

    def load(self, key_id: str) -> str | None:
        """The private key (hex) of ``key_id``, or None when this computer does not hold it."""
        path = self.file_of(key_id)
        try:
            if os.name == "posix" and path.stat().st_mode & 0o077:
                os.chmod(path, 0o600)  # copied in with looser rights: its owner's alone again
            text = path.read_text(encoding="ascii").strip()
            return text or None
        except FileNotFoundError:
            pass
        except (OSError, UnicodeDecodeError):
            return None
        if self._marker(key_id).exists() or self._use_keyring:
            backend = self._backend or real_keyring()
            if backend is not None:
                try:
                    return backend.get_password(SERVICE, f"signing-key:{key_id}")
                except Exception:  # a locked or unreachable keyring holds nothing for us  # noqa: BLE001
                    return None
        return None

    def save(self, key_id: str, private_hex: str) -> str:
        """Keep a new private key; returns where ("keyring" or the file's path)."""
        self._check(key_id)
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        backend = self._keyring()
        if backend is not None:
            try:
                backend.set_password(SERVICE, f"signing-key:{key_id}", private_hex)
                self._marker(key_id).write_text("in the OS keyring\n", encoding="ascii")
                return "keyring"
            except Exception:  # the keyring refused: keep it in the owner-only file instead  # noqa: BLE001
                pass
        path = self.file_of(key_id)
        part = path.with_name(path.name + ".part")
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, (private_hex + "\n").encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.chmod(part, 0o600)
        os.replace(part, path)
        return str(path)

    def where(self, key_id: str) -> str | None:
        if self.file_of(key_id).exists():
            return str(self.file_of(key_id))
        if self._marker(key_id).exists():
            return "keyring"
        return None
