"""The SQLite end of sync: where it stands, the friend outbox, and which local rows go up.

Local changes are logged by the triggers of migration 4 into ``sync_changes``
(one entry per changed row, numbered by ``sync_state.change_seq``). A push
reads the oldest entries as a batch, with the rows they point to in wire form
(natural keys, see ``tables``) plus every parent those rows need; once the
server committed the batch, ``mark_pushed`` forgets the entries up to it.
An entry renumbered meanwhile (its row changed again) stays for the next push.

Pulled rows land through ``landing``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from peewee import Field

from mediatrack.store.models import (
    SyncChange,
    SyncOutboxAction,
    SyncState,
    database,
    utcnow,
)
from mediatrack.store.sync.tables import (
    ALL_TABLES,
    METADATA,
    OWNED,
    PARENT_TABLES,
    USERS,
    SyncTable,
)

OWNED_NAMES = frozenset(table.name for table in OWNED)

# --- causal stamps ---------------------------------------------------------------------

# An edit must win over the version it replaced, wherever that version came from, whatever
# this device's clock says: when a local write moves a synced row's ``updated_at`` back
# (a clock set back, or a row pulled from a device whose clock runs ahead), the trigger
# stamps it 1 ms after the version it replaced instead. ``updated_at`` is thus a hybrid
# logical clock per row, and every end orders versions by it alone (ties: see landing).
# Installed by each sync (idempotent): only rows that were ever synced need it.
CAUSAL_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS "{table}_causal" AFTER UPDATE OF "updated_at" ON "{table}"
WHEN NEW."updated_at" < OLD."updated_at"
 AND (SELECT "applying" FROM "sync_state" WHERE "id" = 1) = 0
BEGIN
  UPDATE "{table}" SET "updated_at" =
    strftime('%Y-%m-%d %H:%M:%f', OLD."updated_at", '+0.001 seconds') || '000'
  WHERE "id" = NEW."id";
END"""


def install_causal_stamps() -> None:
    """Create the per-table triggers that keep ``updated_at`` causal (see above)."""
    present = {
        name
        for (name,) in database.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_causal'"
        )
    }
    wanted = [table.name for table in ALL_TABLES if table.pushed]
    if all(f"{name}_causal" in present for name in wanted):
        return
    with database.atomic():
        for name in wanted:
            database.execute_sql(CAUSAL_TRIGGER.format(table=name))


# --- state -------------------------------------------------------------------------


def state() -> SyncState:
    return SyncState.get_by_id(1)


def last_outcome() -> tuple[dt.datetime | None, str | None]:
    """When sync last worked and the error of the last attempt since (None: none)."""
    row = SyncState.get_or_none(SyncState.id == 1)
    return (row.last_sync_at, row.last_error) if row else (None, None)


def needs_claim(server: str, user_id: str) -> bool:
    """Whether the marks belong to another server or user (or to none yet)."""
    current = state()
    return (current.server, current.user_id) != (server, user_id)


def adopt(server: str, user_id: str) -> None:
    """Start over with a new server or user: nothing pulled yet, every own row to push."""
    with database.atomic():
        # peewee's stubs declare Model.delete as a generic attribute: [misc] on a class
        SyncChange.delete().execute()  # type: ignore[misc]
        pushed = seq = state().change_seq
        for table in ALL_TABLES:
            if not table.pushed:
                continue
            mine = "WHERE user_id = ?" if table.owned else "WHERE id = ?" if table is USERS else ""
            cursor = database.execute_sql(
                f"INSERT INTO sync_changes (table_name, row_key, seq) "
                f"SELECT '{table.name}', id, ? + row_number() OVER (ORDER BY id) "
                f"FROM {table.name} {mine}",
                (seq, user_id) if mine else (seq,),
            )
            seq += cursor.rowcount
        SyncState.update(
            server=server, user_id=user_id, change_seq=seq, pushed_seq=pushed, pulled_revision=0
        ).where(SyncState.id == 1).execute()


def record_outcome(error: str | None) -> None:
    """Remember when sync last finished, and how (None: it worked)."""
    with database.atomic():
        values: dict[Field, Any] = {SyncState.last_error: error}
        if error is None:
            values[SyncState.last_sync_at] = utcnow()
        SyncState.update(values).where(SyncState.id == 1).execute()


# --- the outbox of friend actions ------------------------------------------------------


def queue_action(action: str, email: str) -> int:
    return SyncOutboxAction.create(action=action, email=email).id


def pending_actions() -> list[SyncOutboxAction]:
    return list(SyncOutboxAction.select().order_by(SyncOutboxAction.id))


def drop_action(action_id: int) -> None:
    # peewee's stubs declare Model.delete as a generic attribute: [misc] on a class
    SyncOutboxAction.delete().where(SyncOutboxAction.id == action_id).execute()  # type: ignore[misc]


# --- push ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Batch:
    """Local changes up to ``upto`` (a change number), as wire rows per table."""

    upto: int
    # table name -> wire rows, each a tuple of ``table.wire_names``' values ready for the
    # server (lists as lists, flags as booleans, timestamps as the store's UTC text)
    rows: dict[str, list[tuple]]
    # table name -> the local ids of its rows in ``rows``: once the server committed the
    # batch, later batches of the same push need not send those rows again as parents
    sent: dict[str, list[Any]] = field(default_factory=dict)


# The rows the server committed in this push (per connection; see ``next_batch``).
COMMITTED = "temp.sync_committed"


def pending_changes() -> int:
    return SyncChange.select().count()


def start_push() -> None:
    """Forget what an earlier push committed: each push starts from the change log."""
    database.execute_sql(
        f"CREATE TEMP TABLE IF NOT EXISTS {COMMITTED} (table_name TEXT NOT NULL, "
        "row_id NOT NULL, PRIMARY KEY (table_name, row_id)) WITHOUT ROWID"
    )
    database.execute_sql(f"DELETE FROM {COMMITTED}")


def committed(batch: Batch) -> None:
    """The server committed ``batch``: its rows are there for the rest of this push.

    Only rows other rows point to are remembered (catalog rows and the person's own
    ``users`` row): a person's progress or tick is never sent as anyone's parent.
    """
    with database.atomic():
        for name, ids in batch.sent.items():
            if name not in OWNED_NAMES and ids:
                database.execute_sql(
                    f"INSERT OR IGNORE INTO {COMMITTED} (table_name, row_id) "
                    "SELECT ?, value FROM json_each(?)",
                    (name, json.dumps(ids)),
                )


def next_batch(user_id: str, limit: int) -> Batch | None:
    """The oldest ``limit`` logged changes, their rows and the parents those need.

    A parent that is not itself a change of this batch and that an earlier batch of
    this push got committed is left out: the server has it (and if it changed since,
    that change is logged and goes up in its own turn).
    The ids committed so far live in a temporary table, not in memory: a first push
    of a large library commits every row it has.
    """
    entries = database.execute_sql(
        "SELECT table_name, row_key, seq FROM sync_changes ORDER BY seq LIMIT ?", (limit,)
    ).fetchall()
    if not entries:
        return None
    changed: dict[str, list[str]] = defaultdict(list)
    for table_name, row_key, _seq in entries:
        changed[table_name].append(row_key)  # text: the key column's affinity
    ids = _with_parents(changed, user_id)
    rows = {}
    sent: dict[str, list[Any]] = {}
    for table in ALL_TABLES:
        wanted = ids.get(table.name)
        if not (table.pushed and wanted):
            continue
        keys = changed.get(table.name, ())
        own = set(keys) if table is USERS else {int(key) for key in keys}  # as ``wanted``
        parents = [row_id for row_id in wanted if row_id not in own]
        there = ids_of(
            f"SELECT row_id FROM {COMMITTED} WHERE table_name = '{table.name}' "
            f"AND row_id {IN_LIST}",
            parents,
        )
        if there:
            wanted = [row_id for row_id in wanted if row_id not in there]
        read = database.execute_sql(_read_sql(table), (json.dumps(wanted),)).fetchall()
        if read:
            sent[table.name] = [row[0] for row in read]
            rows[table.name] = _wire_rows(table, read)
    return Batch(upto=entries[-1][2], rows=rows, sent=sent)


def mark_pushed(upto: int) -> None:
    """The server committed every change numbered up to ``upto``: forget them."""
    with database.atomic():
        # peewee's stubs declare Model.delete as a generic attribute: [misc] on a class
        SyncChange.delete().where(SyncChange.seq <= upto).execute()  # type: ignore[misc]
        SyncState.update(pushed_seq=upto).where(SyncState.id == 1).execute()


def ids_of(sql: str, values: Iterable) -> set:
    """The first column of ``sql`` run with the JSON array of ``values`` as its parameter."""
    values = list(values)
    if not values:
        return set()
    return {row[0] for row in database.execute_sql(sql, (json.dumps(values),))}


IN_LIST = "IN (SELECT value FROM json_each(?))"


def _with_parents(changed: dict[str, list[str]], user_id: str) -> dict[str, list]:
    """Changed row ids per table, only the user's own people-rows, plus every parent row."""
    ids: dict[str, set] = {t.name: {int(key) for key in changed.get(t.name, [])} for t in METADATA}
    parents: dict[str, set] = defaultdict(set)
    for table in OWNED:
        keys = [int(key) for key in changed.get(table.name, [])]
        if not keys:
            continue
        assert table.ref is not None  # every owned table refers to its item
        rows = database.execute_sql(
            f"SELECT id, {table.ref.column} FROM {table.name} WHERE id {IN_LIST} AND user_id = ?",
            (json.dumps(keys), user_id),
        ).fetchall()
        ids[table.name] = {row_id for row_id, _ in rows}
        parents[PARENT_TABLES[table.ref.parent]] |= {parent for _, parent in rows}
    episodes = ids["episodes"] | parents["episodes"]
    seasons = ids["seasons"] | ids_of(
        f"SELECT season_id FROM episodes WHERE id {IN_LIST}", episodes
    )
    shows = ids_of(f"SELECT media_item_id FROM seasons WHERE id {IN_LIST}", seasons)
    podcast_episodes = ids["podcast_episodes"] | parents["podcast_episodes"]
    podcasts = ids_of(
        f"SELECT podcast_id FROM podcast_episodes WHERE id {IN_LIST}", podcast_episodes
    )
    ids.update(
        episodes=episodes,
        seasons=seasons,
        media_items=ids["media_items"] | parents["media_items"] | shows,
        podcast_episodes=podcast_episodes,
        podcasts=ids["podcasts"] | parents["podcasts"] | podcasts,
        books=ids["books"] | parents["books"],
    )
    if user_id in changed.get("users", []) or any(ids.get(t.name) for t in OWNED):
        ids["users"] = {user_id}
    return {name: sorted(values) for name, values in ids.items() if values}


def _read_sql(table: SyncTable) -> str:
    """The listed rows that exist: their id, then their wire columns (``wire_names``)."""
    columns = [f"t.{name}" for name, _ in table.columns]
    joins = ""
    if table.ref is not None:
        columns += [expression for _, _, expression in table.ref.wire]
        joins = table.ref.read_joins
    return f"SELECT t.id, {', '.join(columns)} FROM {table.name} t {joins} WHERE t.id {IN_LIST}"


def _wire_rows(table: SyncTable, read: list[tuple]) -> list[tuple]:
    """Rows as ``_read_sql`` reads them (id first) as wire rows: lists and flags decoded."""
    kinds = [kind for _, kind in table.columns]
    lists = [i for i, kind in enumerate(kinds) if kind == "text[]"]
    flags = [i for i, kind in enumerate(kinds) if kind == "boolean"]
    if not (lists or flags):
        return [row[1:] for row in read]
    wire = []
    for row in read:
        values = list(row[1:])
        for i in lists:
            values[i] = _text_list(values[i])
        for i in flags:
            values[i] = _flag(values[i])
        wire.append(tuple(values))
    return wire


def _text_list(value: Any) -> list[str | None] | None:
    """A list column as stored (a JSON array) as a list of texts, None when empty."""
    if value is None or value == "":
        return None
    decoded = json.loads(value) if isinstance(value, str) else value
    if not isinstance(decoded, list):
        return None
    return [None if item is None else str(item) for item in decoded]


def _flag(value: Any) -> bool:
    """A flag as SQLite tests it (NULL and zero are false, as ``CASE WHEN`` reads them)."""
    if isinstance(value, str):
        try:
            return float(value) != 0
        except ValueError:
            return False
    return bool(value)
