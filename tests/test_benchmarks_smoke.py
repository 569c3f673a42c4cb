"""Every benchmark runs at a tiny size, so a change that breaks one is seen at once.

Figures are not checked here (benchmarks print them; timing belongs to no test):
each script must only finish and print its lines. One list: add a script with its
tiny arguments.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"

SMOKE_RUNS = [
    (
        "exchange.py",
        ["--size", "50", "--runs", "1", "--slow-rows", "20", "--sequential-sample", "5"],
        ["import 50 Goodreads rows", "export 50 items to JSON", "against a catalog"],
    ),
    (
        "bulk.py",
        ["--size", "50", "--runs", "1", "--big", "300", "--adds", "3"],
        ["write 50 books through the services' bulk path", "add one book by hand"],
    ),
]


@pytest.mark.parametrize(
    ("script", "arguments", "lines"), SMOKE_RUNS, ids=[s[0] for s in SMOKE_RUNS]
)
def test_a_benchmark_runs_at_a_tiny_size(
    script: str, arguments: list[str], lines: list[str], tmp_path: Path
) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *arguments],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    for line in lines:
        assert line in done.stdout, done.stdout
