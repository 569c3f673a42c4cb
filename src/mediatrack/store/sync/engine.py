"""One sync, start to end: claim the role, send friend actions, push, pull.

Ordering is what makes it safe to stop anywhere:

- push batches go up oldest first, each in one server transaction; a batch's
  local entries are forgotten only after the server committed it, so a drop
  re-sends at most that batch, and the upserts make re-sending harmless;
- the pull's first statement brings every table's rows when there are only a few (most
  syncs); a table with more is then read in one read-only snapshot, chunk by chunk
  through server-side cursors. Chunks land as they come in one local transaction
  together with the pull mark, so a drop before that commits changes nothing here,
  and memory holds one chunk at a time.

With nothing to send, and little to pull, the whole sync is that one statement.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from mediatrack.store.db import connection
from mediatrack.store.sync import landing, local
from mediatrack.store.sync.errors import ServerRefused
from mediatrack.store.sync.remote import Probe, Remote, pull_where
from mediatrack.store.sync.tables import ALL_TABLES, FRIENDSHIPS, USERS, Row, SyncTable

# Changed rows per push transaction: fewer round trips and commits for a first push, while
# one batch's rows stay a few tens of MB in memory.
BATCH_SIZE = 25_000
PULL_CHUNK = 5000  # pulled rows held at a time
PULL_FEW = 200  # a table with at most this many rows to pull gets them with the probe
# A table's rows pushed before the server is asked to refresh its statistics, and again
# each time that many more than at the last refresh went up (x4: a few ANALYZEs per table
# even for a whole library, while the planner never plans from a table a quarter its size).
ANALYZE_FROM = 1000
ANALYZE_GROWTH = 4

Progress = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass(frozen=True, slots=True)
class FailedAction:
    action_id: int
    action: str
    email: str
    reason: str


@dataclass(slots=True)
class SyncResult:
    pushed: int = 0  # people's rows the server took from here
    pulled: int = 0  # people's rows (and friendships) that changed here
    conflicts: int = 0  # rows where both sides had changed and the older lost
    failed_actions: list[FailedAction] = field(default_factory=list)
    statements: int = 0  # round trips to the server


def run(
    remote: Remote,
    user_id: str,
    email: str,
    *,
    email_verified: bool = False,
    on_progress: Progress | None = None,
    batch_size: int | None = None,
) -> SyncResult:
    """Sync the signed-in user's library once (the local database must be open).

    ``email_verified``: Google vouches for ``email``; a role's first sync needs it.
    """
    report = on_progress or (lambda phase, done, total: None)
    batch_size = batch_size or BATCH_SIZE
    result = SyncResult()
    with connection():
        local.install_causal_stamps()
        if local.needs_claim(remote.server, user_id):
            remote.claim(user_id, email, email_verified)
            local.adopt(remote.server, user_id)
        _send_friend_actions(remote, result)
        own_revisions = _push(remote, user_id, batch_size, result, report)
        report("pull", 0, 1)
        _pull(remote, user_id, own_revisions, result)
        report("pull", 1, 1)
    result.statements = remote.statements
    return result


def _send_friend_actions(remote: Remote, result: SyncResult) -> None:
    for action in local.pending_actions():
        try:
            remote.friend_action(action.action, action.email)
        except ServerRefused as refusal:
            result.failed_actions.append(
                FailedAction(action.id, action.action, action.email, str(refusal))
            )
        local.drop_action(action.id)


def _push(
    remote: Remote, user_id: str, batch_size: int, result: SyncResult, report: Progress
) -> list[tuple[int, int]]:
    """Send every logged change; return the revision ranges our batches were given."""
    total = -(-local.pending_changes() // batch_size)
    revisions: list[tuple[int, int]] = []
    local.start_push()
    done = 0
    statistics = _Statistics(remote)
    while (batch := local.next_batch(user_id, batch_size)) is not None:
        if batch.rows:
            pushed = remote.push(batch)
            result.pushed += pushed.written
            result.conflicts += pushed.refused
            if pushed.revisions:
                revisions.append(pushed.revisions)
            local.committed(batch)
            statistics.pushed(batch)
        local.mark_pushed(batch.upto)
        done += 1
        report("push", done, max(total, done))
    statistics.finish()
    return revisions


class _Statistics:
    """Which tables a push filled enough for the server to refresh their statistics.

    Without it the planner plans the rest of a large push, and the next pulls, from the
    statistics of tables that were nearly empty: slow plans until autovacuum catches up.
    """

    def __init__(self, remote: Remote) -> None:
        self.remote = remote
        self.rows: Counter[str] = Counter()  # rows pushed per table in this push
        self.analyzed: dict[str, int] = {}  # rows pushed when last analyzed

    def pushed(self, batch: local.Batch) -> None:
        self.rows.update({name: len(ids) for name, ids in batch.sent.items()})
        due = [
            name
            for name, count in self.rows.items()
            if count >= max(ANALYZE_FROM, ANALYZE_GROWTH * self.analyzed.get(name, 0))
        ]
        self._analyze(due)

    def finish(self) -> None:
        self._analyze(
            [
                name
                for name, count in self.rows.items()
                if count >= ANALYZE_FROM and count > self.analyzed.get(name, 0)
            ]
        )

    def _analyze(self, names: list[str]) -> None:
        if names:
            self.remote.analyze(sorted(names))
            self.analyzed.update((name, self.rows[name]) for name in names)


def _pull(
    remote: Remote, user_id: str, own_revisions: list[tuple[int, int]], result: SyncResult
) -> None:
    mark = local.state().pulled_revision
    probe = remote.probe(mark, own_revisions, user_id, PULL_FEW)
    if probe.revision == mark and not probe.rows and not probe.more:
        return
    where, params = pull_where(mark, own_revisions, user_id)
    with remote.snapshot() if probe.more else contextlib.nullcontext():
        chunks = _chunks(remote, probe, where, params, user_id)
        applied = landing.apply(chunks, probe.revision, user_id)
    result.pulled += applied.pulled
    result.conflicts += applied.conflicts


def _chunks(
    remote: Remote, probe: Probe, where: dict[str, str], params: dict, user_id: str
) -> Iterator[tuple[str, list[Row]]]:
    """The pulled rows, parents first, read from the server while earlier chunks land.

    A table with only a few rows to pull came whole with the probe; the others are read
    in one snapshot, chunk by chunk. Rows whose catalog item is neither here nor
    arriving bring that item along (a friend's show); a friend accepted since the last
    pull brings their whole library, whatever its revisions (it was invisible to us).
    """

    def rows_of(table: SyncTable) -> Iterator[list[Row]]:
        if table.name in probe.rows:
            yield probe.rows[table.name]
        elif table.name in probe.more:
            yield from _read(remote, table, where, params)

    people: dict[str, list[Row]] = {}
    for table in ALL_TABLES:
        if table is FRIENDSHIPS:
            friendships = [row for chunk in rows_of(table) for row in chunk]
            if not friendships:
                continue
            befriended = _new_friends(friendships, user_id)
            if befriended:
                people = remote.pull_people(sorted(befriended))
                yield USERS.name, people.pop(USERS.name, [])
            yield table.name, friendships
            continue
        extra = people.pop(table.name, [])
        if extra:
            yield from _with_items(remote, table.name, extra)
        for chunk in rows_of(table):
            yield from _with_items(remote, table.name, chunk)


def _read(
    remote: Remote, table: SyncTable, where: dict[str, str], params: dict
) -> Iterator[list[Row]]:
    """A table's pulled rows in chunks; for catalog rows our own copies before friends'."""
    if not table.per_writer:
        yield from remote.stream(table, where[table.name], params, PULL_CHUNK)
        return
    for whose in ("t.written_by = %(me)s", "t.written_by <> %(me)s"):
        yield from remote.stream(table, f"{where[table.name]} AND {whose}", params, PULL_CHUNK)


def _with_items(remote: Remote, name: str, rows: list[Row]) -> Iterator[tuple[str, list[Row]]]:
    """``rows``, after the catalog items they need that are neither here nor pulled yet."""
    missing = landing.missing_items({name: rows})
    if missing:
        items = remote.pull_items(missing)
        for table in ALL_TABLES:
            if items.get(table.name):
                yield table.name, items[table.name]
    yield name, rows


def _new_friends(friendships: list[Row], user_id: str) -> set[str]:
    """People whose friendship with us is now accepted and was not here before.

    Their older rows were invisible to us until now, so their revisions may lie
    below our pull mark: they are fetched whole.
    """
    accepted = {
        row["friend_id"] if row["user_id"] == user_id else row["user_id"]
        for row in friendships
        if row["status"] == "accepted" and row["deleted_at"] is None
    }
    return accepted - landing.accepted_friends(user_id)
