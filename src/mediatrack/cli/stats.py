"""``stats [--year YEAR] [--json]``: what you finished, watched, read, listened to and rated."""

from __future__ import annotations

import argparse

from mediatrack.cli.common import int_argument, open_library, print_json


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    stats = commands.add_parser(
        "stats",
        parents=[common],
        help="your stats: items finished per month, hours watched, pages read, ratings",
        description=(
            "Items finished per month and kind, hours watched, pages read, episodes listened, "
            "your ratings, top genres and authors, over the last 12 months or a calendar year "
            "(a year in review). The same figures as the app's Stats screen (key 8)."
        ),
    )
    stats.add_argument(
        "--year",
        type=int_argument,
        metavar="YEAR",
        help="a calendar year instead of the last 12 months",
    )
    stats.add_argument("--json", action="store_true", help="print JSON")
    stats.set_defaults(handler=show_stats)


def show_stats(args: argparse.Namespace) -> int:
    from mediatrack.display import stats as shown
    from mediatrack.services.stats import StatsService

    library = open_library(args)
    figures = StatsService(library.user_id).stats(args.year)
    if args.json:
        print_json(shown.stats_json(figures))
        return 0
    print(shown.period_text(figures.period))
    for line in shown.review_lines(figures):
        print(f"  {line}")
    tables = [
        ("Finished per month", shown.completed_table(figures)),
        ("Your ratings of what you finished", shown.ratings_table(figures)),
        ("Top genres", shown.ranked_table("Genre", figures.genres)),
        ("Top authors", shown.ranked_table("Author", figures.authors)),
    ]
    for title, table in tables:
        if not table[1]:
            continue
        print(f"\n{title}")
        for line in shown.columns(table):
            print(f"  {line}")
    return 0
