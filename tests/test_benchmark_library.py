"""The library benchmarks still run (a tiny library, one pair): they cannot rot unnoticed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc and a real pty")
def test_the_library_benchmark_runs_at_a_tiny_size(tmp_path: Path) -> None:
    smoke = ["--sizes", "8", "--pairs", "1", "--pages", "2", "--cache", str(tmp_path)]
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "library.py"), *smoke],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    for figure in ("first frame", "rows on screen", "filter keystroke", "2 x PgDn", "peak RSS"):
        assert figure in done.stdout
    assert "x (" in done.stdout  # a ratio per pair, with its range


def test_the_list_json_benchmark_runs_and_prints_the_same_bytes(tmp_path: Path) -> None:
    smoke = ["--sizes", "8", "--pairs", "1", "--cache", str(tmp_path)]
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "list_json.py"), *smoke],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr[-2000:] + done.stdout[-2000:]
    assert "x (" in done.stdout  # the outputs were identical, and a ratio was taken
