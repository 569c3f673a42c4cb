"""A command imports only what it needs: ``list --json`` starts without the app or the network."""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from mediatrack.cli import COMMANDS, build_parser, chosen_command, opens_the_app
from mediatrack.cli.common import Parser

HEAVY = ("textual", "requests", "requests_cache", "urllib3", "psycopg", "rich")

PROBE = """
import json, sys
from mediatrack.cli import main
code = main(sys.argv[2:])
heavy = sorted({name.split(".")[0] for name in sys.modules} & set(json.loads(sys.argv[1])))
print(json.dumps({"code": code, "heavy": heavy}), file=sys.stderr)
"""


def imported_by(*argv: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(HEAVY), *argv],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    return json.loads(done.stderr.strip().splitlines()[-1])


def test_list_json_imports_neither_the_app_nor_the_network(tmp_path: Path) -> None:
    result = imported_by("--db", str(tmp_path / "library.db"), "list", "--json")
    assert result == {"code": 0, "heavy": []}


def test_the_probe_sees_a_command_that_does_import_them(tmp_path: Path) -> None:
    # The check above can fail: `refresh` brings the progress bars (rich) with it.
    result = imported_by("--db", str(tmp_path / "library.db"), "refresh", "--all")
    assert "rich" in result["heavy"]


def commands_of(module: str) -> list[str]:
    parser = Parser(prog="mediatrack")
    commands = parser.add_subparsers(dest="command")
    importlib.import_module(f"mediatrack.cli.{module}").register(commands, Parser(add_help=False))
    return list(commands.choices)


def test_every_command_is_registered_by_the_module_the_table_names() -> None:
    for module in set(COMMANDS.values()):
        assert commands_of(module) == [name for name, owner in COMMANDS.items() if owner == module]


def test_the_full_parser_lists_every_command_in_the_table_order() -> None:
    actions = build_parser()._subparsers._group_actions  # type: ignore[union-attr]
    (subparsers,) = [a for a in actions if isinstance(a, argparse._SubParsersAction)]
    assert list(subparsers.choices) == list(COMMANDS)


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["list", "--json"], "list"),
        (["--db", "x.db", "list"], "list"),
        (["--db=x.db", "refresh", "--all"], "refresh"),
        (["--help"], None),
        (["--version"], None),
        (["lsit"], None),
        ([], None),
        (["--db"], None),
    ],
)
def test_the_command_is_found_before_parsing(argv: list[str], command: str | None) -> None:
    assert chosen_command(argv) == command


def test_a_mistyped_command_still_offers_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    from mediatrack.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["lsit"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "'list'" in err and "'stats'" in err


@pytest.mark.parametrize(
    ("argv", "app"),
    [
        ([], True),
        (["--db", "x.db"], True),
        (["--db=x.db"], True),
        (["--db"], False),
        (["--help"], False),
        (["--db", "x.db", "list"], False),
        (["lsit"], False),
    ],
)
def test_the_app_is_told_from_a_command_before_parsing(argv: list[str], app: bool) -> None:
    assert opens_the_app(argv) is app


def test_opening_the_app_registers_no_command() -> None:
    probe = (
        "import sys; import mediatrack.cli as cli\n"
        "cli._run_app = lambda args: print(args.db) or 0\n"
        "assert cli.main(['--db', 'x.db']) == 0\n"
        "print(' '.join(sorted(n for n in sys.modules if n.startswith('mediatrack.cli.'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split() == ["x.db", "mediatrack.cli.common"]
