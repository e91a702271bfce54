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
from typing import TYPE_CHECKING

from returns_desk import __version__
from returns_desk.domain.errors import ReturnsDeskError
from returns_desk.domain.messages import normalise_lang, say
from returns_desk.domain.text import parse_date

if TYPE_CHECKING:
    from typing import Any


def _common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--db", metavar="PATH", default=default, help="database file (default: the user's data folder)")
    parser.add_argument("--lang", choices=("zh_CN", "en"), default=default, help="language of messages and reports")


def _date(text: str):
    try:
        return parse_date(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text!r}")
    return value


def _group_by(text: str) -> tuple[str, ...]:
    from returns_desk.export.tally import parse_group_by

    try:
        return parse_group_by(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _anchor(text: str):
    from returns_desk.domain.integrity import parse_anchor

    try:
        return parse_anchor(text)
    except ValueError:
        raise argparse.ArgumentTypeError(say("anchor_invalid", _argv_lang(sys.argv[1:]), value=text)) from None


def _hq_group_by(text: str) -> tuple[str, ...]:
    from returns_desk.headoffice.pg import HQ_TALLY_KEYS

    keys = tuple(k.strip().lower() for k in text.split(",") if k.strip())
    for k in keys:
        if k not in HQ_TALLY_KEYS:
            raise argparse.ArgumentTypeError(f"unknown group key {k!r} (use {', '.join(HQ_TALLY_KEYS)})")
    if len(set(keys)) != len(keys):
        raise argparse.ArgumentTypeError("a group key is given twice")
    return keys


def _market(text: str) -> str:
    from returns_desk.domain.catalogue import MARKETS  # the catalogue module costs the window's first frame 10 ms

    value = text.strip().upper()
    if value not in MARKETS:
        raise argparse.ArgumentTypeError(f"market must be one of {', '.join(MARKETS)}")
    return value


def _manager_options(parser: argparse.ArgumentParser, *, pin_is_taken: bool = False) -> None:
    """``--manager NAME --pin PIN``: the manager who does or approves this (every manager command
    takes them the same way). ``clerks add`` keeps ``--pin`` for the new account's PIN, so there
    the manager's PIN is ``--manager-pin`` (accepted by every manager command)."""
    parser.add_argument("--manager", metavar="NAME", help="the manager who does this")
    if not pin_is_taken:
        parser.add_argument("--pin", dest="manager_pin", metavar="PIN", help="that manager's PIN")
    parser.add_argument("--manager-pin", dest="manager_pin", metavar="PIN", help=argparse.SUPPRESS if not pin_is_taken else "that manager's PIN")


class _Ignored:
    """Stands in for the parser of a command that is not being run: whatever is added to it
    (arguments, groups, sub-commands) is dropped."""

    def __getattr__(self, name: str) -> Any:
        return self._drop

    def _drop(self, *args: Any, **kwargs: Any) -> "_Ignored":
        return self


def _columns() -> int:
    """The terminal's width as ``shutil.get_terminal_size`` reads it (COLUMNS, else the terminal,
    else 80), without importing shutil (and bz2, lzma with it)."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout at the terminal's width. argparse makes a formatter for every
    argument added (to check its metavar): its own reads the width through shutil each time."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position, _columns() - 2 if width is None else width)


class _Commands:
    """The sub-commands of ``build_parser``: each with the help layout above; with ``only``,
    that command's parser is built and no other."""

    def __init__(self, real: Any, only: str | None) -> None:
        self.real = real
        self.only = only

    def add_parser(self, name: str, **kwargs: Any) -> Any:
        if self.only is not None and name != self.only:
            return _Ignored()
        kwargs.setdefault("formatter_class", _Formatter)
        return self.real.add_parser(name, **kwargs)


def command_in(argv: list[str]) -> str | None:
    """The command ``argv`` runs, read the way the parser reads the options before it (``--db``
    and ``--lang`` take a value, also abbreviated or with ``=``; the others take none); None
    when it names no command, asks for help or holds ``--`` (the whole parser is built then)."""
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("-h", "--help") or (a.startswith("--h") and "--help".startswith(a)):
            return None
        if a == "--":
            return None  # argparse's own reading of it decides
        if a.startswith("-"):
            if "=" not in a and len(a) > 2 and ("--db".startswith(a) or "--lang".startswith(a)):
                i += 1  # its value
            i += 1
            continue
        return a if a in COMMANDS else None
    return ""  # no command: the window, --version or --selftest


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with ``only``, the arguments of that command alone (building
    every command's costs more than a lookup: see :func:`command_in`; "" builds none)."""
    p = argparse.ArgumentParser(
        prog="returns-desk",
        formatter_class=_Formatter,
        description="Returns counter for the 2025 power-bank recalls. Without a command, opens the window.",
    )
    _common(p, top=True)
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    p.add_argument("--selftest", action="store_true",
                   help="headless check of an installation or build: temporary database, window, report; prints 'selftest ok'")
    sub: Any = _Commands(p.add_subparsers(dest="command", metavar="COMMAND"), only)

    lk = sub.add_parser("lookup", help="is this model recalled? (verdict, recalls, what is still needed)")
    _common(lk, top=False)
    lk.add_argument("model", metavar="MODEL", help="model number as printed or typed, e.g. A1257, 'Anker A1257', ＰＡＣ２０－２７２")
    lk.add_argument("--serial", metavar="SN")
    lk.add_argument("--batch", metavar="CODE")
    lk.add_argument("--made", metavar="YYYY-MM-DD", type=_date)
    lk.add_argument("--market", type=_market, help="CN (default: the store's), US, CA, AU, JP")
    lk.add_argument("--json", action="store_true", help="print one JSON object")
    if only == "lookup":
        return p  # the others would be ignored: the vocabularies their choices list are not even read
    from returns_desk.domain.vocab import (
        ANSWERS,
        CONDITIONS,
        CONTAINER_TYPES,
        DEFAULT_GROUP_BY,
        EXPORT_FORMATS,
        GROUP_BY,
        INTACT,
        REMEDIES,
        SHEET_FORMATS,
    )

    rec = sub.add_parser("record", help="record a return; prints the ticket once committed")
    _common(rec, top=False)
    rec.add_argument("--model", required=True)
    rec.add_argument("--remedy", required=True, choices=REMEDIES.codes)
    rec.add_argument("--amount", metavar="149.00")
    rec.add_argument("--serial", metavar="SN")
    rec.add_argument("--batch", metavar="CODE")
    rec.add_argument("--made", metavar="DATE", type=_date)
    rec.add_argument("--condition", choices=CONDITIONS.codes, default=INTACT)
    rec.add_argument("--isolated", action="store_true",
                     help="the unit was isolated as the safety card says (a recalled unit is refused without it)")
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
    _manager_options(ri)

    rp = sub.add_parser("report", help="the daily return report as PDF (X any time; --close for the numbered Z)")
    _common(rp, top=False)
    rp_sub = rp.add_subparsers(dest="report_command", metavar="daily", required=True)
    rd = rp_sub.add_parser("daily", help="daily return report for a business date (default: today in the store's zone)")
    _common(rd, top=False)
    rd.add_argument("--date", metavar="YYYY-MM-DD", type=_date, help="business date (default: today in the store's time zone)")
    rd.add_argument("--pdf", metavar="FILE", required=True, help="write the report to this PDF file")
    rd.add_argument("--counter", metavar="ID", help="one counter (default: the whole store)")
    rd.add_argument("--close", action="store_true", help="close the day: freeze the report as the next numbered Z")
    _manager_options(rd)
    rd.add_argument("--reprint", metavar="N", type=_positive, help="reprint Z number N from its frozen snapshot")
    rd.add_argument("--page-size", choices=("A4", "Letter"), default="A4")

    ex = sub.add_parser("export", help="tally of returns for a date range as CSV, XLSX or PDF")
    _common(ex, top=False)
    ex.add_argument("--from", dest="date_from", metavar="DATE", required=True, type=_date)
    ex.add_argument("--to", dest="date_to", metavar="DATE", required=True, type=_date)
    ex.add_argument("--format", required=True, choices=EXPORT_FORMATS.codes)
    ex.add_argument("--out", metavar="FILE", required=True)
    ex.add_argument(
        "--group-by", metavar="KEYS", type=_group_by, default=DEFAULT_GROUP_BY,
        help="comma-separated, in column order: " + ", ".join(GROUP_BY.codes) + " (default: model,remedy)",
    )
    ex.add_argument("--page-size", choices=("A4", "Letter"), default="A4", help="for --format pdf")
    _manager_options(ex)

    bk = sub.add_parser("backup", help="write a consistent copy of the database")
    _common(bk, top=False)
    bk.add_argument("--out", metavar="FILE")

    rs = sub.add_parser("restore", help="replace the database with a backup (the current file is kept aside)")
    _common(rs, top=False)
    rs.add_argument("file", metavar="FILE")
    _manager_options(rs)

    st = sub.add_parser("setup", help="first run: the store, the counter and the first manager")
    _common(st, top=False)
    st.add_argument("--store", required=True, metavar="NAME")
    st.add_argument("--counter", required=True, metavar="ID")
    st.add_argument("--market", required=True, type=_market)
    st.add_argument("--manager", required=True, metavar="NAME")
    st.add_argument("--pin", required=True, metavar="PIN")

    ck = sub.add_parser("clerks", help="add, list or disable clerks and managers")
    _common(ck, top=False)
    ck_sub = ck.add_subparsers(dest="clerks_command", metavar="add|list|disable|training", required=True)
    ca = ck_sub.add_parser("add", help="add a clerk or manager with a PIN")
    _common(ca, top=False)
    ca.add_argument("name", metavar="NAME")
    ca.add_argument("--role", required=True, choices=("clerk", "manager"))
    ca.add_argument("--pin", required=True, metavar="PIN", help="the new account's PIN")
    _manager_options(ca, pin_is_taken=True)
    cl = ck_sub.add_parser("list", help="list clerks")
    _common(cl, top=False)
    cl.add_argument("--json", action="store_true")
    cd = ck_sub.add_parser("disable", help="stop a clerk from signing in (history is kept)")
    _common(cd, top=False)
    cd.add_argument("name", metavar="NAME")
    _manager_options(cd)
    ctr = ck_sub.add_parser("training", help="record a clerk's battery-handling training date (shown on manifests)")
    _common(ctr, top=False)
    ctr.add_argument("name", metavar="NAME")
    ctr.add_argument("--on", dest="day", required=True, metavar="YYYY-MM-DD", type=_date)
    _manager_options(ctr)

    vd = sub.add_parser("void", help="void a return (a manager's PIN approves it)")
    _common(vd, top=False)
    vd.add_argument("ticket", metavar="TICKET")
    vd.add_argument("--reason", required=True, metavar="TEXT")
    _manager_options(vd)

    cf = sub.add_parser("confirm", help="record the manufacturer's answer for a return pending its serial check")
    _common(cf, top=False)
    cf.add_argument("ticket", metavar="TICKET")
    cf.add_argument("--result", required=True, choices=ANSWERS.codes)
    _manager_options(cf)
    cf.add_argument("--note", metavar="TEXT")

    ct = sub.add_parser("containers", help="quarantine containers: open, add units, seal, hand over, list")
    _common(ct, top=False)
    ct_sub = ct.add_subparsers(dest="containers_command", metavar="open|add|seal|handover|list|manifest|label", required=True)
    co = ct_sub.add_parser("open", help="open a quarantine container (manager); prints its id on the last line")
    _common(co, top=False)
    co.add_argument("--type", dest="kind", required=True, choices=CONTAINER_TYPES.codes)
    co.add_argument("--location", required=True, metavar="TEXT")
    co.add_argument("--limit-units", metavar="N", type=_positive)
    co.add_argument("--limit-wh", metavar="WH", type=_positive, help="estimated Wh the container (its kit) may hold")
    _manager_options(co)
    cad = ct_sub.add_parser("add", help="put units into a container by their tickets (all or none)")
    _common(cad, top=False)
    cad.add_argument("container", metavar="CONTAINER")
    cad.add_argument("tickets", metavar="TICKET", nargs="+")
    cad.add_argument("--clerk", metavar="NAME")
    cs = ct_sub.add_parser("seal", help="seal a container: it takes nothing more (manager)")
    _common(cs, top=False)
    cs.add_argument("container", metavar="CONTAINER")
    _manager_options(cs)
    ch = ct_sub.add_parser("handover", help="hand a sealed container to a carrier or recycler and write the manifest (manager)")
    _common(ch, top=False)
    ch.add_argument("container", metavar="CONTAINER")
    ch.add_argument("--to", required=True, metavar="NAME")
    ch.add_argument("--reference", required=True, metavar="REF")
    ch.add_argument("--packed-by", required=True, metavar="NAME")
    ch.add_argument("--manifest", required=True, metavar="FILE.pdf")
    _manager_options(ch)
    cli_ = ct_sub.add_parser("list", help="containers with count, estimated Wh, age and alerts")
    _common(cli_, top=False)
    cli_.add_argument("--json", action="store_true")
    cm = ct_sub.add_parser("manifest", help="reprint the hand-over manifest of a container (marked REPRINT)")
    _common(cm, top=False)
    cm.add_argument("container", metavar="CONTAINER")
    cm.add_argument("--out", required=True, metavar="FILE.pdf")
    _manager_options(cm)
    cla = ct_sub.add_parser("label", help="the container's label as a PDF (A6)")
    _common(cla, top=False)
    cla.add_argument("container", metavar="CONTAINER")
    cla.add_argument("--pdf", required=True, metavar="FILE")

    cu = sub.add_parser("custody", help="reconciliation of custody: recorded, in a container, sealed, handed over")
    _common(cu, top=False)
    cu_sub = cu.add_subparsers(dest="custody_command", metavar="report", required=True)
    cur = cu_sub.add_parser("report", help="by recall, with every discrepancy")
    _common(cur, top=False)
    cur.add_argument("--json", action="store_true")

    cl = sub.add_parser("claims", help="the manufacturer's reconciliation: export pending serials, import the answers")
    _common(cl, top=False)
    cl_sub = cl.add_subparsers(dest="claims_command", metavar="export|import", required=True)
    cle = cl_sub.add_parser("export", help="the pending serials of a recall for the manufacturer")
    _common(cle, top=False)
    cle.add_argument("--recall", required=True, metavar="ID")
    cle.add_argument("--format", required=True, choices=SHEET_FORMATS)
    cle.add_argument("--out", required=True, metavar="FILE")
    _manager_options(cle)
    cli_imp = cl_sub.add_parser("import", help="preview the manufacturer's answers (CSV or XLSX); --apply records the matched ones")
    _common(cli_imp, top=False)
    cli_imp.add_argument("file", metavar="FILE")
    cli_imp.add_argument("--apply", action="store_true", help="apply the matched answers in one transaction (manager)")
    _manager_options(cli_imp)
    cli_imp.add_argument("--json", action="store_true")

    vf = sub.add_parser("verify", help="check the file's guards, the audit chain, the returns and the stored Z's; exit 1 names each problem")
    _common(vf, top=False)
    vf.add_argument("--anchor", metavar="EVENT:HASH", action="append", type=_anchor, default=[],
                    help="an anchor copied from a printed report ('audit: event 1,234 · 7f3a 91c2 0be4 55d1' -> 1234:7f3a91c20be455d1); repeatable")
    ky = sub.add_parser("key", help="this counter's signing key: show it, or a new one approved by a manager (the old one lost)")
    _common(ky, top=False)
    ky_sub = ky.add_subparsers(dest="key_command", metavar="show|new", required=True)
    ks = ky_sub.add_parser("show", help="which key this computer signs the database with, and every key announced in it")
    _common(ks, top=False)
    kn = ky_sub.add_parser("new", help="make a new signing key for this counter (a manager's PIN approves it; verify shows the key change)")
    _common(kn, top=False)
    _manager_options(kn)
    kn.add_argument("--reason", required=True, metavar="TEXT")

    sy = sub.add_parser("sync", help="push this counter's events to head office and print the state")
    _common(sy, top=False)
    sy.add_argument("--json", action="store_true")
    sy.add_argument("--status", action="store_true", help="print the state without connecting")
    sy_sub = sy.add_subparsers(dest="sync_command", metavar="export")
    se = sy_sub.add_parser("export", help="write what head office has not acknowledged to a checksummed file (hq import)")
    _common(se, top=False)
    se.add_argument("--out", metavar="FILE", required=True)
    se.add_argument("--from-seq", metavar="N", type=_positive, help="start at event N (default: after what head office acknowledged)")
    se.add_argument("--json", action="store_true")

    hq = sub.add_parser("hq", help="head office (PostgreSQL): migrate, add-store, add-reader, import; connect a counter")
    _common(hq, top=False)
    hq_sub = hq.add_subparsers(dest="hq_command", metavar="migrate|add-store|add-reader|import|report|export|progress|publish-catalogue|connect", required=True)
    dsn_help = "head office's connection string (default: $RETURNS_DESK_HQ_DSN)"
    hm = hq_sub.add_parser("migrate", help="create or update the head-office schema")
    _common(hm, top=False)
    hm.add_argument("--dsn", metavar="DSN", help=dsn_help)
    ha = hq_sub.add_parser("add-store", help="add a store and its log-in role; prints its counters' connection string last")
    _common(ha, top=False)
    ha.add_argument("code", metavar="CODE")
    ha.add_argument("--dsn", metavar="ADMIN_DSN", help=dsn_help)
    ha.add_argument("--json", action="store_true")
    hr = hq_sub.add_parser("add-reader", help="a read-only log-in for a store manager (--store) or for head office")
    _common(hr, top=False)
    hr.add_argument("--store", metavar="CODE", help="the store it may read (default: every store)")
    hr.add_argument("--dsn", metavar="ADMIN_DSN", help=dsn_help)
    hr.add_argument("--json", action="store_true")
    hi = hq_sub.add_parser("import", help="feed a counter's 'sync export' file through the same ingest")
    _common(hi, top=False)
    hi.add_argument("file", metavar="FILE")
    hi.add_argument("--dsn", metavar="ADMIN_DSN", help=dsn_help)
    hi.add_argument("--json", action="store_true")
    hrep = hq_sub.add_parser("report", help="reports from head office's data")
    _common(hrep, top=False)
    hrep_sub = hrep.add_subparsers(dest="hq_report_command", metavar="daily", required=True)
    hrd = hrep_sub.add_parser("daily", help="a store's daily report across all its counters, with a line per counter")
    _common(hrd, top=False)
    hrd.add_argument("--store", metavar="CODE", required=True)
    hrd.add_argument("--date", metavar="YYYY-MM-DD", type=_date, help="business date (default: today in the store's time zone)")
    hrd.add_argument("--pdf", metavar="FILE", required=True)
    hrd.add_argument("--page-size", choices=("A4", "Letter"), default="A4")
    hrd.add_argument("--dsn", metavar="DSN", help=dsn_help)
    hx = hq_sub.add_parser("export", help="tally of every store's returns for a date range (CSV or XLSX)")
    _common(hx, top=False)
    hx.add_argument("--from", dest="date_from", metavar="DATE", required=True, type=_date)
    hx.add_argument("--to", dest="date_to", metavar="DATE", required=True, type=_date)
    hx.add_argument("--group-by", metavar="KEYS", type=_hq_group_by, default=("store", "recall", "remedy"),
                    help="comma-separated, in column order: store, counter, recall, brand, model, remedy, clerk, day (default: store,recall,remedy)")
    hx.add_argument("--store", metavar="CODE", help="one store (default: every store)")
    hx.add_argument("--format", required=True, choices=SHEET_FORMATS)
    hx.add_argument("--out", metavar="FILE", required=True)
    hx.add_argument("--dsn", metavar="ADMIN_DSN", help=dsn_help)
    hg = hq_sub.add_parser("progress", help="one recall's progress across the chain, by store (a regulator's monthly report)")
    _common(hg, top=False)
    hg.add_argument("--recall", metavar="ID", required=True)
    hg.add_argument("--from", dest="date_from", metavar="DATE", type=_date, help="start of the period (default: the first return)")
    hg.add_argument("--to", dest="date_to", metavar="DATE", type=_date, help="end of the period (default: today)")
    hg.add_argument("--format", required=True, choices=("pdf", "xlsx"))
    hg.add_argument("--out", metavar="FILE", required=True)
    hg.add_argument("--page-size", choices=("A4", "Letter"), default="A4")
    hg.add_argument("--dsn", metavar="ADMIN_DSN", help=dsn_help)
    hp = hq_sub.add_parser("publish-catalogue", help="publish a recall catalogue; counters take it on their next sync")
    _common(hp, top=False)
    hp.add_argument("file", metavar="FILE")
    hp.add_argument("--dsn", metavar="ADMIN_DSN", help=dsn_help)
    hc = hq_sub.add_parser("connect", help="on a counter: keep the store's connection string (keyring or owner-only file)")
    _common(hc, top=False)
    hc.add_argument("--dsn", metavar="STORE_DSN", required=True)
    hc.add_argument("--reader", action="store_true",
                    help="keep a store manager's read-only log-in (hq add-reader) for the window's whole-store report")
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


#: Manager actions a database that is not set up yet allows (there is no manager to ask).
BEFORE_SET_UP = frozenset({"restore", "import_catalogue", "signing_key"})


def _manager(args: argparse.Namespace, desk: Any, permission: str, lang: str, *, pin_option: str = "--pin", audit: bool = True) -> Any:
    """The manager named by ``--manager NAME --pin PIN``, their PIN checked (and audited) like in
    the window. Before the first set-up there are no people yet: whoever can open the file acts.
    ``audit`` False: the approval is recorded by the caller's own event (a new signing key, when
    this computer cannot sign anything yet)."""
    from returns_desk.domain.auth import Actor
    from returns_desk.domain.errors import InputError, RefusedError
    from returns_desk.services.people_service import PeopleService

    people = PeopleService(desk)
    if not people.is_set_up():
        if permission in BEFORE_SET_UP:  # recovering or loading the list on a new installation
            return Actor(_actor(args, lang), "cli")
        raise RefusedError("no_manager_yet", field="manager")
    name, pin = (getattr(args, "manager", None) or "").strip(), getattr(args, "manager_pin", None) or ""
    if not name or not pin:
        raise InputError("manager_pin_required", field="manager", options=f"--manager NAME {pin_option} PIN")
    return people.approve(name, pin, permission, audit=audit)


def cmd_lookup(args: argparse.Namespace, lang: str) -> int:
    from returns_desk.services import lookup_service
    from returns_desk.services.desk import Desk

    desk = Desk.open_to_read(args.db)  # reads the settings and the recall list, writes nothing
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
    from returns_desk.domain.returns import ReturnDraft
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
        from returns_desk.services.people_service import PeopleService

        people = PeopleService(desk)
        actor = people.cli_actor(args.clerk or (None if people.is_set_up() else _actor(args, lang)))
        draft = ReturnDraft(
            model_input=args.model,
            remedy=args.remedy,
            clerk=actor.name,
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
            isolation_confirmed=args.isolated,
        )
        entry = ReturnsService(desk).record(draft, actor=actor)
    finally:
        desk.close()
    if args.json:
        _print_json(entry)
    else:
        print(entry["ticket"])
    for warning in entry.get("warnings", ()):
        print(say("record_warning", lang, warning=warning.get(lang) or warning["en"]), file=sys.stderr)
    return 0


def cmd_recalls(args: argparse.Namespace, lang: str) -> int:
    from returns_desk.services import catalogue_service

    desk = _open(args)
    try:
        if args.recalls_command == "import":
            manager = _manager(args, desk, "import_catalogue", lang)
            cat, old = catalogue_service.import_catalogue(desk.conn, Path(args.file), actor=manager.name)
            print(say("import_done", lang, version=cat.version, recalls=len(cat.recalls), models=len(cat.models), old=old or "-"))
            return 0
        info = catalogue_service.active_info(desk.conn)
        cat = desk.catalogue
    finally:
        desk.close()
    from returns_desk.services import recalls_listing

    if args.json:
        _print_json(recalls_listing.listing_json(cat, info, lang))
        return 0
    print("\n".join(recalls_listing.table_lines(cat, info, lang)))
    return 0


def cmd_backup(args: argparse.Namespace, lang: str) -> int:
    from returns_desk.services import backup_service

    desk = _open(args)
    try:
        out = backup_service.backup(desk, Path(args.out) if args.out else None, actor=_actor(args, lang))
    finally:
        desk.close()
    print(say("backup_done", lang, path=str(out)))
    return 0


def cmd_restore(args: argparse.Namespace, lang: str) -> int:
    from returns_desk.services import backup_service

    desk = _open(args)
    try:
        actor = _manager(args, desk, "restore", lang)
        fresh, aside = backup_service.restore(desk, Path(args.file), actor=actor)
    except BaseException:
        desk.close()
        raise
    fresh.close()
    print(say("restore_done", lang, path=args.file, aside=str(aside)))
    return 0


def cmd_setup(args: argparse.Namespace, lang: str) -> int:
    from returns_desk.services.people_service import PeopleService

    desk = _open(args)
    try:
        PeopleService(desk).setup(store=args.store, counter=args.counter, market=args.market, manager=args.manager, pin=args.pin)
        s = desk.settings
    finally:
        desk.close()
    print(say("setup_done", lang, store=s["store_name"], counter=s["counter"], market=s.market, manager=args.manager.strip()))
    return 0


def cmd_clerks(args: argparse.Namespace, lang: str) -> int:
    from returns_desk.domain.auth import Actor
    from returns_desk.services.people_service import PeopleService

    desk = _open(args)
    try:
        people = PeopleService(desk)
        actor: Actor | None = None
        if args.clerks_command in ("add", "disable", "training"):
            actor = _manager(args, desk, "manage_clerks", lang, pin_option="--manager-pin" if args.clerks_command == "add" else "--pin")
        if args.clerks_command == "add":
            assert actor is not None
            people.add_clerk(actor, args.name, args.role, args.pin)
            print(say("clerk_added", lang, name=args.name.strip(), role=say(f"role_{args.role}", lang)))
        elif args.clerks_command == "disable":
            assert actor is not None
            people.disable_clerk(actor, args.name)
            print(say("clerk_disabled", lang, name=args.name.strip()))
        elif args.clerks_command == "training":
            from returns_desk.services.custody_service import CustodyService

            assert actor is not None
            CustodyService(desk).set_training(args.name, args.day, by=actor)
            print(say("training_done", lang, name=args.name.strip(), date=args.day.isoformat()))
        else:
            rows = people.list_clerks()
            if args.json:
                _print_json([{k: r[k] for k in ("name", "role", "active", "created_at")} for r in rows])
            for r in rows if not args.json else ():
                state = "" if r["active"] else "  (disabled)"
                print(f"{r['name']:<24} {r['role']:<8}{state}")
    finally:
        desk.close()
    return 0


def cmd_void(args: argparse.Namespace, lang: str) -> int:
    from returns_desk.services.returns_service import ReturnsService

    desk = _open(args)
    try:
        manager = _manager(args, desk, "void", lang)
        ReturnsService(desk).void(args.ticket.strip(), reason=args.reason, by=manager)
    finally:
        desk.close()
    print(say("void_done", lang, ticket=args.ticket.strip()))
    return 0


def cmd_confirm(args: argparse.Namespace, lang: str) -> int:
    from returns_desk.services.returns_service import ReturnsService

    desk = _open(args)
    try:
        manager = _manager(args, desk, "confirm", lang)
        ReturnsService(desk).set_confirmation(args.ticket.strip(), args.result, by=manager, note=args.note)
    finally:
        desk.close()
    print(say("confirmation_done", lang, ticket=args.ticket.strip(), result=say(f"answer_{args.result}", lang)))
    return 0


def cmd_verify(args: argparse.Namespace, lang: str) -> int:
    from returns_desk.services.verify_service import verify

    desk = _open(args)
    try:
        report = verify(desk, args.anchor)
    finally:
        desk.close()
    for key, kw in report.notes:
        print(say(key, lang, **kw))
    if report.ok:
        print(say("verify_ok", lang, events=report.events, returns=report.returns))
        return 0
    shown = report.problems[:VERIFY_SHOWN]
    for key, kw in shown:
        print(f"returns-desk: {say(key, lang, **kw)}", file=sys.stderr)
    if len(report.problems) > len(shown):
        print(f"returns-desk: {say('verify_more', lang, n=len(report.problems) - len(shown))}", file=sys.stderr)
    return 1


#: Problems printed by ``verify`` before "... and N more".
VERIFY_SHOWN = 20


def cmd_key(args: argparse.Namespace, lang: str) -> int:
    from returns_desk.domain.integrity import short_key
    from returns_desk.services import signing

    desk = _open(args)
    try:
        if args.key_command == "new":
            manager = _manager(args, desk, "signing_key", lang, audit=False)
            key = signing.replace_key(desk.conn, manager, reason=args.reason)
            where = signing.status(desk.conn).where or "?"
            print(say("key_new_done", lang, key=short_key(key.key_id), manager=manager.name, where=where))
            return 0
        state = signing.status(desk.conn)
    finally:
        desk.close()
    if state.key_id:
        print(say("key_show", lang, key=short_key(state.key_id), where=state.where or "?"))
    else:
        print(say("key_show_none", lang))
    for r in state.registered:
        print(say("key_show_registered", lang, key=short_key(r["key_id"]), at=r["announced_at"][:19], event=r["event_id"], machine=r["machine"]))
    return 0


def _login_name() -> str | None:
    """The name of the account running the command: LOGNAME, USER, LNAME or USERNAME, else the
    system's account database (a service or a container often sets none of the variables)."""
    import getpass

    try:
        return getpass.getuser().strip() or None
    except (OSError, KeyError, ImportError):
        return None


def _actor(args: argparse.Namespace, lang: str = "en") -> str:
    """Who runs the command, as reports and the audit trail name them: ``--manager NAME`` where
    the command has it, else the account's name. Never the program's name: with neither, the
    command stops and asks for ``--manager``."""
    name = (getattr(args, "manager", None) or "").strip() or _login_name()
    if not name:
        raise _usage(say("who_required", lang))
    return name


def _warn_fonts(lang: str) -> None:
    from returns_desk.reports.printing import CJK_FAMILIES, cjk_family

    if cjk_family() is None:
        print(f"returns-desk: {say('no_cjk_font', lang, fonts=', '.join(CJK_FAMILIES))}", file=sys.stderr)


def cmd_report(args: argparse.Namespace, lang: str) -> int:
    from returns_desk.reports.service import DailyReportService
    from returns_desk.services.desk import Desk

    def _gui_only() -> None:
        """A print shows no window: Qt's GUI application without the widgets (not imported)."""
        from returns_desk.reports.printing import ensure_app

        ensure_app(widgets=False)

    if args.close and args.reprint:
        raise _usage("--close and --reprint cannot be used together")
    desk = Desk.open_to_print(args.db)  # reads, then records the print (a signed audit event)
    try:
        svc = DailyReportService(desk)
        day = args.date or svc.today()
        # the report is made before Qt is loaded (for the fonts, then the PDF): PySide6's import
        # hook would read the source of every module the report imports after it
        if args.close:
            manager = _manager(args, desk, "close_day", lang)
            report = svc.close_day(day, args.counter, manager=manager)
            _gui_only()
            _warn_fonts(lang)
            out = svc.write_pdf(report, args.pdf, lang=lang, by=manager.name, page_size=args.page_size)
            print(say("report_closed", lang, date=day.isoformat(), number=report["z_number"], path=str(out)))
            return 0
        by = _actor(args, lang)
        if args.reprint:
            report, reprint = svc.reprint(z_number=args.reprint, counter=args.counter), True
        else:
            report, reprint = svc.report(day, args.counter, by=by)
        _gui_only()
        _warn_fonts(lang)
        out = svc.write_pdf(report, args.pdf, lang=lang, by=by, page_size=args.page_size, reprint=reprint)
    finally:
        desk.close()
    print(say("report_written", lang, path=str(out)))
    return 0


def cmd_export(args: argparse.Namespace, lang: str) -> int:
    from returns_desk.export.service import export_tally

    if args.date_from > args.date_to:
        raise _usage(say("range_invalid", lang, start=args.date_from.isoformat(), end=args.date_to.isoformat()))
    desk = _open(args)
    try:
        manager = _manager(args, desk, "export", lang)
        if args.format == "pdf":
            _warn_fonts(lang)
        out, tally = export_tally(
            desk, args.date_from, args.date_to, args.format, args.out, group_by=args.group_by, by=manager,
            lang=lang, page_size=args.page_size,
        )
    finally:
        desk.close()
    print(say("export_written", lang, path=str(out), rows=len(tally.rows)))
    return 0


def _hq_dsn(args: argparse.Namespace, lang: str) -> str:
    dsn = getattr(args, "dsn", None) or os.environ.get("RETURNS_DESK_HQ_DSN")
    if not dsn:
        raise _usage(say("hq_dsn_required", lang))
    return dsn


def _print_sync_state(res: Any, lang: str) -> None:
    from returns_desk.services import sync_service

    if res.sent or res.accepted or res.duplicates:
        print(say("sync_sent", lang, sent=res.sent, accepted=res.accepted, duplicates=res.duplicates))
    for q in res.quarantined:
        print(say("sync_quarantined", lang, seq=q.get("seq"), reason=q.get("reason")))
    for t in res.repeated_tickets:
        print(say("sync_repeated_ticket", lang, ticket=t))
    if res.catalogue_taken:
        print(say("sync_catalogue_taken", lang, version=res.catalogue_taken))
    if res.catalogue_refused:
        print(f"returns-desk: {say('sync_catalogue_refused', lang, detail=res.catalogue_refused)}", file=sys.stderr)
    if res.clock_warning:
        print(say("sync_clock_warning", lang, seconds=round(res.clock_skew_seconds or 0)))
    if res.state == "offline":
        print(say("sync_state_offline", lang, since=sync_service.age_text(res.offline_since) or res.offline_since, waiting=res.waiting))
    elif res.state == "error":
        print(say("sync_state_error", lang, error=res.last_error))
    elif res.state == "not_connected":
        print(say("sync_state_not_connected", lang, waiting=res.waiting))
    elif res.state == "waiting":
        print(say("sync_state_waiting", lang, waiting=res.waiting, acked=res.acked_seq))
    else:
        print(say("sync_state_synced", lang, acked=res.acked_seq))


def cmd_sync(args: argparse.Namespace, lang: str) -> int:
    from returns_desk.services import sync_service

    desk = _open(args)
    try:
        if args.sync_command == "export":
            done = sync_service.export(desk, Path(args.out), from_seq=args.from_seq)
            if args.json:
                _print_json(done)
            else:
                print(say("sync_exported", lang, first=done["first_seq"], last=done["last_seq"], events=done["events"], path=done["path"]))
            return 0
        if args.status:
            res = sync_service.status(desk)
            res.last_error = sync_service.error_text(desk, lang)
        else:
            try:
                res = sync_service.sync(desk)
            except ReturnsDeskError:
                if args.json:  # scripts get the state as well as the message
                    state = sync_service.status(desk)
                    state.last_error = sync_service.error_text(desk, lang)
                    _print_json(state.as_json())
                raise
    finally:
        desk.close()
    if args.json:
        _print_json(res.as_json())
    else:
        _print_sync_state(res, lang)
    return 0


def cmd_hq(args: argparse.Namespace, lang: str) -> int:
    if args.hq_command == "connect":
        from returns_desk.services import sync_service

        desk = _open(args)
        if args.reader:
            try:
                kept = sync_service.connect_reader(desk, args.dsn)
            finally:
                desk.close()
            print(say("hq_reader_connected", lang, stores=", ".join(kept["stores"]), kept=kept["kept_in"]))
            return 0
        try:
            done = sync_service.connect(desk, args.dsn)
            local = desk.settings["store_code"]
        finally:
            desk.close()
        print(say("hq_connected", lang, store=done["store"], kept=done["kept_in"], acked=done["acked_seq"]))
        if not done["store_matches"]:
            print(f"returns-desk: {say('hq_connected_other_store', lang, store=done['store'], local=local)}", file=sys.stderr)
        return 0
    from returns_desk.headoffice import pg

    dsn = _hq_dsn(args, lang)
    if args.hq_command == "migrate":
        applied, version = pg.migrate(dsn)
        print(say("hq_migrated", lang, version=version, applied=", ".join(applied) or "-"))
        return 0
    if args.hq_command == "report":
        return _hq_report(args, dsn, lang)
    if args.hq_command == "export":
        from returns_desk.export.hq_export import chain_tally

        if args.date_from > args.date_to:
            raise _usage(say("range_invalid", lang, start=args.date_from.isoformat(), end=args.date_to.isoformat()))
        tally = chain_tally(dsn, args.date_from, args.date_to, args.group_by, by=_actor(args), store=args.store)
        if args.format == "csv":
            from returns_desk.export.csv_export import write_tally_csv

            out = write_tally_csv(tally, args.out)
        else:
            from returns_desk.export.xlsx_export import write_tally_xlsx

            out = write_tally_xlsx(tally, args.out, lang=lang)
        print(say("hq_export_written", lang, path=str(out), rows=len(tally.rows)))
        return 0
    if args.hq_command == "progress":
        from returns_desk.export import hq_progress
        from returns_desk.reports.hq_report import chain_progress
        from returns_desk.services.clock import business_date, utc_now

        date_to = args.date_to or business_date(utc_now(), "Asia/Shanghai")
        if args.date_from and args.date_from > date_to:
            raise _usage(say("range_invalid", lang, start=args.date_from.isoformat(), end=date_to.isoformat()))
        progress = chain_progress(dsn, args.recall.strip(), args.date_from, date_to, by=_actor(args))
        if args.format == "xlsx":
            out = hq_progress.write_progress_xlsx(progress, args.out)
        else:
            _warn_fonts(lang)
            out = hq_progress.write_progress_pdf(progress, args.out, lang=lang, page_size=args.page_size)
        print(say("hq_progress_written", lang, recall=progress["recall_id"], path=str(out), stores=len(progress["stores"])))
        return 0
    if args.hq_command == "publish-catalogue":
        from returns_desk.services import catalogue_service

        text = catalogue_service.read_file(Path(args.file))
        cat = catalogue_service.validate_text(text, args.file)
        fresh = pg.publish_catalogue(dsn, cat.version, text)
        print(say("hq_catalogue_published" if fresh else "hq_catalogue_already", lang, version=cat.version,
                  recalls=len(cat.recalls), models=len(cat.models)))
        return 0
    if args.hq_command == "add-store":
        made = pg.add_store(dsn, args.code.strip())
        if args.json:
            _print_json(made)
        else:
            print(say("hq_store_added", lang, store=made["store"], role=made["role"]))
            print(made["dsn"])
        return 0
    if args.hq_command == "add-reader":
        reader = pg.add_reader(dsn, args.store.strip() if args.store else None)
        if args.json:
            _print_json(reader)
        else:
            print(say("hq_reader_added", lang, role=reader["role"], scope=reader["store"] or say("hq_scope_chain", lang)))
            print(reader["dsn"])
        return 0
    from returns_desk.services import sync_service

    totals = sync_service.import_file(dsn, Path(args.file))
    if args.json:
        _print_json(totals)
    else:
        print(say("hq_imported", lang, events=totals["events"], store=totals["store"], accepted=totals["accepted"],
                  duplicates=totals["duplicates"], quarantined=len(totals["quarantined"])))
        for q in totals["quarantined"]:
            print(say("sync_quarantined", lang, seq=q.get("seq"), reason=q.get("reason")))
    if totals["resend_from"]:
        print(f"returns-desk: {say('hq_import_gap', lang, seq=totals['resend_from'])}", file=sys.stderr)
        return 1
    return 0


def _hq_report(args: argparse.Namespace, dsn: str, lang: str) -> int:
    from returns_desk.headoffice import pg
    from returns_desk.reports.files import WriteError
    from returns_desk.reports.hq_report import store_daily_report
    from returns_desk.reports.html import daily_print
    from returns_desk.reports.printing import render_daily_pdf
    from returns_desk.services.clock import business_date, utc_now

    day = args.date
    if day is None:  # today in the store's own time zone
        with pg.connect(dsn) as hc:
            zone = pg.store_zone(hc, args.store)
        day = business_date(utc_now(), zone[0] if zone else "Asia/Shanghai")
    report = store_daily_report(dsn, args.store, day, by=_actor(args))
    _warn_fonts(lang)
    try:
        out = render_daily_pdf(daily_print(report, lang), args.pdf, args.page_size)
    except OSError as exc:
        raise WriteError("write_failed", path=str(args.pdf), detail=exc.strerror or str(exc)) from None
    print(say("hq_report_written", lang, store=args.store, date=report["business_date"], path=str(out)))
    return 0


def cmd_containers(args: argparse.Namespace, lang: str) -> int:
    from returns_desk.reports.custody import containers_text
    from returns_desk.services.custody_service import CustodyService
    from returns_desk.services.people_service import PeopleService

    command = args.containers_command
    if command in ("handover", "manifest"):
        out = Path(args.manifest if command == "handover" else args.out)
        if out.suffix.lower() != ".pdf":
            raise _usage(say("manifest_path_required", lang))
    desk = _open(args)
    try:
        svc = CustodyService(desk)
        people = PeopleService(desk)
        if command == "list":
            rows = svc.containers()
            if args.json:
                _print_json(rows)
            else:
                print(containers_text(rows, lang))
            return 0
        if command == "label":
            from returns_desk.reports.service import write_container_label_pdf

            path = write_container_label_pdf(desk, svc.container(args.container), args.pdf, lang=lang)
            print(say("report_written", lang, path=str(path)))
            return 0
        if command == "add":
            actor = people.cli_actor(args.clerk or (None if people.is_set_up() else os.environ.get("USER") or os.environ.get("USERNAME")))
            c = svc.add_many(args.container, args.tickets, by=actor)
            for t in args.tickets:
                print(say("container_unit_added", lang, ticket=t.strip(), container=c["code"], count=c["count"]))
            return 0
        manager = _manager(args, desk, "custody", lang)
        if command == "open":
            c = svc.open_container(args.kind, args.location, limit_units=args.limit_units, limit_wh=args.limit_wh, by=manager)
            print(say("container_opened", lang, container=c["code"], type=say(f"container_type_{c['type']}", lang), location=c["location"]))
            print(c["code"])
        elif command == "seal":
            c = svc.seal(args.container, by=manager)
            print(say("container_sealed_done", lang, container=c["code"], count=c["count"]))
        elif command == "handover":
            from returns_desk.reports.service import write_manifest_pdf

            _warn_fonts(lang)
            c = svc.hand_over(args.container, to=args.to, reference=args.reference, packed_by=args.packed_by, by=manager,
                              write_manifest=lambda m: write_manifest_pdf(m, args.manifest, lang=lang))
            print(say("container_handed_over_done", lang, container=c["code"], to=c["handed_to"], reference=c["handover_reference"], path=args.manifest))
        else:
            from returns_desk.reports.service import write_manifest_pdf

            svc.reprint_manifest(args.container, by=manager, write_manifest=lambda m: write_manifest_pdf(m, args.out, lang=lang))
            print(say("report_written", lang, path=args.out))
    finally:
        desk.close()
    return 0


def cmd_custody(args: argparse.Namespace, lang: str) -> int:
    from returns_desk.domain.custody import alert_text
    from returns_desk.reports.custody import report_text
    from returns_desk.services.custody_service import CustodyService

    desk = _open(args)
    try:
        report = CustodyService(desk).report()
    finally:
        desk.close()
    if args.json:
        report["alerts"] = [{"kind": a.kind, "message": alert_text(a, lang), **a.args} for a in report["alerts"]]
        _print_json(report)
    else:
        print(report_text(report, lang))
    return 0


def cmd_claims(args: argparse.Namespace, lang: str) -> int:
    import hashlib

    from returns_desk.export import claims as files
    from returns_desk.services.claims_service import ClaimsService

    desk = _open(args)
    try:
        svc = ClaimsService(desk)
        if args.claims_command == "export":
            rows = svc.pending(args.recall, by=_manager(args, desk, "export", lang).name)
            out = files.write_claims(rows, args.out, args.format)
            print(say("claims_exported", lang, rows=len(rows), recall=args.recall.strip(), path=str(out)))
            return 0
        answers = files.read_answers(args.file)
        if args.apply:
            manager = _manager(args, desk, "confirm", lang)
            digest = hashlib.sha256(Path(args.file).read_bytes()).hexdigest()
            preview = svc.apply(answers, by=manager, file_sha256=digest, source=Path(args.file).name)
        else:
            preview = svc.preview(answers)
    finally:
        desk.close()
    c = preview.counts
    if args.json:
        _print_json({"rows": preview.rows, **c, "applied": len(preview.matched) if args.apply else 0})
    else:
        print(say("claims_preview", lang, path=args.file, rows=preview.rows, matched=c["matched"], answered=c["already_answered"],
                  unknown=c["unknown"], conflicting=c["conflicting"], duplicates=c["duplicate"], invalid=c["invalid"]))
        print(say("claims_applied", lang, applied=len(preview.matched)) if args.apply else say("claims_preview_only", lang))
    return 0


class _UsageError(Exception):
    pass


def _usage(message: str) -> _UsageError:
    return _UsageError(message)


COMMANDS = {
    "lookup": cmd_lookup, "record": cmd_record, "recalls": cmd_recalls, "report": cmd_report, "export": cmd_export,
    "backup": cmd_backup, "restore": cmd_restore, "setup": cmd_setup, "clerks": cmd_clerks, "void": cmd_void,
    "verify": cmd_verify, "confirm": cmd_confirm, "key": cmd_key, "containers": cmd_containers, "custody": cmd_custody,
    "claims": cmd_claims, "sync": cmd_sync, "hq": cmd_hq,
}


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


def _window_options(argv: list[str]) -> dict[str, str | None] | None:
    """No command, only ``--db PATH`` and ``--lang zh_CN|en`` (each as one or two words): the
    window's options, read without building the parser (``build_parser("")`` still costs the
    window's first frame 2-5 ms). Anything else (a command, --help, --version, --selftest, an
    abbreviated, unknown or incomplete option, a language not offered) is None: the parser reads
    it, as before."""
    options: dict[str, str | None] = {"db": None, "lang": None}
    i = 0
    while i < len(argv):
        name, eq, value = argv[i].partition("=")
        if name not in ("--db", "--lang"):
            return None
        if not eq:
            if i + 1 >= len(argv) or argv[i + 1].startswith("-"):
                return None
            value = argv[i + 1]
            i += 1
        if name == "--lang" and value not in ("zh_CN", "en"):
            return None
        options[name[2:]] = value  # the last one given counts, as with argparse
        i += 1
    return options


def _main(argv: list[str]) -> int:
    window = _window_options(argv)
    if window is not None:  # no command: the window
        from returns_desk.ui.app import run_window

        return run_window(db=window["db"], lang=window["lang"])
    parser = build_parser(command_in(argv))
    args = parser.parse_args(argv)
    lang = _lang(args)
    if args.selftest:
        from returns_desk.ui.selftest import run

        return run(args.lang or "zh_CN")
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
