"""The sync benchmark still runs: a tiny library, one pair (figures are not judged here)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BENCHMARK = Path(__file__).parent.parent / "benchmarks" / "sync.py"


def test_the_sync_benchmark_runs_on_a_tiny_library():
    from pg_server import ADMIN_URL, connect_admin

    connect_admin().close()  # skips (or fails under MEDIATRACK_REQUIRE_PG) without a server
    done = subprocess.run(
        [sys.executable, str(BENCHMARK), "--sizes", "8", "--pairs", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "MEDIATRACK_TEST_PG_URL": ADMIN_URL},
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    figures = done.stdout
    for line in ("push ", "pull ", "no-op ", "peak RSS of sync"):
        assert line in figures
