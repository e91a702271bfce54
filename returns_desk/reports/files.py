"""Writing a file all at once: to a temporary file beside the target, then renamed into place,
so a failed export never leaves half a file (and never destroys an older complete one)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from returns_desk.domain.errors import ReturnsDeskError


class WriteError(ReturnsDeskError):
    """The output file cannot be written (exit 1 on the command line)."""

    exit_code = 1


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yields a temporary path beside ``target`` (same suffix) to write; renames it over the
    target when the block succeeds, removes it when the block fails. OSError -> WriteError."""
    final = Path(target)
    tmp = final.with_name(f".{final.stem}.{os.getpid()}.tmp{final.suffix}")
    try:
        yield tmp
        os.replace(tmp, final)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise WriteError("write_failed", path=str(final), detail=exc.strerror or str(exc)) from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
