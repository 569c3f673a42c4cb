"""``sync``: push and pull once, set up the server, and the admin's ``init`` and ``provision``."""

from __future__ import annotations

import argparse
import getpass
import sys

from mediatrack.cli.common import open_library
from mediatrack.cli.progress import JobProgress
from mediatrack.display.text import inert


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    sync = commands.add_parser(
        "sync",
        parents=[common],
        help="push and pull once with the shared server (and set it up)",
        description=(
            "Without an action: send your changes to the shared PostgreSQL server and fetch "
            "your other devices' and your friends' changes, once."
        ),
    )
    sync.set_defaults(handler=run_sync)
    actions = sync.add_subparsers(dest="sync_action", metavar="ACTION")

    setup = actions.add_parser(
        "setup",
        parents=[common],
        help="store the server's URL (and your password, in the keyring)",
        description="Store the sync server's URL; the password is asked for and kept in the "
        "keyring, never in a file.",
    )
    setup.add_argument("url", nargs="?", help="postgresql://ROLE@host[:port]/database")
    setup.set_defaults(handler=run_setup)

    init = actions.add_parser(
        "init",
        parents=[common],
        help="create or migrate the server schema (the server's admin)",
        description="Create or migrate the mediatrack schema on the server; safe to run again.",
    )
    init.add_argument("--admin-url", required=True, help="postgresql:// URL of the admin role")
    init.set_defaults(handler=run_init)

    provision = actions.add_parser(
        "provision",
        parents=[common],
        help="create a person's login role (the server's admin)",
        description="Create the PostgreSQL role a person syncs as, with a new password shown "
        "once; for an email already provisioned, give its role a new password.",
    )
    provision.add_argument("--admin-url", required=True, help="postgresql:// URL of the admin")
    provision.add_argument("--email", required=True, help="the email the person signs in with")
    provision.add_argument("--role", help="the role's name (default: mt_ and a random id)")
    provision.set_defaults(handler=run_provision)


PHASES = {"push": "pushing", "pull": "pulling"}


def run_sync(args: argparse.Namespace) -> int:
    from mediatrack.services.sync import sync_once

    open_library(args)
    with JobProgress() as bar:
        report = sync_once(
            on_progress=lambda phase, done, total: bar.update(PHASES.get(phase, phase), done, total)
        )
    print(inert(report.summary()))
    for failed in report.failed_actions:
        print(
            inert(f"mediatrack: friends {failed.action} {failed.email}: {failed.reason}"),
            file=sys.stderr,
        )
    return 0


def run_setup(args: argparse.Namespace) -> int:
    from urllib.parse import urlsplit

    from mediatrack.services.sync import setup

    url = args.url or input("Sync server URL (postgresql://ROLE@host/database): ").strip()
    parts = urlsplit(url)
    password = parts.password
    if password is None and parts.username:
        password = getpass.getpass(f"Password of {parts.username} (empty: none or ~/.pgpass): ")
    fallback = setup(url, password or None)
    where = f"in {fallback}, readable only by you" if fallback else "in the keyring"
    kept = f" The password is kept {where}." if password else ""
    print(f"Sync server set.{kept} Run `mediatrack sync` to sync now.")
    return 0


def run_init(args: argparse.Namespace) -> int:
    from mediatrack.services.sync import init_server

    status = init_server(args.admin_url)
    if status.before == status.after:
        print(f"The server schema is up to date (version {status.after}).")
    elif status.before == 0:
        print(f"Created the server schema (version {status.after}).")
    else:
        print(f"Migrated the server schema from version {status.before} to {status.after}.")
    return 0


def run_provision(args: argparse.Namespace) -> int:
    from mediatrack.services.sync import provision

    done = provision(args.admin_url, args.email, args.role)
    verb = "Created the role" if done.new_role else "Gave a new password to the role"
    print(f"{verb} {done.role} for {done.email}.")
    print(f"Password (shown only now): {done.password}")
    print(f"They run: mediatrack sync setup {done.url}")
    if done.user_id is None:
        print(
            f"The role becomes theirs at their first sync, once they signed in with Google "
            f"as {done.email}."
        )
    return 0
