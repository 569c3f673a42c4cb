"""How pulled rows land in SQLite: the newer row wins, derived data, the pull mark, one transaction.

Rows arrive in wire form (natural keys, see ``tables``). Each table's rows go
in with one ``INSERT ... SELECT ... ON CONFLICT DO UPDATE WHERE
excluded.updated_at > t.updated_at`` (ties: see ``_apply_sql``), its parents
resolved by the same joins the server uses; a friend's copy of a catalog row
only fills a gap, never replaces ours. ``sync_state.applying`` is set meanwhile, so the
triggers of migration 4 do not log these rows as local changes to push back.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter

from peewee import IntegrityError

from mediatrack.store.models import SyncState, WatchPosition, database
from mediatrack.store.sync import derived
from mediatrack.store.sync.errors import SyncError
from mediatrack.store.sync.local import IN_LIST, ids_of
from mediatrack.store.sync.tables import (
    ALL_TABLES,
    BY_NAME,
    EPISODE_WATCHES,
    FRIENDSHIPS,
    METADATA,
    OWN_KEYS,
    OWNED,
    USER_PROGRESS,
    USERS,
    ItemKey,
    Row,
    SyncTable,
)

Pulled = dict[str, list[Row]]
_list_json = json.JSONEncoder(ensure_ascii=False).encode  # as TextListField writes lists


@dataclass(slots=True)
class Applied:
    pulled: int = 0  # people's rows (and friendships) that changed here
    conflicts: int = 0  # pulled rows older than the local row they met, so dropped
    # (user or None for everyone, natural key) of the shows and podcasts to recompute
    shows: set[tuple[str | None, tuple]] = field(default_factory=set)
    podcasts: set[tuple[str | None, str]] = field(default_factory=set)


def accepted_friends(user_id: str) -> set[str]:
    rows = database.execute_sql(
        "SELECT CASE WHEN user_id = ? THEN friend_id ELSE user_id END FROM friendships "
        "WHERE ? IN (user_id, friend_id) AND status = 'accepted' AND deleted_at IS NULL",
        (user_id, user_id),
    )
    return {row[0] for row in rows}


def missing_items(pulled: Pulled) -> set[ItemKey]:
    """Catalog items the pulled rows need whose parent row is neither here nor pulled.

    Parents are gathered as distinct keys first: a pull of a whole library asks about
    each parent once, and only rows whose parent is missing are looked at again.
    """
    arriving: set[tuple[str, tuple]] = set()
    needed: set[tuple[str, tuple]] = set()
    for table in ALL_TABLES:
        rows = pulled.get(table.name)
        if not rows:
            continue
        if table in METADATA:
            kind, names = OWN_KEYS[table.name]
            key = _tuple_getter(names)
            arriving.update((kind, key(row)) for row in rows)
        if table.ref is not None and table.item is not None:
            kind = table.ref.parent
            key = _tuple_getter([name for name, _, _ in table.ref.wire])
            needed.update((kind, parent) for parent in {key(row) for row in rows})
    needed -= arriving
    if not needed:
        return set()
    absent = needed - _present(needed)
    if not absent:
        return set()
    items: set[ItemKey] = set()
    for table in ALL_TABLES:
        rows = pulled.get(table.name)
        if rows and table.ref is not None and table.item is not None:
            kind = table.ref.parent
            key = _tuple_getter([name for name, _, _ in table.ref.wire])
            items.update(table.item(row) for row in rows if (kind, key(row)) in absent)
    return items


def _tuple_getter(names: Sequence[str]) -> Callable[[Row], tuple]:
    """``row -> tuple(row[name] for name in names)``, fast."""
    if len(names) == 1:
        name = names[0]
        return lambda row: (row[name],)
    return itemgetter(*names)


PRESENCE = {
    "media": "SELECT tmdb_id, type FROM media_items WHERE tmdb_id {in_list}",
    "season": "SELECT tmdb_id FROM seasons WHERE tmdb_id {in_list}",
    "episode": "SELECT tmdb_id FROM episodes WHERE tmdb_id {in_list}",
    "book": "SELECT google_id FROM books WHERE google_id {in_list}",
    "podcast": "SELECT itunes_id FROM podcasts WHERE itunes_id {in_list}",
    "podcast_episode": (
        "SELECT p.itunes_id, pe.guid FROM podcast_episodes pe "
        "JOIN podcasts p ON p.id = pe.podcast_id WHERE p.itunes_id {in_list}"
    ),
}


def _present(parents: set[tuple[str, tuple]]) -> set[tuple[str, tuple]]:
    """Which of these (kind, natural key) parents exist locally."""
    found = set()
    by_kind: dict[str, set] = defaultdict(set)
    for kind, key in parents:
        by_kind[kind].add(key[0])
    for kind, firsts in by_kind.items():
        sql = PRESENCE[kind].format(in_list=IN_LIST)
        found |= {
            (kind, tuple(row)) for row in database.execute_sql(sql, (json.dumps(list(firsts)),))
        }
    return found


def apply(chunks: Iterable[tuple[str, list[Row]]], revision: int, user_id: str) -> Applied:
    """Write pulled rows (last writer wins), derived data and the pull mark in one transaction.

    ``chunks`` are (table name, wire rows), parents before the rows that need them; they
    may be read from the server while they land, so a pull holds one chunk at a time.
    """
    applied = Applied()
    friendships = False
    with database.atomic():
        SyncState.update(applying=True).where(SyncState.id == 1).execute()
        for name, chunk in chunks:
            table = BY_NAME[name]
            friendships = friendships or (table is FRIENDSHIPS and bool(chunk))
            rows = _acceptable(table, chunk, user_id)
            if table.per_writer:  # our own copy first; a friend's only fills a gap
                own = [row for row in rows if row.get("written_by", user_id) == user_id]
                others = [row for row in rows if row.get("written_by", user_id) != user_id]
                if own:
                    _apply_table(table, own, applied)
                if others:
                    _apply_table(table, others, applied, keep_local=True)
            elif rows:
                _apply_table(table, rows, applied)
        SyncState.update(applying=False).where(SyncState.id == 1).execute()
        if friendships:
            _forget_former_friends(user_id)
        _recompute(applied, user_id)
        SyncState.update(pulled_revision=revision).where(SyncState.id == 1).execute()
    return applied


def _acceptable(table: SyncTable, rows: list[Row], user_id: str) -> list[Row]:
    """Leave out our own users row (the sign-in owns it) and friendships with strangers."""
    if table is USERS:
        return [row for row in rows if row["id"] != user_id]
    if table is FRIENDSHIPS:
        people = {row[column] for row in rows for column in ("user_id", "friend_id")}
        known = ids_of(f"SELECT id FROM users WHERE id {IN_LIST}", people)
        return [row for row in rows if row["user_id"] in known and row["friend_id"] in known]
    return rows


def _apply_table(
    table: SyncTable, rows: list[Row], applied: Applied, *, keep_local: bool = False
) -> None:
    _stage(table, rows)
    resolvable, older = database.execute_sql(_compare_sql(table)).fetchone()
    if resolvable != len(rows):
        raise SyncError(
            f"The server sent {len(rows) - resolvable} {table.name} rows whose items are "
            "missing; run `mediatrack sync` again."
        )
    try:
        changed = database.execute_sql(_apply_sql(table, keep_local=keep_local)).rowcount
    except IntegrityError as error:  # e.g. a person's row before their users row: a server bug
        raise SyncError(
            f"The server sent {table.name} rows this library cannot hold ({error}); "
            "nothing was changed."
        ) from error
    database.execute_sql(f"DELETE FROM {_staging(table)}")
    if table.owned or table is FRIENDSHIPS:
        applied.pulled += changed
        applied.conflicts += older or 0
    if table in (USER_PROGRESS, EPISODE_WATCHES) or table.name in ("seasons", "episodes"):
        applied.shows |= _show_keys(table, rows)
    if table.name in ("podcast_listens", "podcast_episodes"):
        applied.podcasts |= {(row.get("user_id"), row["itunes_id"]) for row in rows}


def _show_keys(table: SyncTable, rows: list[Row]) -> set[tuple[str | None, tuple]]:
    keys = set()
    for row in rows:
        show = table.item(row) if table.item else None
        if show and show[2] == "tv":
            keys.add((row.get("user_id"), show[1:]))
    return keys


def _staging(table: SyncTable) -> str:
    return f"temp.sync_landing_{table.name}"


def _stage(table: SyncTable, rows: list[Row]) -> None:
    """Put the wire rows in a temporary table (of this transaction's connection) as ``v``."""
    staging = _staging(table)
    names = table.wire_names
    database.execute_sql(f"CREATE TEMP TABLE IF NOT EXISTS {staging} ({', '.join(names)})")
    database.execute_sql(f"DELETE FROM {staging}")
    values = _wire_values(rows, names)
    lists = [i for i, name in enumerate(names) if name in table.list_columns()]
    for at, value in enumerate(values):  # text[] is JSON text here, as the store writes it
        if any(value[i] is not None for i in lists):
            cells = list(value)
            for i in lists:
                if cells[i] is not None:
                    cells[i] = _list_json(cells[i])
            values[at] = tuple(cells)
    database.cursor().executemany(
        f"INSERT INTO {staging} VALUES ({', '.join('?' for _ in names)})", values
    )


def _wire_values(rows: list[Row], names: Sequence[str]) -> list[tuple]:
    """Each row's values in ``names`` order; a missing one is NULL (as json_extract had it)."""
    get = _tuple_getter(names)
    try:
        return [get(row) for row in rows]
    except KeyError:
        return [tuple(row.get(name) for name in names) for row in rows]


def _wire_source(table: SyncTable) -> str:
    joins = table.ref.resolve_joins if table.ref else ""
    return f"{_staging(table)} AS v {joins}"


def _compare_sql(table: SyncTable) -> str:
    """How many wire rows find their parents here, and how many meet a newer local row."""
    sources = dict(zip(table.targets, table.sources(), strict=True))
    match = " AND ".join(f"t.{column} = {sources[column]}" for column in table.conflict)
    return (
        f"SELECT count(*), sum(t.updated_at > v.updated_at) FROM {_wire_source(table)} "
        f"LEFT JOIN {table.name} t ON {match}"
    )


def _apply_sql(table: SyncTable, *, keep_local: bool = False) -> str:
    """Upsert the staged rows: a newer row wins; on a tie the server's (pulled) row does.

    ``updated_at`` is causal (see ``local.CAUSAL_TRIGGER``), so an equal stamp means two devices
    edited the same version at once: the server took one of them, and every device
    follows the server. ``keep_local``: insert only what is missing (a friend's copy of
    a catalog row never replaces ours).
    """
    targets = table.targets
    updates = [c for c in targets if c not in table.conflict and c != "created_at"]
    insert = (
        f"INSERT INTO {table.name} AS t ({', '.join(targets)}) "
        f"SELECT {', '.join(table.sources())} FROM {_wire_source(table)} WHERE true "
        f"ON CONFLICT ({', '.join(table.conflict)}) DO "
    )
    if keep_local:
        return insert + "NOTHING"
    differs = " OR ".join(f"excluded.{column} IS NOT t.{column}" for column in updates)
    return (
        insert
        + "UPDATE SET "
        + ", ".join(f"{column} = excluded.{column}" for column in updates)
        + f" WHERE excluded.updated_at > t.updated_at OR (excluded.updated_at = t.updated_at "
        f"AND ({differs}))"
    )


def _forget_former_friends(user_id: str) -> None:
    """Drop the rows of people who were friends and are no longer (their users rows stay)."""
    former = database.execute_sql(
        "SELECT CASE WHEN user_id = ? THEN friend_id ELSE user_id END FROM friendships "
        "WHERE ? IN (user_id, friend_id)",
        (user_id, user_id),
    )
    gone = json.dumps(sorted({row[0] for row in former} - accepted_friends(user_id)))
    for name in [table.name for table in OWNED] + [WatchPosition._meta.table_name]:
        database.execute_sql(f"DELETE FROM {name} WHERE user_id {IN_LIST}", (gone,))


def _recompute(applied: Applied, user_id: str) -> None:
    """Bring derived data up to date: your own shows' counts, a friend's only their position.

    Statuses arrive as they were set on the other device and are never re-derived here.
    A pull may touch thousands of shows: they are recomputed together (see ``derived``).
    """
    if applied.shows:
        derived.stage_shows((person, tmdb_id, kind) for person, (tmdb_id, kind) in applied.shows)
        derived.recompute_staged_shows(user_id)
    own = {itunes_id for owner, itunes_id in applied.podcasts if owner in (None, user_id)}
    if own:
        derived.recompute_podcasts(user_id, own)
