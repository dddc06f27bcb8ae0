"""``bts-kit``: the command a facilitator types, so every error is one clear line.

Subcommands: ``init`` (a new collaborative and its facilitator passcode), ``passcode`` (set or
reset that passcode), ``demo`` (load the demo collaborative), ``export`` / ``import`` (workbook
JSON, or observations as CSV/Excel), ``codes`` (the teams' join codes to hand out), ``report``
(storyboards and the collaborative summary as HTML, a progress bar on stderr) and ``serve``
(the apps in Voilà). Each honours ``--database URL``, before or after the subcommand, and
otherwise ``KIT_DATABASE_URL``.

Every subcommand imports what it needs when it runs (the store, pandas, openpyxl, Voilà's
command line), so ``bts-kit codes`` does not pay for what ``bts-kit serve`` uses;
``tests/test_cli.py`` holds it.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from kit.errors import Conflict, KitInputError, PermissionDenied

log = logging.getLogger("kit.cli")


class CommandError(Exception):
    """A failure whose message is already the one line the facilitator should read."""


#: the file layouts, shown by ``bts-kit --help``, ``bts-kit import --help`` and the README
FILE_LAYOUTS = """\
files:
  FILE.json   a workbook: the whole collaborative (import: all or nothing)
  FILE.xlsx   export: measure data ("Data" sheet), with "Measures" and "Teams" sheets
  FILE.csv    export: measure data, one row per team, measure and period

observations from CSV or Excel (bts-kit import FILE.csv --measure NAME --team NAME):
  one team's data for one measure. A CSV (comma, semicolon or tab separated) or an Excel
  .xlsx (its first sheet) whose first row names the columns, in any order and case:
    period,value                      a measure reported as one number per period
    period,numerator,denominator      a measure reported as a fraction (a percentage, a rate)
    note                              optional; other columns are ignored
  period: 2026-03 or 2026-03-01 (also Mar 2026, 03/2026, Excel dates; 01/03/2026 only when
  the column shows which number is the day). Every row is imported or none, and each
  problem is listed by its row number. Rows for periods already stored replace them.
  example:
    period,numerator,denominator,note
    2026-01,3,880,
    2026-02,2,850,new falls-risk checklist

  bts-kit export FILE.csv writes the columns team, measure, period, value, numerator,
  denominator, note, team_id, measure_id: with --team and --measure its rows import back
  unchanged.
"""

#: the extensions of a file of observations (everything else is read as a workbook)
OBSERVATION_FILES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")

#: the passcode's one rule, shared by init and passcode
PASSCODE_MIN = 8


def _open_store(args: argparse.Namespace):  # -> Store, imported lazily to keep --help fast
    from kit.store import Store

    return Store.open(args.database)


def _only_collaborative(store, actor) -> str:
    from kit.qi import Collaborative

    found = store.find(Collaborative, actor)
    if not found:
        raise CommandError(
            "This database has no collaborative yet: run 'bts-kit init' or 'bts-kit demo'."
        )
    if len(found) > 1:
        names = ", ".join(f"{s.record.id} ({s.record.name})" for s in found)
        raise CommandError(
            f"This database holds several collaboratives; pick one with --collaborative: {names}"
        )
    return found[0].record.id


def _collaborative_id(store, actor, args: argparse.Namespace) -> str:
    """The collaborative named by ``--collaborative`` (its name or its id), else the only one."""
    if not args.collaborative:
        return _only_collaborative(store, actor)
    from kit.qi import Collaborative

    return _by_name_or_id(store.find(Collaborative, actor), args.collaborative, "collaborative")


def _by_name_or_id(found: list, wanted: str, what: str) -> str:
    """The id of the saved record whose id or name is ``wanted`` (names in any case)."""
    for saved in found:
        if wanted == saved.record.id:
            return saved.record.id
    matches = [s for s in found if s.record.name.strip().casefold() == wanted.strip().casefold()]
    if len(matches) == 1:
        return matches[0].record.id
    if matches:
        ids = ", ".join(s.record.id for s in matches)
        raise CommandError(f"Several {what}s are called '{wanted}'; give one of their ids: {ids}.")
    known = ", ".join(s.record.name for s in found) or "none yet"
    raise CommandError(f"No {what} called '{wanted}'. {what.capitalize()}s: {known}.")


def _read_passcode(args: argparse.Namespace) -> str:
    """The facilitator passcode: ``--passcode`` (init only), ``KIT_FACILITATOR_PASSCODE``, or
    typed twice at a prompt that does not echo it. Never printed."""
    passcode = getattr(args, "passcode", None) or os.environ.get("KIT_FACILITATOR_PASSCODE")
    if not passcode:
        if not sys.stdin.isatty():
            where = "--passcode or " if hasattr(args, "passcode") else ""
            raise CommandError(
                f"Give the facilitator passcode with {where}KIT_FACILITATOR_PASSCODE."
            )
        import getpass

        passcode = getpass.getpass(f"Facilitator passcode (at least {PASSCODE_MIN} characters): ")
        if getpass.getpass("The same passcode again: ") != passcode:
            raise CommandError("The two passcodes differ; nothing was changed.")
    if len(passcode) < PASSCODE_MIN:
        raise CommandError(f"The facilitator passcode needs at least {PASSCODE_MIN} characters.")
    return passcode


def cmd_init(args: argparse.Namespace) -> int:
    from kit.qi import Collaborative, check
    from kit.store import Actor

    actor = Actor.system()
    with _open_store(args) as store:
        wanted = args.name.strip().casefold()
        for saved in store.find(Collaborative, actor):
            if saved.record.name.strip().casefold() == wanted:
                raise CommandError(
                    f"This database already has a collaborative called '{saved.record.name}' "
                    f"(id {saved.record.id}); choose another name, or reset its facilitator "
                    "passcode with 'bts-kit passcode'."
                )
        passcode = _read_passcode(args)
        collab = check(Collaborative, {"name": args.name, "topic": args.topic or ""})
        store.save(collab, actor, expected_version=None)
        store.set_facilitator_passcode(collab.id, passcode, actor)
    print(
        f"Created collaborative '{collab.name}' (id {collab.id}). Sign in to the apps with your passcode."
    )
    return 0


def cmd_passcode(args: argparse.Namespace) -> int:
    """Set or reset a collaborative's facilitator passcode, e.g. after importing a workbook
    into a new database (a workbook carries the teams, never the passcode)."""
    from kit.qi import Collaborative
    from kit.store import Actor

    actor = Actor.system()
    with _open_store(args) as store:
        collab_id = _collaborative_id(store, actor, args)
        passcode = _read_passcode(args)
        store.set_facilitator_passcode(collab_id, passcode, actor)
        name = store.get(Collaborative, collab_id, actor).record.name
    print(f"Set the facilitator passcode of '{name}' (id {collab_id}).")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from kit import demo
    from kit.demo import load_demo
    from kit.qi import Collaborative
    from kit.store import Actor

    settings = _demo_settings(args)
    with _open_store(args) as store:
        existing = [s.record.id for s in store.find(Collaborative, Actor.system())]
        wanted = demo.COLLABORATIVE_ID if settings is None else f"{settings.topic}-{settings.seed}"
        if wanted in existing:
            raise CommandError(f"The collaborative '{wanted}' is already in this database.")
        collaborative_id = load_demo(store, settings)
    if settings is not None:
        print(
            f"Loaded the generated collaborative '{collaborative_id}' ({settings.teams} teams, "
            f"{settings.months} months; facilitator passcode '{demo.FACILITATOR_PASSCODE}'). "
            f"Print the teams' join codes with 'bts-kit codes --collaborative {collaborative_id}'."
        )
        return 0
    codes = ", ".join(f"{team}: {code}" for team, code in demo.JOIN_CODES.items())
    print(
        "Loaded the demo collaborative 'Safer Wards Falls Collaborative' "
        f"(facilitator passcode '{demo.FACILITATOR_PASSCODE}'; join codes {codes})."
    )
    return 0


def _demo_settings(args: argparse.Namespace):
    """The generator's settings when any generator option was given, else None (the demo)."""
    options = (args.topic, args.teams, args.months, args.baseline_months, args.seed)
    if all(o is None for o in options):
        return None
    from kit.datasets import Settings

    defaults = Settings()
    months = defaults.months if args.months is None else args.months
    settings = Settings(
        topic=args.topic or "falls",
        teams=defaults.teams if args.teams is None else args.teams,
        months=months,
        baseline_months=min(defaults.baseline_months, months - 6)
        if args.baseline_months is None
        else args.baseline_months,
        seed=defaults.seed if args.seed is None else args.seed,
    )
    settings.check()
    return settings


def cmd_export(args: argparse.Namespace) -> int:
    from kit.store import Actor

    actor = Actor.system()
    path = Path(args.file)
    suffix = path.suffix.lower()
    if suffix not in (".json", ".xlsx", ".csv"):
        raise CommandError(
            f"bts-kit export writes .json (the whole collaborative), .xlsx or .csv (measure "
            f"data), not '{suffix or path.name}'."
        )
    if args.measure and suffix != ".csv":
        raise CommandError("--measure chooses the rows of a .csv export; leave it out here.")
    with _open_store(args) as store:
        collab = _collaborative_id(store, actor, args)
        team_id = _team_by_name(store, actor, collab, args.team) if args.team else None
        if suffix == ".xlsx":
            from kit.store.workbook import export_observations_xlsx

            export_observations_xlsx(store, actor, path, collab, team_id=team_id)
        elif suffix == ".csv":
            measure_id = (
                _measure_by_name(store, actor, collab, args.measure) if args.measure else None
            )
            rows = write_observations_csv(store, actor, path, collab, team_id, measure_id)
            print(f"Wrote {rows} rows of measure data to {path}.")
            return 0
        else:
            from kit.store.workbook import export_workbook, write_workbook

            write_workbook(path, export_workbook(store, actor, collab, team_id=team_id))
    print(f"Wrote {path}.")
    return 0


#: the columns of ``bts-kit export FILE.csv`` (``FILE_LAYOUTS``; the .xlsx "Data" sheet's too)
CSV_COLUMNS = (
    "team", "measure", "period", "value", "numerator", "denominator", "note", "team_id",
    "measure_id",
)  # fmt: skip


def _csv_cell(value: object) -> object:
    """A cell as a spreadsheet opens it safely: no NaN, and typed text never read as a formula."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value
    return value


def write_observations_csv(
    store, actor, path: Path, collab: str, team_id: str | None, measure_id: str | None
) -> int:
    """Measure data as CSV in the layout ``FILE_LAYOUTS`` documents; returns the rows written."""
    import csv

    from kit.qi import Measure, Team

    teams = {s.record.id: s.record.name for s in store.find(Team, actor, collaborative_id=collab)}
    measures = {
        s.record.id: s.record.name for s in store.find(Measure, actor, collaborative_id=collab)
    }
    frame = store.observations(actor, collaborative_id=collab, team_id=team_id)
    if measure_id is not None:
        frame = frame[frame["measure_id"] == measure_id]
    rows = [
        [
            teams.get(row.team_id, row.team_id),
            measures.get(row.measure_id, row.measure_id),
            row.period.date().isoformat(),
            row.value,
            row.numerator,
            row.denominator,
            row.note,
            row.team_id,
            row.measure_id,
        ]
        for row in frame.itertuples(index=False)
    ]
    rows.sort(key=lambda r: (str(r[0]), str(r[1]), r[2]))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        writer.writerows([_csv_cell(cell) for cell in row] for row in rows)
    return len(rows)


def _team_by_name(store, actor, collab: str, name: str) -> str:
    from kit.qi import Team

    return _by_name_or_id(store.find(Team, actor, collaborative_id=collab), name, "team")


def _measure_by_name(store, actor, collab: str, name: str) -> str:
    from kit.qi import Measure

    return _by_name_or_id(store.find(Measure, actor, collaborative_id=collab), name, "measure")


def cmd_import(args: argparse.Namespace) -> int:
    from kit.store import Actor

    actor = Actor.system()
    path = Path(args.file)
    if not path.exists():
        raise CommandError(f"There is no file at {path}.")
    if path.suffix.lower() in OBSERVATION_FILES and not (args.measure and args.team):
        raise CommandError(
            f"A {path.suffix.lstrip('.').upper()} file holds one team's observations of one "
            "measure: give --measure NAME and --team NAME ('bts-kit import --help' shows the "
            "columns)."
        )
    with _open_store(args) as store:
        if args.measure or args.team:
            if not (args.measure and args.team):
                raise CommandError("To import observations give both --measure and --team.")
            from kit.store.observation_import import import_observations

            collab = _collaborative_id(store, actor, args)
            measure_id = _measure_by_name(store, actor, collab, args.measure)
            team_id = _team_by_name(store, actor, collab, args.team)
            count = import_observations(store, actor, path, measure_id, team_id)
            print(f"Imported {count} observations for {args.measure} ({args.team}).")
        else:
            from kit.store.workbook import import_workbook, read_workbook

            summary = import_workbook(store, actor, read_workbook(path))
            print(f"Imported workbook {path.name}: {summary}.")
    return 0


def cmd_codes(args: argparse.Namespace) -> int:
    from kit.qi import Collaborative, Team
    from kit.store import Actor

    actor = Actor.system()
    with _open_store(args) as store:
        collab = _collaborative_id(store, actor, args)
        names = {
            s.record.id: s.record.name for s in store.find(Team, actor, collaborative_id=collab)
        }
        if not names:
            name = store.get(Collaborative, collab, actor).record.name
            print(
                f"'{name}' has no teams yet, so there are no join codes to hand out: enrol teams "
                "in the Set-up and topic app (01), or import a workbook that has them."
            )
            return 0
        codes = store.join_codes(collab, actor)
        for team_id, name in sorted(names.items(), key=lambda kv: kv[1]):
            code = codes.get(team_id) or store.issue_join_code(team_id, actor)
            print(f"{name}: {code}")
    return 0


def text_progress(stream=None, width: int = 30):
    """A progress bar on stderr for long work: ``[#####-----] 3/8 Storyboard: Riverside``."""
    out = stream or sys.stderr

    def show(done: int, total: int, label: str) -> None:
        filled = width * done // max(total, 1)
        end = "\n" if done >= total else ""
        out.write(
            f"\r[{'#' * filled}{'-' * (width - filled)}] {done}/{total} {label[:50]:<50}{end}"
        )
        out.flush()

    return show


def cmd_report(args: argparse.Namespace) -> int:
    from kit.reports import write_reports
    from kit.store import Actor

    actor = Actor.system("bts-kit report")
    with _open_store(args) as store:
        collab = _collaborative_id(store, actor, args)
        written = write_reports(
            store, args.out, team=args.team, progress=text_progress(), actor=actor,
            collaborative_id=collab,
        )  # fmt: skip
    for path in written:
        print(path)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from kit.server.command import serve

    if args.room < 0:
        raise CommandError("--room is the number of people expected: 0 or more.")
    return serve(
        database=args.database,
        port=args.port,
        public=args.public,
        open_browser=not args.no_browser,
        pool_size=args.pool_size,
        room=args.room,
    )


def cmd_backup(args: argparse.Namespace) -> int:
    """A consistent copy of the database while the apps write (``kit/store/backup.py``)."""
    from kit.store import default_database_url
    from kit.store.backup import backup

    result = backup(args.database or default_database_url(), args.file)
    print(f"Backed up {result.source} to {result.target} ({result.pages} pages, integrity ok).")
    return 0


def build_parser() -> argparse.ArgumentParser:
    # --database and -v are read before or after the subcommand ("bts-kit serve --database URL"
    # and "bts-kit --database URL serve"). The subcommands' copies default to SUPPRESS, so a
    # value given before the subcommand is not overwritten by their absence.
    database_help = "database URL (default: KIT_DATABASE_URL or a SQLite file in your data folder)"
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--database", default=argparse.SUPPRESS, help=database_help)
    common.add_argument(
        "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="log details"
    )
    parser = argparse.ArgumentParser(
        prog="bts-kit",
        description="Breakthrough Kit: apps for running a Breakthrough Series collaborative.",
        epilog=FILE_LAYOUTS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--database", default=None, help=database_help)
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, help: str, func, **kwargs) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help, parents=[common], **kwargs)
        p.set_defaults(func=func)
        return p

    def which_collaborative(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--collaborative", help="collaborative name or id, when the database holds several"
        )

    p = command("init", "create a new collaborative and its facilitator passcode", cmd_init)
    p.add_argument("--name", required=True, help="the collaborative's name (one per database)")
    p.add_argument("--topic", default="", help="its topic")
    p.add_argument(
        "--passcode", help="facilitator passcode (else KIT_FACILITATOR_PASSCODE or a prompt)"
    )

    p = command(
        "passcode",
        "set or reset a collaborative's facilitator passcode (KIT_FACILITATOR_PASSCODE, or "
        "typed at a prompt that does not show it)",
        cmd_passcode,
    )
    which_collaborative(p)

    p = command(
        "demo",
        "load the demo falls collaborative, or a generated one (--topic, --teams ...)",
        cmd_demo,
    )
    p.add_argument("--topic", choices=["falls", "clabsi", "sepsis"], help="generate this topic")
    p.add_argument("--teams", type=int, help="number of teams, 3-100 (default 8)")
    p.add_argument("--months", type=int, help="months of data in all, 12-36 (default 24)")
    p.add_argument(
        "--baseline-months", type=int, help="months before the first learning session (default 12)"
    )
    p.add_argument("--seed", type=int, help="random seed: the same seed gives the same data")

    layouts = {"epilog": FILE_LAYOUTS, "formatter_class": argparse.RawDescriptionHelpFormatter}
    p = command(
        "export",
        "export the collaborative as a workbook .json, or its measure data as .xlsx or .csv",
        cmd_export,
        **layouts,
    )
    p.add_argument("file", help="FILE.json, FILE.xlsx or FILE.csv")
    which_collaborative(p)
    p.add_argument("--team", help="one team's work only (team name or id)")
    p.add_argument("--measure", help="one measure's data only, in a .csv (measure name or id)")

    p = command(
        "import", "import a workbook .json, or observations from .csv/.xlsx", cmd_import, **layouts
    )
    p.add_argument("file", help="FILE.json, or FILE.csv / FILE.xlsx with --measure and --team")
    which_collaborative(p)
    p.add_argument("--measure", help="measure name or id (for a CSV/Excel file of observations)")
    p.add_argument("--team", help="team name or id (for a CSV/Excel file of observations)")

    p = command("codes", "print each team's join code", cmd_codes)
    which_collaborative(p)

    p = command(
        "report",
        "write each team's storyboard and the collaborative summary as standalone HTML files",
        cmd_report,
    )
    which_collaborative(p)
    p.add_argument("--team", help="one team's storyboard only (team name or id)")
    p.add_argument("--out", default="reports", help="folder to write into (default: reports)")

    p = command(
        "backup",
        "copy the database consistently while the apps run (PostgreSQL: prints the pg_dump command)",
        cmd_backup,
    )
    p.add_argument("file", help="the new SQLite file to write the copy to")

    p = command("serve", "serve the apps with Voila", cmd_serve)
    p.add_argument("--port", type=int, default=8866)
    p.add_argument(
        "--public",
        action="store_true",
        help="listen on all interfaces (put it behind authentication)",
    )
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
    p.add_argument(
        "--pool-size",
        type=int,
        default=2,
        help="preheated kernels per app (0 turns preheating off)",
    )
    p.add_argument(
        "--room",
        type=int,
        default=0,
        metavar="N",
        help="people expected at once: warm N kernels for the apps a room opens first, and "
        "say how much memory that takes",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if args.database:
        os.environ["KIT_DATABASE_URL"] = args.database
    try:
        return int(args.func(args) or 0)
    except (CommandError, KitInputError, PermissionDenied, Conflict) as error:
        print(f"bts-kit: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # the one place a traceback could escape: log it, say one line
        log.debug("unexpected error", exc_info=True)
        print(
            f"bts-kit: unexpected error ({type(error).__name__}: {error}); run with -v for details.",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
