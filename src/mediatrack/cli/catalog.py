"""``search``, ``episodes``, ``watch`` and ``refresh``: catalogs and episode ticks from the CLI."""

from __future__ import annotations

import argparse
import sys

from mediatrack.cli.common import (
    CliError,
    add_yes_option,
    key_argument,
    kind_argument,
    open_library,
    print_json,
    print_table,
    refused_unless_yes,
)
from mediatrack.cli.library import catalog_key
from mediatrack.cli.progress import JobProgress
from mediatrack.display.dates import day_text
from mediatrack.display.entries import counted, describe
from mediatrack.display.text import inert
from mediatrack.kinds import KINDS, Kind
from mediatrack.records import EntryKey


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    search = commands.add_parser(
        "search",
        parents=[common],
        help="search TMDB, Google Books or iTunes",
        description=(
            "Search a kind's catalog. Books accept isbn:, intitle: and inauthor:. "
            "Add a result with `mediatrack add KIND --tmdb-id|--google-id|--itunes-id ID`."
        ),
    )
    search.add_argument("kind", type=kind_argument, metavar="KIND", help="tv, movie, book, podcast")
    search.add_argument("query", nargs="+", help="what to look for")
    search.add_argument("--json", action="store_true", help="print a JSON array")
    search.set_defaults(handler=search_catalog)

    episodes = commands.add_parser(
        "episodes",
        parents=[common],
        help="list a show's or podcast's episodes and your ticks",
        description="List the seasons and episodes of a show, or a podcast's episodes.",
    )
    episodes.add_argument("item", type=key_argument, metavar="ITEM", help="e.g. tv:12")
    episodes.add_argument("--json", action="store_true", help="print a JSON array")
    episodes.set_defaults(handler=list_episodes)

    watch = commands.add_parser(
        "watch",
        parents=[common],
        help="tick an episode (or everything up to it)",
        description=(
            "Tick a show's episode, written like S01E03, or a podcast episode by the id "
            "`mediatrack episodes` shows."
        ),
    )
    watch.add_argument("item", type=key_argument, metavar="ITEM", help="e.g. tv:12")
    watch.add_argument("episode", metavar="EPISODE", help="S01E03, or a podcast episode id")
    watch.add_argument("--through", action="store_true", help="also tick every earlier episode")
    watch.add_argument("--undo", action="store_true", help="untick instead")
    add_yes_option(watch)
    watch.set_defaults(handler=watch_episode)

    refresh = commands.add_parser(
        "refresh",
        parents=[common],
        help="fetch items' metadata again (new seasons and episodes)",
        description="Fetch metadata again; nothing you recorded is lost.",
    )
    refresh.add_argument("item", type=key_argument, metavar="ITEM", nargs="?", help="e.g. tv:12")
    refresh.add_argument("--all", action="store_true", help="every item in the library")
    refresh.set_defaults(handler=refresh_items)


def search_catalog(args: argparse.Namespace) -> int:
    from mediatrack.services.catalog import CatalogService

    library = open_library(args)
    hits = CatalogService(user_id=library.user_id).search(args.kind, " ".join(args.query))
    if args.json:
        rows = [
            {
                "kind": hit.result.kind.value,
                catalog_key(hit.result.kind): hit.result.catalog_id,
                "title": hit.result.title,
                "year": hit.result.year,
                "subtitle": hit.result.subtitle_line,
                "in_library": hit.in_library is not None,
                "id": str(hit.in_library) if hit.in_library else None,
            }
            for hit in hits
        ]
        print_json(rows)
        return 0
    if not hits:
        print("Nothing found.")
        return 0
    option = KINDS[args.kind].catalog_option
    table = [
        (
            hit.result.catalog_id,
            hit.result.title,
            str(hit.result.year or ""),
            (hit.result.subtitle_line or "")[:40],
            str(hit.in_library) if hit.in_library else "",
        )
        for hit in hits
    ]
    print_table((option.removeprefix("--").upper(), "TITLE", "YEAR", "", "IN LIBRARY"), table)
    return 0


def list_episodes(args: argparse.Namespace) -> int:
    from mediatrack.services.episodes import Episodes

    library = open_library(args)
    episodes = Episodes(library.user_id)
    if args.item.kind is Kind.PODCAST:
        rows = episodes.podcast_episodes(args.item)
        if args.json:
            print_json([_podcast_json(row) for row in rows])
            return 0
        table = [
            (
                str(row.id),
                "x" if row.listened else " ",
                day_text(row.published_at),
                row.title or "",
            )
            for row in rows
        ]
        print_table(("ID", "✓", "PUBLISHED", "TITLE"), table, wide=3)
        return 0
    shows = episodes.show_episodes(args.item)
    if args.json:
        print_json([_episode_json(row) for row in shows])
        return 0
    if not shows:
        print(f"{args.item} has no episodes yet (added by hand, or refresh it).")
        return 0
    table = [
        (row.code, "x" if row.watched else " ", row.air_date or "", row.name or "") for row in shows
    ]
    print_table(("EPISODE", "✓", "AIRED", "TITLE"), table, wide=3)
    return 0


def _episode_json(row) -> dict[str, object]:
    return {
        "code": row.code,
        "season": row.season_number,
        "episode": row.episode_number,
        "title": row.name,
        "air_date": row.air_date,
        "watched": row.watched,
        "counts": row.season_number > 0,
    }


def _podcast_json(row) -> dict[str, object]:
    return {
        "id": row.id,
        "guid": row.guid,
        "title": row.title,
        "published": row.published_at.isoformat() + "Z" if row.published_at else None,
        "duration_seconds": row.duration_seconds,
        "listened": row.listened,
    }


def watch_episode(args: argparse.Namespace) -> int:
    from mediatrack.services.episodes import Episodes

    library = open_library(args)
    episodes = Episodes(library.user_id)
    key: EntryKey = args.item
    watched = not args.undo
    if key.kind is Kind.PODCAST:
        try:
            episode_id = int(args.episode)
        except ValueError:
            raise CliError(
                f"{args.episode!r} is not a podcast episode id: see `mediatrack episodes {key}`."
            ) from None
        known = {row.id for row in episodes.podcast_episodes(key)}
        if episode_id not in known:
            raise CliError(f"{key} has no episode {episode_id}: see `mediatrack episodes {key}`.")
        with refused_unless_yes():
            entry = episodes.set_listened(key, [episode_id], watched, confirm=args.yes)
    else:
        episode = episodes.find(key, args.episode)
        with refused_unless_yes():
            if args.through and watched:
                entry = episodes.watch_through(key, episode.id, confirm=args.yes)
            else:
                entry = episodes.set_watched(key, [episode.id], watched, confirm=args.yes)
    print(f"{entry.key} {entry.title!r}: {describe(entry)}")
    return 0


def refresh_items(args: argparse.Namespace) -> int:
    from mediatrack.services.catalog import CatalogService

    library = open_library(args)
    service = CatalogService(user_id=library.user_id)
    if args.item is not None:
        entry = service.refresh(args.item)
        print(f"Refreshed {entry.title!r}: {describe(entry)}")
        return 0
    if not args.all:
        raise CliError("Say which item to refresh, or --all.")
    with JobProgress() as bar:
        report = service.refresh_all(
            on_progress=lambda done, total, entry: bar.update(entry.title, done, total)
        )
    print(f"Refreshed {counted(len(report.refreshed), 'item')}; {len(report.failed)} failed.")
    for entry, reason in report.failed:
        print(inert(f"  {entry.key} {entry.title!r}: {reason}"), file=sys.stderr)
    return 1 if report.failed else 0
