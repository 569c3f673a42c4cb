"""``import``, ``export``, ``backup`` and ``restore``: moving a library in and out."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from mediatrack.cli.common import (
    CliError,
    int_argument,
    kind_argument,
    library_path,
    open_library,
    print_json,
    print_table,
    refused_unless_yes,
)
from mediatrack.display.entries import counted
from mediatrack.display.exchange import candidate_label, import_summary_lines
from mediatrack.display.text import inert

if TYPE_CHECKING:
    from rich.progress import TaskID

SOURCES = ("goodreads", "storygraph", "letterboxd", "trakt", "imdb", "opml", "mediatrack")


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    importing = commands.add_parser(
        "import",
        parents=[common],
        help="import another tracker's export (or `import review` the rows left to match)",
        description=(
            "Import SOURCE from PATH. Re-importing is safe: merge (the default) adds new items, "
            "ticks and dates and keeps every change you made after the file's date; only-new "
            "adds only items you do not have; overwrite lets the file win. Rows that match "
            "nothing go to `mediatrack import review`."
        ),
    )
    importing.add_argument("source", choices=[*SOURCES, "review"], metavar="SOURCE")
    importing.add_argument("path", nargs="?", type=Path, metavar="PATH")
    importing.add_argument("--mode", choices=("merge", "only-new", "overwrite"), default="merge")
    importing.add_argument("--dry-run", action="store_true", help="report, change nothing")
    importing.add_argument("--json", action="store_true", help="print the summary as JSON")
    importing.add_argument("--retry", action="store_true", help="review: match the rows again")
    importing.add_argument(
        "--pick", nargs=2, metavar=("ROW", "CATALOG_ID"), help="review: import ROW as this id"
    )
    importing.add_argument(
        "--by-hand", type=int_argument, metavar="ROW", help="review: add ROW as typed"
    )
    importing.add_argument("--skip", type=int_argument, metavar="ROW", help="review: skip ROW")
    importing.add_argument(
        "--search",
        nargs=2,
        metavar=("ROW", "QUERY"),
        help="review: search the catalog again for ROW with your own words",
    )
    importing.add_argument("--yes", action="store_true", help="go ahead with --mode overwrite")
    importing.set_defaults(handler=run_import)

    export = commands.add_parser(
        "export",
        parents=[common],
        help="export the library (json is a lossless backup that `import mediatrack` restores)",
    )
    export.add_argument(
        "--format", choices=("json", "csv", "goodreads", "letterboxd", "opml"), default="json"
    )
    export.add_argument(
        "--kind", type=kind_argument, help="only this kind: tv, movie, book, podcast"
    )
    export.add_argument(
        "-o", "--output", type=Path, metavar="PATH", help="file (a folder for csv); default stdout"
    )
    export.set_defaults(handler=run_export)

    backup = commands.add_parser(
        "backup", parents=[common], help="copy the library file, safely while the app runs"
    )
    backup.add_argument("path", nargs="?", type=Path, metavar="PATH")
    backup.set_defaults(handler=run_backup)

    restore = commands.add_parser(
        "restore",
        parents=[common],
        help="put a backup in place of the library (the current one is kept aside)",
    )
    restore.add_argument("path", type=Path, metavar="PATH")
    restore.set_defaults(handler=run_restore)


def _service(args: argparse.Namespace):
    from mediatrack.services.importing import ImportService

    library = open_library(args)
    return ImportService(user_id=library.user_id)


class _Bar:
    """The import's bars (matching, then writing), drawn only when stdout and stderr are
    terminals."""

    def __init__(self, enabled: bool) -> None:
        from mediatrack.cli.progress import job_bars, stderr_console

        self.progress = job_bars(stderr_console(), enabled=enabled)
        self.tasks: dict[str, TaskID] = {}

    def __enter__(self) -> _Bar:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def __call__(self, stage: str, done: int, total: int) -> None:
        label = {"match": "Matching", "apply": "Writing"}.get(stage, stage)
        if stage not in self.tasks:
            self.tasks[stage] = self.progress.add_task(label, total=total)
        self.progress.update(self.tasks[stage], completed=done, total=total, description=label)

    def waiting(self, catalog: str, seconds: float) -> None:
        """A look-up waits for a catalog's rate limit: the Matching line says so."""
        from mediatrack.display.exchange import waiting_line

        line = f"Matching ({waiting_line(catalog, seconds)})"
        if "match" not in self.tasks:
            self.tasks["match"] = self.progress.add_task(line, total=None)
        self.progress.update(self.tasks["match"], description=line)


def run_import(args: argparse.Namespace) -> int:
    service = _service(args)
    if args.source == "review":
        return _review(args, service)
    if args.path is None:
        raise CliError(f"Give the file to import: mediatrack import {args.source} PATH.")
    with refused_unless_yes(), _Bar(not args.json) as bar:
        service.on_wait = bar.waiting
        summary = service.run(
            args.source,
            args.path,
            mode=args.mode,
            dry_run=args.dry_run,
            on_progress=bar,
            confirm=args.yes,
        )
    if args.json:
        print_json(summary.as_dict())
        return 0
    _print_summary(summary)
    return 0


def _print_summary(summary) -> None:
    for line in import_summary_lines(summary):
        print(line)
    if summary.to_review and not summary.dry_run:
        print("See them with `mediatrack import review`; pick a match with --pick ROW ID.")


def _review(args: argparse.Namespace, service) -> int:
    if args.retry:
        summary = service.retry()
        if args.json:
            print_json(summary.as_dict())
        else:
            _print_summary(summary)
        return 0
    if args.search:
        row = int_argument(args.search[0])
        found = service.search_again(row, args.search[1])
        if args.json:
            print_json(found)
        elif not found:
            print(inert(f"Nothing found for {args.search[1]!r}; try other words, or --by-hand."))
        else:
            print_table(
                ("CATALOG_ID", "TITLE", "YEAR"),
                [(c["catalog_id"], c["title"], str(c["year"] or "")) for c in found],
            )
            print(f"Pick one with `mediatrack import review --pick {row} CATALOG_ID`.")
        return 0
    if args.pick or args.by_hand is not None or args.skip is not None:
        if args.pick:
            row, chosen = int_argument(args.pick[0]), args.pick[1]
        elif args.by_hand is not None:
            row, chosen = args.by_hand, "hand"
        else:
            row, chosen = args.skip, None
        summary = service.resolve(row, chosen)
        if chosen is None:
            print(f"Row {row} skipped; importing the file again will skip it too.")
        elif summary.to_review:
            print(inert(f"Row {row} is still unmatched: {summary.review[0][2]}."))
        else:
            print(f"Row {row} imported ({summary.added} added, {summary.updated} updated).")
        return 0
    rows = service.review()
    if args.json:
        print_json(
            [
                {
                    "row": row.id,
                    "source": row.source,
                    "line": row.line,
                    "kind": row.kind,
                    "title": row.title,
                    "reason": row.reason,
                    "candidates": row.candidates,
                }
                for row in rows
            ]
        )
        return 0
    if not rows:
        print("Nothing to review.")
        return 0
    print_table(
        ("ROW", "TITLE", "SOURCE", "LINE", "WHY"),
        [(str(row.id), row.title, row.source, str(row.line), row.reason) for row in rows],
        after={
            index: [f"  {candidate_label(c)}" for c in row.candidates]
            for index, row in enumerate(rows)
        },
    )
    if any(row.candidates for row in rows):
        print("Pick a candidate with `mediatrack import review --pick ROW CATALOG_ID`.")
    return 0


def run_export(args: argparse.Namespace) -> int:
    from mediatrack.services.exporting import export

    library = open_library(args)
    files = export(args.format, args.kind, library.user_id)
    if args.output is None:
        if len(files) > 1:
            raise CliError("A csv export of every kind is one file per kind: give -o FOLDER.")
        text = files[0].text  # exact into a pipe or file; inert on a terminal
        sys.stdout.write(inert(text, single_line=False) if sys.stdout.isatty() else text)
        return 0
    if len(files) > 1 or args.output.is_dir():
        args.output.mkdir(parents=True, exist_ok=True)
        targets = [(args.output / file.name, file) for file in files]
    else:
        targets = [(args.output, files[0])]
    for target, file in targets:
        try:
            target.write_text(file.text, encoding="utf-8", newline="")
        except OSError as error:
            raise CliError(f"Could not write {target} ({error.strerror}).") from None
        print(inert(f"Wrote {counted(file.items, 'item')} to {target}."))
    return 0


def run_backup(args: argparse.Namespace) -> int:
    from mediatrack.services.exporting import backup

    target = backup(library_path(args), args.path)
    print(inert(f"Backed up the library to {target}."))
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from mediatrack.services.exporting import restore

    library = library_path(args)
    aside = restore(args.path, library)
    print(inert(f"Restored {args.path}; the library that was there is kept at {aside}."))
    return 0
