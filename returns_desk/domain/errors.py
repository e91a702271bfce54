"""Errors that carry a message key (see domain.messages), so each layer can speak the user's language."""

from __future__ import annotations

from returns_desk.domain.messages import say


class ReturnsDeskError(Exception):
    """Base: a problem with a message for the person at the counter, never a traceback."""

    exit_code = 1

    def __init__(self, key: str, /, field: str | None = None, **args: object) -> None:
        self.key = key
        self.field = field
        self.args_ = {"field": field, **args} if field else args
        super().__init__(say(key, "en", **self.args_))

    def message(self, lang: str = "en") -> str:
        return say(self.key, lang, **self.args_)


class InputError(ReturnsDeskError):
    """What was typed or passed cannot be used as it is (exit 2 on the command line)."""

    exit_code = 2


class RefusedError(ReturnsDeskError):
    """A valid request the rules do not allow without more (an override, an identifier)."""

    exit_code = 2
