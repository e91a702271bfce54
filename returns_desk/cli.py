"""The command line: ``returns-desk [COMMAND] ...`` (the contract is in the README).

Exit codes: 0 done (a verdict of any kind is a normal result); 2 bad arguments or input the
rules refuse, with a message; 1 the database cannot be used, with a one-line message.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from returns_desk import __version__
from returns_desk.domain.catalogue import MARKETS
from returns_desk.domain.errors import ReturnsDeskError
from returns_desk.domain.messages import normalise_lang, say
from returns_desk.domain.returns import CONDITIONS, ReturnDraft
from returns_desk.domain.text import parse_date


def _common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--db", metavar="PATH", default=default, help="database file (default: the user's data folder)")
    parser.add_argument("--lang", choices=("zh_CN", "en"), default=default, help="language of messages and reports")


def _date(text: str):
    try:
        return parse_date(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _market(text: str) -> str:
    value = text.strip().upper()
    if value not in MARKETS:
        raise argparse.ArgumentTypeError(f"market must be one of {', '.join(MARKETS)}")
    return value


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="returns-desk",
        description="Returns counter for the 2025 power-bank recalls. Without a command, opens the window.",
    )
    _common(p, top=True)
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    lk = sub.add_parser("lookup", help="is this model recalled? (verdict, recalls, what is still needed)")
    _common(lk, top=False)
    lk.add_argument("model", metavar="MODEL", help="model number as printed or typed, e.g. A1257, 'Anker A1257', ＰＡＣ２０－２７２")
    lk.add_argument("--serial", metavar="SN")
    lk.add_argument("--batch", metavar="CODE")
    lk.add_argument("--made", metavar="YYYY-MM-DD", type=_date)
    lk.add_argument("--market", type=_market, help="CN (default: the store's), US, CA, AU, JP")
    lk.add_argument("--json", action="store_true", help="print one JSON object")

    rec = sub.add_parser("record", help="record a return; prints the ticket once committed")
    _common(rec, top=False)
    rec.add_argument("--model", required=True)
    rec.add_argument("--remedy", required=True, choices=("refund", "replacement", "voucher"))
    rec.add_argument("--amount", metavar="149.00")
    rec.add_argument("--serial", metavar="SN")
    rec.add_argument("--batch", metavar="CODE")
    rec.add_argument("--made", metavar="DATE", type=_date)
    rec.add_argument("--condition", choices=CONDITIONS, default="intact")
    rec.add_argument("--clerk", metavar="NAME")
    rec.add_argument("--receipt", metavar="NO")
    rec.add_argument("--at", metavar="ISO-TIME")
    rec.add_argument("--override", metavar="REASON")
    rec.add_argument("--replacement-model", metavar="MODEL", help=argparse.SUPPRESS)
    rec.add_argument("--contact", metavar="PHONE/EMAIL", help=argparse.SUPPRESS)
    rec.add_argument("--notes", metavar="TEXT", help=argparse.SUPPRESS)
    rec.add_argument("--json", action="store_true")

    rc = sub.add_parser("recalls", help="the recall catalogue: list it, or import an updated list")
    _common(rc, top=False)
    rc_sub = rc.add_subparsers(dest="recalls_command", metavar="list|import", required=True)
    rl = rc_sub.add_parser("list", help="list the recalls in the active catalogue")
    _common(rl, top=False)
    rl.add_argument("--json", action="store_true")
    ri = rc_sub.add_parser("import", help="validate a catalogue file and make it the active one")
    _common(ri, top=False)
    ri.add_argument("file", metavar="FILE")

    bk = sub.add_parser("backup", help="write a consistent copy of the database")
    _common(bk, top=False)
    bk.add_argument("--out", metavar="FILE")
    return p


def _lang(args: argparse.Namespace) -> str:
    if getattr(args, "lang", None):
        return args.lang
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if os.environ.get(var):
            return normalise_lang(os.environ[var])
    return "en"


def _print_json(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2))


def _open(args: argparse.Namespace):
    from returns_desk.services.desk import Desk

    return Desk.open(args.db)


def cmd_lookup(args: argparse.Namespace, lang: str) -> int:
    from returns_desk.services import lookup_service

    desk = _open(args)
    try:
        result = desk.engine.lookup(
            args.model, market=args.market or desk.settings.market, serial=args.serial, batch=args.batch, made=args.made
        )
    finally:
        desk.close()
    if args.json:
        _print_json(lookup_service.result_json(result, lang))
    else:
        print(lookup_service.result_text(result, lang))
    return 0


def cmd_record(args: argparse.Namespace, lang: str) -> int:
    from returns_desk.services.clock import parse_moment
    from returns_desk.services.returns_service import ReturnsService

    desk = _open(args)
    try:
        at = None
        if args.at:
            try:
                at = parse_moment(args.at, desk.settings["time_zone"])
            except ValueError:
                raise _usage(say("time_invalid", lang, value=args.at)) from None
        draft = ReturnDraft(
            model_input=args.model,
            remedy=args.remedy,
            clerk=args.clerk or os.environ.get("USER") or os.environ.get("USERNAME") or "cli",
            amount=args.amount,
            serial=args.serial,
            batch=args.batch,
            made=args.made,
            condition=args.condition,
            receipt=args.receipt,
            replacement_model=args.replacement_model,
            customer_contact=args.contact,
            notes=args.notes,
            override_reason=args.override,
            at=at,
        )
        entry = ReturnsService(desk).record(draft)
    finally:
        desk.close()
    if args.json:
        _print_json(entry)
    else:
        print(entry["ticket"])
    return 0


def cmd_recalls(args: argparse.Namespace, lang: str) -> int:
    from returns_desk.services import catalogue_service

    desk = _open(args)
    try:
        if args.recalls_command == "import":
            cat, old = catalogue_service.import_catalogue(desk.conn, Path(args.file), actor=os.environ.get("USER") or "cli")
            print(say("import_done", lang, version=cat.version, recalls=len(cat.recalls), models=len(cat.models), old=old or "-"))
            return 0
        info = catalogue_service.active_info(desk.conn)
        cat = desk.catalogue
    finally:
        desk.close()
    unknown = say("unknown_value", lang)
    if args.json:
        _print_json(
            {
                "version": cat.version,
                "source": info["source"],
                "loaded_at": info["loaded_at"],
                "recalls": [
                    {
                        "id": r.id,
                        "title": r.text("title", lang),
                        "authority": r.text("authority", lang),
                        "markets": list(r.markets),
                        "announced_on": r.announced_on,
                        "units": r.units,
                        "remedies": list(r.remedies),
                        "models": [m.model for m in r.models],
                        "status": r.status,
                        "confidence": r.confidence,
                    }
                    for r in cat.recalls
                ],
            }
        )
        return 0
    print(say("recalls_header", lang, version=cat.version, source=info["source"], loaded=info["loaded_at"][:19]))
    for r in sorted(cat.recalls, key=lambda r: r.announced_on, reverse=True):
        units = f"{r.units:,}" if r.units is not None else unknown
        print(f"{r.announced_on:<10}  {'/'.join(r.markets):<6}  {units:>10}  {r.id}")
        print(f"            {r.text('title', lang)}")
        print(f"            {', '.join(m.model for m in r.models)}")
    return 0


def cmd_backup(args: argparse.Namespace, lang: str) -> int:
    from returns_desk.services import backup_service

    desk = _open(args)
    try:
        out = backup_service.backup(desk, Path(args.out) if args.out else None, actor=os.environ.get("USER") or "cli")
    finally:
        desk.close()
    print(say("backup_done", lang, path=str(out)))
    return 0


class _UsageError(Exception):
    pass


def _usage(message: str) -> _UsageError:
    return _UsageError(message)


COMMANDS = {"lookup": cmd_lookup, "record": cmd_record, "recalls": cmd_recalls, "backup": cmd_backup}


def _argv_lang(argv: list[str]) -> str:
    """The language asked for, before the arguments are parsed."""
    for i, a in enumerate(argv):
        if a == "--lang" and i + 1 < len(argv):
            return normalise_lang(argv[i + 1])
        if a.startswith("--lang="):
            return normalise_lang(a.split("=", 1)[1])
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if os.environ.get(var):
            return normalise_lang(os.environ[var])
    return "en"


def _not_text(argv: list[str]) -> str | None:
    """An argument holding bytes that are not UTF-8 (Python keeps them as lone surrogates):
    it can be neither stored nor printed, so it is refused before anything else."""
    for a in argv:
        if any("\ud800" <= c <= "\udfff" for c in a):
            return a
    return None


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass
    try:
        sys.stderr.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    except (AttributeError, ValueError):
        pass
    argv = list(sys.argv[1:] if argv is None else argv)
    bad = _not_text(argv)
    if bad is not None:
        print(f"returns-desk: {say('argument_not_utf8', _argv_lang(argv), value=ascii(bad)[:60])}", file=sys.stderr)
        return 2
    try:
        return _main(argv)
    except BrokenPipeError:  # the reader went away (``| head``): stop quietly, no traceback
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        return 1


def _main(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    lang = _lang(args)
    if args.command is None:
        from returns_desk.ui.app import run_window

        return run_window(db=args.db, lang=args.lang)
    try:
        return COMMANDS[args.command](args, lang)
    except _UsageError as exc:
        parser.exit(2, f"returns-desk: {exc}\n")
    except ReturnsDeskError as exc:
        print(f"returns-desk: {exc.message(lang)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    return 0
