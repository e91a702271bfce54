"""People and what they may do: PIN hashing (scrypt, per-user salt, constant-time compare),
roles and permissions. Pure: no Qt, no SQL."""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass

from returns_desk.domain.errors import InputError, RefusedError

ROLES = ("clerk", "manager")
#: What only a manager may do. A clerk may look up and record.
MANAGER_PERMISSIONS = frozenset(
    {"void", "override", "confirm", "close_day", "export", "import_catalogue", "manage_clerks", "settings", "restore", "custody",
     "signing_key"}
)
MAX_FAILED = 5
LOCK_MINUTES = 5
#: scrypt cost: n=2**14, r=8, p=1 (about 16 MB and a few tens of ms per check).
SCRYPT = {"n": 2**14, "r": 8, "p": 1}
PIN_MIN, PIN_MAX = 4, 12


@dataclass(frozen=True)
class Actor:
    """Who is acting. ``cli`` is the command line, which acts with the rights of whoever can open
    the database file (there is no PIN to type into a script)."""

    name: str
    role: str  # clerk | manager | cli

    def may(self, permission: str) -> bool:
        return self.role in ("manager", "cli") or permission not in MANAGER_PERMISSIONS

    def require(self, permission: str) -> None:
        if not self.may(permission):
            raise RefusedError("manager_required", who=self.name)


def normalise_pin(pin: str) -> str:
    """Full-width digits from a Chinese input method count as digits."""
    return unicodedata.normalize("NFKC", pin or "").strip()


def check_pin_rules(pin: str) -> str:
    pin = normalise_pin(pin)
    if not (pin.isascii() and pin.isdigit() and PIN_MIN <= len(pin) <= PIN_MAX):
        raise InputError("pin_rules", field="pin", min=PIN_MIN, max=PIN_MAX)
    return pin


def hash_pin(pin: str, salt: bytes | None = None) -> tuple[bytes, bytes, str]:
    """(hash, salt, parameters). The PIN itself is never stored."""
    import hashlib  # OpenSSL's: imported when a PIN is hashed, not with the Actor (the window's first frame)

    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(normalise_pin(pin).encode(), salt=salt, n=SCRYPT["n"], r=SCRYPT["r"], p=SCRYPT["p"], dklen=32)
    return digest, salt, "scrypt:n={n},r={r},p={p}".format(**SCRYPT)


def verify_pin(pin: str, digest: bytes, salt: bytes, params: str) -> bool:
    import hashlib
    import hmac

    try:
        kind, rest = params.split(":", 1)
        values = dict(part.split("=") for part in rest.split(","))
        if kind != "scrypt":
            return False
        candidate = hashlib.scrypt(
            normalise_pin(pin).encode(), salt=salt, n=int(values["n"]), r=int(values["r"]), p=int(values["p"]), dklen=len(digest)
        )
    except (ValueError, KeyError):
        return False
    return hmac.compare_digest(candidate, digest)
