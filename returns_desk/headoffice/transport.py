"""The offline transport file (``sync export`` at a counter, ``hq import`` at head office).

One header line ``RETURNS-DESK-SYNC 1 bytes=N sha256=HEX`` and then N bytes of JSON: the store
code and device the batches came from, and the batches exactly as ``sync`` would push them. A file
cut short, changed or not ours is refused whole before anything is sent. Written beside the
target and renamed, so a failed export never leaves half a file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

from returns_desk.domain.errors import InputError

MAGIC = "RETURNS-DESK-SYNC"
VERSION = 1
HEADER = re.compile(rb"^RETURNS-DESK-SYNC (\d+) bytes=(\d+) sha256=([0-9a-f]{64})\n")


def write(path: Path, content: dict[str, Any]) -> Path:
    body = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    header = f"{MAGIC} {VERSION} bytes={len(body)} sha256={hashlib.sha256(body).hexdigest()}\n".encode("ascii")
    if not path.parent.exists():
        raise InputError("db_missing_folder", field="out", folder=str(path.parent))
    part = path.with_name(path.name + ".part")
    try:
        with open(part, "wb") as fh:
            fh.write(header + body)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)
    return path


def read(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError("sync_file_invalid", field="file", path=str(path), detail=exc.strerror or str(exc)) from None
    m = HEADER.match(raw[:200])
    if not m:
        raise InputError("sync_file_invalid", field="file", path=str(path), detail="not a Returns Desk sync file")
    if int(m.group(1)) > VERSION:
        raise InputError("sync_file_invalid", field="file", path=str(path), detail=f"format {m.group(1).decode()} is newer than this version")
    body = raw[m.end():]
    if len(body) != int(m.group(2)):
        raise InputError("sync_file_invalid", field="file", path=str(path), detail="the file is cut short or has extra bytes")
    if hashlib.sha256(body).hexdigest() != m.group(3).decode():
        raise InputError("sync_file_invalid", field="file", path=str(path), detail="the checksum does not match: the file was changed or damaged")
    try:
        content = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError("sync_file_invalid", field="file", path=str(path), detail=str(exc)[:200]) from None
    if not isinstance(content, dict) or not isinstance(content.get("batches"), list) or not content.get("store"):
        raise InputError("sync_file_invalid", field="file", path=str(path), detail="no batches in the file")
    return content
