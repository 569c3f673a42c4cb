"""``next`` and ``calendar``: Up Next and what airs, from the command line (as in the app)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from mediatrack.agenda import (
    Calendar,
    NextPodcastRow,
    NextShowRow,
    UpNextItem,
    is_finale,
    is_premiere,
)
from mediatrack.cli.common import CliError, int_argument, open_library, print_json, print_table
from mediatrack.display.agenda import (
    NOTHING_NEXT,
    UP_NEXT_HEADER,
    airing_cells,
    day_heading,
    kind_mark,
    new_episodes_cells,
    nothing_airing,
    range_text,
    up_next_cells,
)
from mediatrack.display.text import inert
from mediatrack.records import episode_code

if TYPE_CHECKING:
    from mediatrack.services.agenda import Agenda


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    upcoming = commands.add_parser(
        "next",
        parents=[common],
        help="what to watch, listen to and read next",
        description=(
            "The next aired episode of every show you are watching (most recently watched "
            "first, with how many aired episodes are left), the next episode of every podcast "
            "you listen to, and the page of every book you are reading."
        ),
    )
    upcoming.add_argument("--json", action="store_true", help="print a JSON array")
    upcoming.set_defaults(handler=print_next)

    calendar = commands.add_parser(
        "calendar",
        parents=[common],
        help="episodes airing soon, and new podcast episodes",
        description=(
            "Episodes of every show you track airing in the next days, by day, season "
            "premieres and finales marked, from what the last refresh stored (no network); "
            "and podcast episodes new since your last listen."
        ),
    )
    calendar.add_argument(
        "--days", type=int_argument, default=7, help="how many days ahead, today included (7)"
    )
    calendar.add_argument("--json", action="store_true", help="print JSON")
    calendar.add_argument(
        "--ics",
        type=Path,
        metavar="PATH",
        help="also write the episodes as an iCalendar file (all-day events, stable UIDs)",
    )
    calendar.set_defaults(handler=print_calendar)


def _agenda(args: argparse.Namespace) -> Agenda:
    from mediatrack.services.agenda import Agenda

    return Agenda(None, open_library(args).user_id)


def _stamp(value: dt.datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") + "Z" if value else None


def up_next_json(item: UpNextItem) -> dict[str, object]:
    data: dict[str, object] = {"id": str(item.key), "kind": kind_mark(item), "title": item.title}
    if isinstance(item, NextShowRow):
        data |= {
            "episode": episode_code(item.season_number, item.episode_number),
            "episode_title": item.episode_name,
            "air_date": item.air_date,
            "left": item.left,
        }
    elif isinstance(item, NextPodcastRow):
        data |= {
            "episode_title": item.episode_title,
            "published_at": _stamp(item.published_at),
            "left": item.left,
        }
    else:
        data |= {"authors": item.authors, "page": item.page, "pages": item.pages}
    data["last_activity"] = _stamp(item.last_activity)
    return data


def print_next(args: argparse.Namespace) -> int:
    items = _agenda(args).up_next()
    if args.json:
        print_json([up_next_json(item) for item in items])
        return 0
    if not items:
        print(NOTHING_NEXT)
        return 0
    today = dt.date.today()  # air dates are local dates
    rows = [(str(item.key), *up_next_cells(item, today)) for item in items]
    print_table(("Id", *UP_NEXT_HEADER), rows)
    return 0


def calendar_json(calendar: Calendar) -> dict[str, object]:
    return {
        "from": calendar.first.isoformat(),
        "to": calendar.last.isoformat(),
        "days": [
            {
                "date": day.day.isoformat(),
                "episodes": [
                    {
                        "id": str(row.key),
                        "title": row.title,
                        "episode": episode_code(row.season_number, row.episode_number),
                        "episode_title": row.episode_name,
                        "air_date": row.air_date,
                        "premiere": is_premiere(row),
                        "finale": is_finale(row),
                        "status": row.status,
                    }
                    for row in day.episodes
                ],
            }
            for day in calendar.days
        ],
        "podcasts": [
            {
                "id": str(row.key),
                "title": row.title,
                "new": row.new,
                "since": _stamp(row.since),
                "latest_title": row.latest_title,
                "latest_at": _stamp(row.latest_at),
            }
            for row in calendar.podcasts
        ],
    }


def print_calendar(args: argparse.Namespace) -> int:
    calendar = _agenda(args).calendar(args.days)
    if args.ics is not None:
        _write_ics(calendar, args.ics)
    if args.json:
        print_json(calendar_json(calendar))
        return 0
    print(range_text(calendar.span))
    if not calendar.days:
        print(nothing_airing(calendar.span))
    rows = [
        (day_heading(day.day, calendar.first) if n == 0 else "", *airing_cells(row))
        for day in calendar.days
        for n, row in enumerate(day.episodes)
    ]
    if rows:
        print()
        print_table(("Day", "Show", "Episode", ""), rows)
    if calendar.podcasts:
        print()
        print("New podcast episodes")
        print_table(
            ("Podcast", "New", "Latest"), [new_episodes_cells(row) for row in calendar.podcasts]
        )
    if args.ics is not None:
        print()
        print(inert(f"Wrote {args.ics}."))
    return 0


def _write_ics(calendar: Calendar, path: Path) -> None:
    from mediatrack.exchange.ics import write_ics
    from mediatrack.files import replace_file
    from mediatrack.services.agenda import utc_now

    text = write_ics(calendar, utc_now()).decode("utf-8")
    try:
        replace_file(path, text, 0o644)
    except OSError as error:
        raise CliError(f"Could not write {path} ({error.strerror}).") from None
