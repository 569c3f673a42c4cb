"""Which revisions a pull after our own push reads: every one but our own batches'."""

from __future__ import annotations

import random

from mediatrack.store.sync import remote


def _covered(gaps: list[tuple[int, int]], revision: int) -> bool:
    return any(low <= revision < high for low, high in gaps)


def test_a_pull_after_a_push_reads_every_revision_but_its_own_and_names_few_ranges():
    rng = random.Random(7)
    for _ in range(200):
        mark = rng.randrange(50)
        own, revision = [], mark + rng.randrange(3)
        for _ in range(rng.randrange(1, 400)):  # batches, other writers' between some
            revision += rng.choice((1, 1, 1, 2, 5))
            own.append((revision, revision + rng.randrange(2)))
            revision = own[-1][1]
        gaps = remote._gaps(mark, own)
        assert len(gaps) <= remote.MAX_GAPS
        mine = {r for low, high in own for r in range(low, high + 1)}
        for candidate in range(mark, revision + 10):
            if candidate not in mine:
                assert _covered(gaps, candidate), (mark, own, candidate)
        assert _covered(gaps, remote.NO_END - 1)
        assert not _covered(gaps, mark - 1)
        if len(own) < remote.MAX_GAPS:  # few batches: none of our rows comes back
            assert not any(_covered(gaps, r) for r in mine)
