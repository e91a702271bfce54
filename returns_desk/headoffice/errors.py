"""Head-office problems as messages for people (keys in domain.messages), never tracebacks."""

from __future__ import annotations

from returns_desk.domain.errors import ReturnsDeskError


class HeadOfficeError(ReturnsDeskError):
    """Head office cannot be reached or refused the request (exit 1 on the command line)."""

    exit_code = 1


def one_line(text: object, *secrets: str | None) -> str:
    """An error text on one line with any secret (a password) blanked out."""
    out = " ".join(str(text).split())[:300]
    for secret in secrets:
        if secret:
            out = out.replace(secret, "***")
    return out
