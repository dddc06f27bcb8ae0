"""``bts-kit``: the command a facilitator types, so every error is one clear line.

Subcommands: ``init`` (a new collaborative and its facilitator passcode), ``demo`` (load the demo
collaborative), ``export`` / ``import`` (workbook JSON, or observations from CSV/Excel),
``codes`` (the teams' join codes to hand out) and ``serve`` (the apps in Voilà). Each honours
``--database URL`` and otherwise ``KIT_DATABASE_URL``.
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

DATASETS = Path(__file__).resolve().parent.parent / "datasets"
DEMO_WORKBOOK = DATASETS / "demo-collaborative.json"


class CommandError(Exception):
    """A failure whose message is already the one line the facilitator should read."""


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
    return args.collaborative or _only_collaborative(store, actor)


def cmd_init(args: argparse.Namespace) -> int:
    from kit.qi import Collaborative, check
    from kit.store import Actor

    passcode = args.passcode or os.environ.get("KIT_FACILITATOR_PASSCODE")
    if not passcode:
        if not sys.stdin.isatty():
            raise CommandError(
                "Give the facilitator passcode with --passcode or KIT_FACILITATOR_PASSCODE."
            )
        import getpass

        passcode = getpass.getpass("Facilitator passcode (at least 8 characters): ")
    if len(passcode) < 8:
        raise CommandError("The facilitator passcode needs at least 8 characters.")
    collab = check(Collaborative, {"name": args.name, "topic": args.topic or ""})
    actor = Actor.system()
    with _open_store(args) as store:
        store.save(collab, actor, expected_version=None)
        store.set_facilitator_passcode(collab.id, passcode, actor)
    print(
        f"Created collaborative '{collab.name}' (id {collab.id}). Sign in to the apps with your passcode."
    )
    return 0


def load_demo(store, settings=None) -> str:
    """Load the demo collaborative (or, with ``settings``, a generated one); return its id.

    ``settings`` is a ``kit.datasets.Settings``; ``serve`` and the tests call this with none.
    Every collaborative loaded here signs its facilitator in with the demo passcode.
    """
    from kit import demo
    from kit.store import Actor
    from kit.store.workbook import import_workbook, read_workbook

    actor = Actor.system()
    if settings is not None:
        from kit.datasets import generate
        from kit.datasets.export import workbook

        generated = generate(settings)
        import_workbook(store, actor, workbook(generated.records))
        store.set_facilitator_passcode(generated.collaborative.id, demo.FACILITATOR_PASSCODE, actor)
        return generated.collaborative.id
    if DEMO_WORKBOOK.exists():
        import_workbook(store, actor, read_workbook(DEMO_WORKBOOK))
    else:  # an installed wheel has no datasets/ folder: build the same records in memory
        from kit.datasets.export import workbook

        import_workbook(store, actor, workbook(demo.build_demo()))
    store.set_facilitator_passcode(demo.COLLABORATIVE_ID, demo.FACILITATOR_PASSCODE, actor)
    for team_id, code in demo.JOIN_CODES.items():
        store.issue_join_code(team_id, actor, code=code)
    return demo.COLLABORATIVE_ID


def cmd_demo(args: argparse.Namespace) -> int:
    from kit import demo
    from kit.qi import Collaborative
    from kit.store import Actor

    options = (args.topic, args.teams, args.months, args.baseline_months, args.seed)
    settings = None
    if any(o is not None for o in options):
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


def cmd_export(args: argparse.Namespace) -> int:
    from kit.store import Actor
    from kit.store.workbook import export_observations_xlsx, export_workbook, write_workbook

    actor = Actor.system()
    path = Path(args.file)
    with _open_store(args) as store:
        collab = _collaborative_id(store, actor, args)
        if path.suffix.lower() == ".xlsx":
            export_observations_xlsx(store, actor, path, collab, team_id=args.team)
        else:
            write_workbook(path, export_workbook(store, actor, collab, team_id=args.team))
    print(f"Wrote {path}.")
    return 0


def _team_by_name(store, actor, collab: str, name: str) -> str:
    from kit.qi import Team

    teams = store.find(Team, actor, collaborative_id=collab)
    for saved in teams:
        if name in (saved.record.id, saved.record.name):
            return saved.record.id
    known = ", ".join(s.record.name for s in teams) or "none yet"
    raise CommandError(f"No team called '{name}'. Teams: {known}.")


def _measure_by_name(store, actor, collab: str, name: str) -> str:
    from kit.qi import Measure

    measures = store.find(Measure, actor, collaborative_id=collab)
    for saved in measures:
        if name in (saved.record.id, saved.record.name):
            return saved.record.id
    known = ", ".join(s.record.name for s in measures) or "none yet"
    raise CommandError(f"No measure called '{name}'. Measures: {known}.")


def cmd_import(args: argparse.Namespace) -> int:
    from kit.store import Actor

    actor = Actor.system()
    path = Path(args.file)
    if not path.exists():
        raise CommandError(f"There is no file at {path}.")
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
    from kit.qi import Team
    from kit.store import Actor

    actor = Actor.system()
    with _open_store(args) as store:
        collab = _collaborative_id(store, actor, args)
        names = {
            s.record.id: s.record.name for s in store.find(Team, actor, collaborative_id=collab)
        }
        codes = store.join_codes(collab, actor)
        for team_id, name in sorted(names.items(), key=lambda kv: kv[1]):
            code = codes.get(team_id) or store.issue_join_code(team_id, actor)
            print(f"{name}: {code}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from kit.serve import serve

    return serve(
        database=args.database,
        port=args.port,
        public=args.public,
        open_browser=not args.no_browser,
        pool_size=args.pool_size,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bts-kit",
        description="Breakthrough Kit: apps for running a Breakthrough Series collaborative.",
    )
    parser.add_argument(
        "--database",
        default=None,
        help="database URL (default: KIT_DATABASE_URL or a SQLite file in your data folder)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("init", help="create a new collaborative and its facilitator passcode")
    p.add_argument("--name", required=True, help="the collaborative's name")
    p.add_argument("--topic", default="", help="its topic")
    p.add_argument(
        "--passcode", help="facilitator passcode (else KIT_FACILITATOR_PASSCODE or a prompt)"
    )
    p.set_defaults(func=cmd_init)

    p = sub.add_parser(
        "demo", help="load the demo falls collaborative, or a generated one (--topic, --teams ...)"
    )
    p.add_argument("--topic", choices=["falls", "clabsi", "sepsis"], help="generate this topic")
    p.add_argument("--teams", type=int, help="number of teams, 3-100 (default 8)")
    p.add_argument("--months", type=int, help="months of data in all, 12-36 (default 24)")
    p.add_argument(
        "--baseline-months", type=int, help="months before the first learning session (default 12)"
    )
    p.add_argument("--seed", type=int, help="random seed: the same seed gives the same data")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser(
        "export", help="export the collaborative as a workbook .json, or data as .xlsx"
    )
    p.add_argument("file")
    p.add_argument("--collaborative", help="collaborative id, when the database holds several")
    p.add_argument("--team", help="export one team's work only")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("import", help="import a workbook .json, or observations from .csv/.xlsx")
    p.add_argument("file")
    p.add_argument("--collaborative", help="collaborative id, when the database holds several")
    p.add_argument("--measure", help="measure name or id (for a CSV/Excel file of observations)")
    p.add_argument("--team", help="team name or id (for a CSV/Excel file of observations)")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("codes", help="print each team's join code")
    p.add_argument("--collaborative", help="collaborative id, when the database holds several")
    p.set_defaults(func=cmd_codes)

    p = sub.add_parser("serve", help="serve the apps with Voila")
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
    p.set_defaults(func=cmd_serve)
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
