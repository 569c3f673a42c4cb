"""``config``: read and change the settings (``config.toml``, with secrets in the keyring)."""

from __future__ import annotations

import argparse
import getpass
import sys

from mediatrack import config
from mediatrack.cli.common import CliError, print_table


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    group = commands.add_parser(
        "config",
        parents=[common],
        help="show or change settings (config.toml; secrets go to the keyring)",
        description=(
            "Settings live in config.toml in your config dir; an environment variable "
            "(MEDIATRACK_...) overrides the file. Secrets (tokens, keys, passwords) are kept "
            "in the keyring, never in the file."
        ),
    )
    group.set_defaults(handler=run_list)
    actions = group.add_subparsers(dest="config_action", metavar="ACTION")

    listing = actions.add_parser(
        "list", help="every setting, its value (secrets masked) and where it comes from"
    )
    listing.set_defaults(handler=run_list)

    get = actions.add_parser("get", help="print one setting's value")
    get.add_argument("key", metavar="KEY", help="a setting, such as tmdb.token")
    get.add_argument("--reveal", action="store_true", help="print a secret instead of masking it")
    get.set_defaults(handler=run_get)

    put = actions.add_parser(
        "set",
        help="change a setting (a secret goes to the keyring)",
        description="Change a setting. For a secret, leave VALUE out to be asked for it "
        "(or pipe it in): a value on the command line stays in your shell's history.",
    )
    put.add_argument("key", metavar="KEY", help="a setting, such as tmdb.token")
    put.add_argument("value", metavar="VALUE", nargs="?", help="its new value")
    put.set_defaults(handler=run_set)

    unset = actions.add_parser("unset", help="forget a setting (from the file and the keyring)")
    unset.add_argument("key", metavar="KEY")
    unset.set_defaults(handler=run_unset)

    path = actions.add_parser("path", help="print the config file's path")
    path.add_argument(
        "--all", action="store_true", help="also the library file, data, cache and config dirs"
    )
    path.set_defaults(handler=run_path)


def run_list(args: argparse.Namespace) -> int:
    rows = [[found.setting.key, found.shown or "-", found.origin] for found in config.load().all()]
    print_table(["SETTING", "VALUE", "FROM"], rows)
    print(f"\nfile: {config.config_path()}")
    return 0


def run_get(args: argparse.Namespace) -> int:
    found = config.load().resolve(config.setting(args.key).key)
    if found.value is None:
        raise CliError(f"{found.setting.key} is not set.")
    print(found.value if args.reveal else found.shown)
    return 0


def run_set(args: argparse.Namespace) -> int:
    item = config.setting(args.key)
    value = args.value
    if value is None:
        value = _ask(item)
    from mediatrack.services.settings import save_setting

    stored_in = save_setting(item.key, value)
    if not item.secret:
        where = str(config.config_path())
    elif stored_in is not None:
        where = f"{stored_in}, readable only by you (there is no keyring)"
    else:
        where = "the keyring"
    note = ""
    if item.env and config.load().resolve(item.key).source == "environment":
        note = f" {item.env} is set in your environment and overrides it."
    print(f"{item.key} saved in {where}.{note}")
    return 0


def _ask(item: config.Setting) -> str:
    """A value from the terminal (hidden for a secret), or the first line piped in."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().strip()
    if item.secret:
        return getpass.getpass(f"{item.key} ({item.help}): ")
    return input(f"{item.key} ({item.help}): ")


def run_unset(args: argparse.Namespace) -> int:
    item = config.setting(args.key)
    config.unset(item.key)
    print(f"{item.key} forgotten.")
    return 0


def run_path(args: argparse.Namespace) -> int:
    print(config.config_path())
    if args.all:
        from mediatrack.secrets import fallback_path

        print(f"library file: {config.database_path(getattr(args, 'db', None))}")
        print(f"config dir: {config.config_dir()}")
        print(f"data dir: {config.data_dir()}")
        print(f"cache dir: {config.cache_dir()}")
        print(f"secrets file (when there is no keyring): {fallback_path()}")
    return 0
