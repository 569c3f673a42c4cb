"""The PostgreSQL end of sync, as the person's own role: every statement sync sends.

Row-level security on the server decides what the role may read and write
(see ``store/server/*.sql``); nothing here filters by user for safety, only to
avoid sending what the server would refuse anyway.

Each method is one statement, so one round trip; ``statements`` counts them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mediatrack.store.sync.errors import ServerRefused, ServerUnreachable, SyncError
from mediatrack.store.sync.tables import (
    ALL_TABLES,
    FRIENDSHIPS,
    METADATA,
    OWNED,
    USERS,
    ItemKey,
    Row,
    SyncTable,
)

if TYPE_CHECKING:
    import psycopg

    from mediatrack.store.sync.local import Batch

UTC_OPTIONS = "-c TimeZone=UTC"
# No statement of a sync waits for ever: a lock held elsewhere (say, by the person's own
# psql session) ends the sync with a sentence instead. Seconds.
LOCK_TIMEOUT = 10
STATEMENT_TIMEOUT = 120

# Shared metadata is pulled only for items someone this role can see tracks.
RELEVANT = {
    "media_items": "EXISTS (SELECT 1 FROM user_progress x WHERE x.media_item_id = t.id)",
    "seasons": "EXISTS (SELECT 1 FROM user_progress x WHERE x.media_item_id = t.media_item_id)",
    "episodes": (
        "EXISTS (SELECT 1 FROM seasons xs JOIN user_progress x "
        "ON x.media_item_id = xs.media_item_id WHERE xs.id = t.season_id)"
    ),
    "books": "EXISTS (SELECT 1 FROM user_book_progress x WHERE x.book_id = t.id)",
    "podcasts": "EXISTS (SELECT 1 FROM user_podcast_progress x WHERE x.podcast_id = t.id)",
    "podcast_episodes": (
        "EXISTS (SELECT 1 FROM user_podcast_progress x WHERE x.podcast_id = t.podcast_id)"
    ),
}
CONTACTS_CHANGED = (
    "t.id IN (SELECT CASE WHEN f.user_id = (SELECT mediatrack_uid()) THEN f.friend_id "
    "ELSE f.user_id END FROM friendships f WHERE f.revision >= %(mark)s)"
)
FRIEND_ACTIONS = {
    "accept": (
        "UPDATE friendships SET status = 'accepted', updated_at = now() "
        "WHERE friend_id = (SELECT mediatrack_uid()) AND status = 'pending' "
        "AND deleted_at IS NULL AND user_id = (SELECT id FROM users WHERE email = %(email)s)",
        "There is no friend request from {email}.",
    ),
    "decline": (
        "UPDATE friendships SET deleted_at = now(), updated_at = now() "
        "WHERE friend_id = (SELECT mediatrack_uid()) AND status = 'pending' "
        "AND deleted_at IS NULL AND user_id = (SELECT id FROM users WHERE email = %(email)s)",
        "There is no friend request from {email}.",
    ),
    "remove": (
        "UPDATE friendships SET deleted_at = now(), updated_at = now() "
        "WHERE deleted_at IS NULL AND (SELECT id FROM users WHERE email = %(email)s) "
        "IN (user_id, friend_id) AND (SELECT mediatrack_uid()) IN (user_id, friend_id)",
        "{email} is neither a friend nor a friend request of yours.",
    ),
}


# A table's rows in a push batch from which they travel by COPY into a staging table.
STAGE_FROM = 100

SERVER_FUNCTIONS = {
    "add": "mediatrack_request_friendship",
    "block": "mediatrack_block",
    "unblock": "mediatrack_unblock",
}


@dataclass(frozen=True, slots=True)
class Pushed:
    written: int  # people's rows the server took
    refused: int  # people's rows the server kept its newer copy of
    revisions: tuple[int, int] | None  # the first and last revision the batch was given


@dataclass(frozen=True, slots=True)
class Probe:
    revision: int  # the server's watermark: the next pull mark
    rows: dict[str, list[Row]]  # every row to pull of the tables with only a few
    more: tuple[str, ...]  # the tables with more, to read in chunks, parents first


def connect(
    url: str,
    password: str | None = None,
    *,
    timeout: float = 10,
    statement_timeout: float | None = None,
) -> psycopg.Connection:
    """An autocommit connection as the person's role, times in UTC, waits bounded.

    ``statement_timeout`` in seconds (0: none, for the admin's migrations), else
    ``STATEMENT_TIMEOUT``; locks are never waited for longer than ``LOCK_TIMEOUT``.
    """
    if statement_timeout is None:
        statement_timeout = STATEMENT_TIMEOUT
    import psycopg

    try:
        return psycopg.connect(
            url,
            password=password or None,
            autocommit=True,
            connect_timeout=max(1, round(timeout)),
            application_name="mediatrack",
            options=f"{UTC_OPTIONS} -c lock_timeout={round(LOCK_TIMEOUT * 1000)} "
            f"-c statement_timeout={round(statement_timeout * 1000)}",
        )
    except psycopg.OperationalError as error:
        raise _connect_error(error) from None


def _connect_error(error: Exception) -> SyncError:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    # psycopg puts the reason first ("connection to server at ... failed: Connection
    # refused") and a hint after it; the reason is what the user needs.
    text = lines[0].removeprefix("connection failed: ") if lines else type(error).__name__
    if "password" in text or "authentication" in text or ("role" in text and "exist" in text):
        return ServerRefused(
            f"The sync server refused the login ({text}); check the URL and password with "
            "`mediatrack sync setup`."
        )
    return ServerUnreachable(f"Cannot reach the sync server ({text}).")


def one_row(cursor: psycopg.Cursor[Any]) -> tuple[Any, ...]:
    """The row of a query that always returns exactly one (a function call, an aggregate)."""
    row = cursor.fetchone()
    assert row is not None, "a query that always returns one row returned none"
    return row


@contextlib.contextmanager
def translated_errors() -> Iterator[None]:
    """psycopg's errors as ``SyncError``s with one sentence."""
    import psycopg
    from psycopg import errors

    try:
        yield
    except (errors.LockNotAvailable, errors.QueryCanceled) as error:
        raise ServerUnreachable(
            "The sync server kept this sync waiting too long (another session holds a lock "
            "it needs); run it again later."
        ) from error
    except psycopg.OperationalError as error:
        raise ServerUnreachable(
            "The connection to the sync server was lost; run `mediatrack sync` again to finish."
        ) from error
    except (errors.UndefinedTable, errors.UndefinedFunction) as error:
        raise ServerRefused(
            "The sync server has no mediatrack schema (or an old one); ask its admin to run "
            "`mediatrack sync init`."
        ) from error
    except (errors.RaiseException, errors.InsufficientPrivilege, errors.NoDataFound) as error:
        raise ServerRefused(_primary(error)) from error
    except psycopg.Error as error:
        raise SyncError(f"The sync server reported an error: {_primary(error)}") from error


def _primary(error: Any) -> str:
    message = (error.diag.message_primary if error.diag else None) or str(error)
    return message if message.endswith(".") else message + "."


class Remote:
    """One connection to the server as the person's role."""

    def __init__(self, connection: psycopg.Connection) -> None:
        self.connection = connection
        self.statements = 0
        self._staged: bool | None = None  # staging tables made (None: not tried yet)

    @property
    def server(self) -> str:
        """``role@host:port/database``: which server and role the local marks belong to."""
        info = self.connection.info
        return f"{info.user}@{info.host}:{info.port}/{info.dbname}"

    def _one(self, query: str, params: Any = None) -> tuple:
        self.statements += 1
        with translated_errors():
            return one_row(self.connection.execute(query, params))

    def _rowcount(self, query: str, params: Any = None) -> int:
        self.statements += 1
        with translated_errors():
            return self.connection.execute(query, params).rowcount

    # --- who --------------------------------------------------------------------------

    def claim(self, user_id: str, email: str, email_verified: bool) -> str:
        """Bind this role to the signed-in user (first sync), or check that it is bound to them."""
        return self._one("SELECT mediatrack_claim(%s, %s, %s)", (user_id, email, email_verified))[0]

    def friend_action(self, action: str, email: str) -> str:
        """Send one friend request or answer; returns what happened, in a few words."""
        email = email.strip().lower()
        if action in SERVER_FUNCTIONS:
            return self._one(f"SELECT {SERVER_FUNCTIONS[action]}(%s)", (email,))[0]
        query, refusal = FRIEND_ACTIONS[action]
        if self._rowcount(query, {"email": email}) == 0:
            raise ServerRefused(refusal.format(email=email))
        return {"accept": "accepted", "decline": "declined", "remove": "removed"}[action]

    # --- push -------------------------------------------------------------------------

    def push(self, batch: Batch) -> Pushed:
        """Upsert one batch (parents first), last writer wins, in one transaction.

        A table's many rows are copied (COPY) into a temporary staging table of this
        connection, then go in with one set-based upsert; a few rows (most syncs) travel
        with the upsert as one JSON parameter, saving the COPY's round trip, as do all of
        them when the server does not let the role make temporary tables.
        """
        written = refused = 0
        first: int | None = None
        last: int | None = None
        many = any(len(rows) >= STAGE_FROM for rows in batch.rows.values())
        staging = many and self._staging()
        with translated_errors(), self.connection.transaction():
            for table in ALL_TABLES:
                rows = batch.rows.get(table.name)
                if not rows:
                    continue
                staged = staging and len(rows) >= STAGE_FROM
                params: tuple | None = None
                if staged:
                    self._copy(table, rows)
                else:
                    params = (_json_rows(table, rows),)
                self.statements += 1
                unresolved, wrote, kept, low, high = one_row(
                    self.connection.execute(push_sql(table, staged), params)
                )
                if unresolved:
                    raise SyncError(
                        f"{unresolved} {table.name} rows name items the server lacks; "
                        "run `mediatrack sync` again."
                    )
                if table.owned:
                    written, refused = written + wrote, refused + kept
                if low is not None:
                    first = low if first is None else min(first, low)
                    last = high if last is None else max(last, high)
        span = (first, last) if first is not None and last is not None else None
        return Pushed(written, refused, span)

    def _staging(self) -> bool:
        """Make this connection's staging tables (once); False: the server allows none."""
        if self._staged is None:
            from psycopg import errors

            self.statements += 1
            try:
                with translated_errors():
                    self.connection.execute(staging_sql())
                self._staged = True
            except ServerRefused as refusal:
                if not isinstance(refusal.__cause__, errors.InsufficientPrivilege):
                    raise
                self._staged = False
        return self._staged

    def _copy(self, table: SyncTable, rows: list[tuple]) -> None:
        self.statements += 1
        columns = ", ".join(table.wire_names)
        with (
            self.connection.cursor() as cursor,
            cursor.copy(f"COPY {stage_name(table)} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)

    def analyze(self, tables: Sequence[str]) -> None:
        """Ask the server to refresh its planner statistics of these tables.

        A server whose schema predates the request (step 5) is left as it is: its
        statistics catch up when autovacuum comes round.
        """
        from psycopg import errors

        self.statements += 1
        try:
            self.connection.execute("SELECT mediatrack_analyze(%s)", (list(tables),))
        except errors.UndefinedFunction:
            return

    # --- pull -------------------------------------------------------------------------

    def probe(
        self, mark: int, own_revisions: Sequence[tuple[int, int]], user_id: str, few: int
    ) -> Probe:
        """The next pull mark, and per table its rows to pull when there are at most ``few``.

        The next mark is the server's watermark: every revision below it has committed,
        any at or above it may still come, so the next pull starts there (a row seen twice
        lands as the same row). Most syncs pull a few rows or none: this one statement is
        then the whole pull; only a table with more is read again, in chunks (``stream``).
        """
        where, params = pull_where(mark, own_revisions, user_id)
        params["few"] = few + 1
        parts = [f"'{t.name}', {select_sql(t, where[t.name], limit='%(few)s')}" for t in ALL_TABLES]
        result = self._one(
            "SELECT json_build_object('revision', greatest(%(mark)s, mediatrack_watermark()), "
            + ", ".join(parts)
            + ")",
            params,
        )[0]
        revision = result.pop("revision")
        rows = {name: found for name, found in result.items() if 0 < len(found) <= few}
        more = tuple(name for name, found in result.items() if len(found) > few)
        return Probe(revision, rows, more)

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """One read-only transaction: every read in it sees the same committed rows."""
        with translated_errors(), self.connection.transaction():
            self.statements += 1
            self.connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield

    def stream(self, table: SyncTable, where: str, params: dict, size: int) -> Iterator[list[Row]]:
        """The table's rows matching ``where`` as wire rows, ``size`` at a time (in ``snapshot``).

        A server-side cursor: however many rows match, only one batch is held here.
        """
        from psycopg.rows import dict_row

        self.statements += 1
        with (
            translated_errors(),
            self.connection.cursor(name=f"pull_{table.name}", row_factory=dict_row) as cursor,
        ):
            cursor.execute(row_sql(table, where), params)
            while True:
                self.statements += 1
                rows = cursor.fetchmany(size)
                if not rows:
                    return
                yield rows

    def pull_people(self, user_ids: Sequence[str]) -> dict[str, list[Row]]:
        """All rows of these people (new friends), whatever their revision."""
        where = {USERS.name: "t.id = ANY(%(ids)s)"}
        where.update({t.name: "t.user_id = ANY(%(ids)s)" for t in OWNED})
        return self._select(where, {"ids": list(user_ids)})

    def pull_items(self, items: set[ItemKey]) -> dict[str, list[Row]]:
        """These catalog items in full: shows with every season and episode, podcasts too."""
        media = [key for key in items if key[0] == "media"]
        params = {
            "tmdb": [key[1] for key in media],
            "type": [key[2] for key in media],
            "books": [key[1] for key in items if key[0] == "book"],
            "podcasts": [key[1] for key in items if key[0] == "podcast"],
        }
        shows = (
            "SELECT id FROM media_items WHERE (tmdb_id, type) IN "
            "(SELECT * FROM unnest(%(tmdb)s::bigint[], %(type)s::text[]))"
        )
        podcasts = "SELECT id FROM podcasts WHERE itunes_id = ANY(%(podcasts)s)"
        where = {
            "media_items": f"t.id IN ({shows})",
            "seasons": f"t.media_item_id IN ({shows})",
            "episodes": f"t.season_id IN (SELECT id FROM seasons WHERE media_item_id IN ({shows}))",
            "books": "t.google_id = ANY(%(books)s)",
            "podcasts": f"t.id IN ({podcasts})",
            "podcast_episodes": f"t.podcast_id IN ({podcasts})",
        }
        return self._select(where, params)

    def _select(self, where: dict[str, str], params: dict, extra: str = "") -> dict[str, Any]:
        parts = [extra] if extra else []
        parts += [
            f"'{t.name}', {select_sql(t, where[t.name])}" for t in ALL_TABLES if t.name in where
        ]
        result = self._one(f"SELECT json_build_object({', '.join(parts)})", params)[0]
        return {name: rows for name, rows in result.items()}


# --- SQL ---------------------------------------------------------------------------------


def pull_where(
    mark: int, own_revisions: Sequence[tuple[int, int]], user_id: str
) -> tuple[dict[str, str], dict[str, Any]]:
    """Per table, what a pull reads: from ``mark`` on, but the revisions our push just wrote."""
    params: dict[str, Any] = {"mark": mark, "me": user_id}

    def fresh_in(table: str) -> str:
        return "t.revision >= %(mark)s"

    if own_revisions:
        # The revisions between our batches (and after the last), each gap a range of
        # the revision index: filtering every row from ``mark`` on would read back the
        # whole push. The ranges are on the table's own column, so the planner weighs
        # each against the column's statistics: a few narrow gaps after a large push are
        # a few index probes, one wide gap (a new device's first pull) a plain scan.
        gaps = _gaps(mark, own_revisions)
        for n, (low, high) in enumerate(gaps):
            params[f"low{n}"], params[f"high{n}"] = low, high
        ranges = " OR ".join(
            f"(t.revision >= %(low{n})s AND t.revision < %(high{n})s)" for n in range(len(gaps))
        )

        def fresh_in(table: str) -> str:
            return f"({ranges})"

    where = {
        USERS.name: f"({fresh_in(USERS.name)} OR {CONTACTS_CHANGED}) AND t.id <> %(me)s",
        FRIENDSHIPS.name: "t.revision >= %(mark)s",
    }
    where.update({t.name: f"{fresh_in(t.name)} AND {RELEVANT[t.name]}" for t in METADATA})
    where.update({t.name: fresh_in(t.name) for t in OWNED})
    return where, params


NO_END = 2**63 - 1


# The most gaps a pull names; more (a push of many batches between other writers'
# transactions) are merged with their neighbours, reading back some of our own rows.
MAX_GAPS = 100


def _gaps(mark: int, own: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """[low, high) ranges of revisions from ``mark`` on outside the ``own`` [low, high] spans."""
    gaps = []
    start = mark
    for low, high in sorted(own):
        if low > start:
            gaps.append((start, low))
        start = max(start, high + 1)
    gaps.append((start, NO_END))
    if len(gaps) > MAX_GAPS:  # merge runs of neighbours: each run becomes one range
        size = -(-len(gaps) // MAX_GAPS)
        gaps = [(run[0][0], run[-1][1]) for run in _runs(gaps, size)]
    return gaps


def _runs(items: list, size: int) -> list[list]:
    return [items[n : n + size] for n in range(0, len(items), size)]


MINE = "(SELECT mediatrack_uid())"  # the role's user id, once per statement
# How a pushed row finds its parent: the writer's own copy, by its (written_by, ...) key,
# one index probe per row. A subquery that cannot be flattened (OFFSET 0) keeps the
# planner from a hash join, which would read every parent row of the writer (every
# episode of the library) once per batch, or from a loop the wrong way round while the
# statistics of a table being filled are stale.
PARENT_LOOKUPS = {
    "media": (
        "m",
        "SELECT x.id FROM media_items x WHERE x.written_by = {me} "
        "AND x.tmdb_id = v.media_tmdb_id AND x.type = v.media_type",
    ),
    "season": (
        "s",
        "SELECT x.id FROM seasons x WHERE x.written_by = {me} AND x.tmdb_id = v.season_tmdb_id",
    ),
    "episode": (
        "e",
        "SELECT x.id FROM episodes x WHERE x.written_by = {me} AND x.tmdb_id = v.episode_tmdb_id",
    ),
    "book": (
        "b",
        "SELECT x.id FROM books x WHERE x.written_by = {me} AND x.google_id = v.google_id",
    ),
    "podcast": (
        "p",
        "SELECT x.id FROM podcasts x WHERE x.written_by = {me} AND x.itunes_id = v.itunes_id",
    ),
    "podcast_episode": (
        "pe",
        "SELECT x.id FROM podcasts xp JOIN podcast_episodes x ON x.podcast_id = xp.id "
        "AND x.written_by = xp.written_by WHERE xp.written_by = {me} "
        "AND xp.itunes_id = v.itunes_id AND x.guid = v.episode_guid",
    ),
}


def _text_timestamp(expression: str) -> str:
    """A timestamptz as the local store writes it: UTC, microseconds only when not zero."""
    text = f"to_char({expression} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
    return f"replace({text}, '.000000', '')"


def _wire_object(table: SyncTable) -> tuple[str, str]:
    """(``json_build_object`` of a row on the wire, the joins it needs)."""
    pairs = [
        f"'{name}', {_text_timestamp('t.' + name) if kind == 'timestamp' else 't.' + name}"
        for name, kind in table.columns
    ]
    if table.per_writer:  # whose copy: the client keeps its own over a friend's
        pairs.append("'written_by', t.written_by")
    joins = ""
    if table.ref is not None:
        pairs += [f"'{name}', {expression}" for name, _, expression in table.ref.wire]
        pairs += [f"'{name}', {expression}" for name, expression in table.ref.info]
        joins = table.ref.read_joins
    return f"json_build_object({', '.join(pairs)})", joins


def select_sql(table: SyncTable, where: str, limit: str = "") -> str:
    """The table's rows matching ``where`` (``limit`` of them) as a JSON array of wire rows."""
    row, joins = _wire_object(table)
    rows = f"SELECT {row} AS x FROM {table.name} t {joins} WHERE {where}"
    if limit:
        rows += f" LIMIT {limit}"
    return f"(SELECT coalesce(json_agg(x), '[]'::json) FROM ({rows}) AS found)"


def row_sql(table: SyncTable, where: str) -> str:
    """The table's rows matching ``where`` as wire rows: one column per wire name."""
    columns = []
    for name, kind in table.columns:
        if kind == "timestamp":
            columns.append(f"{_text_timestamp('t.' + name)} AS {name}")
        else:
            columns.append(f"t.{name}")
    if table.per_writer:
        columns.append("t.written_by")
    joins = ""
    if table.ref is not None:
        columns += [f"{expression} AS {name}" for name, _, expression in table.ref.wire]
        columns += [f"{expression} AS {name}" for name, expression in table.ref.info]
        joins = table.ref.read_joins
    return f"SELECT {', '.join(columns)} FROM {table.name} t {joins} WHERE {where}"


def stage_name(table: SyncTable) -> str:
    """The connection's temporary staging table of ``table``'s pushed wire rows."""
    return f"pg_temp.mediatrack_stage_{table.name}"


def _wire_types(table: SyncTable) -> list[tuple[str, str]]:
    return list(table.columns) + (
        [(name, kind) for name, kind, _ in table.ref.wire] if table.ref else []
    )


def staging_sql() -> str:
    """Every pushed table's staging table, emptied at each commit (a batch stages once)."""
    return "; ".join(
        f"CREATE TEMP TABLE IF NOT EXISTS {stage_name(t).removeprefix('pg_temp.')} ("
        + ", ".join(f"{name} {kind}" for name, kind in _wire_types(t))
        + ") ON COMMIT DELETE ROWS"
        for t in ALL_TABLES
        if t.pushed
    )


def _json_rows(table: SyncTable, rows: list[tuple]) -> str:
    """Wire rows as the JSON array ``push_sql`` reads when there is no staging table."""
    import json

    names = table.wire_names
    return json.dumps([dict(zip(names, row, strict=True)) for row in rows], ensure_ascii=False)


def push_sql(table: SyncTable, staged: bool = True) -> str:
    """Upsert the staged wire rows (or a JSON array of them); report unresolved, written,
    refused, revisions.

    A row replaces the server's only when it is newer (``updated_at``, which the local
    store keeps causal: an edit is always stamped after the version it replaced). Catalog
    rows are the role's own copies: written with its ``written_by``, and a row points only
    at the role's own parent rows. Refused rows are looked for only when some row was not
    written (a first push writes every row).
    """
    record = ", ".join(f"{name} {kind}" for name, kind in _wire_types(table))
    rows = (
        f"SELECT * FROM {stage_name(table)}"
        if staged
        else f"SELECT * FROM json_to_recordset(%s::json) AS v({record})"
    )
    stamps = set(table.timestamp_columns())
    sources = [
        f"(v.{name} AT TIME ZONE 'UTC')" if name in stamps else f"v.{name}"
        for name, _ in table.columns
    ]
    targets = table.targets
    conflict = list(table.conflict)
    if table.ref is not None:
        sources.append(table.ref.resolved)
    if table.per_writer:
        sources.append(MINE)
        targets = [*targets, "written_by"]
        conflict = ["written_by", *conflict]
    columns = ", ".join(targets)
    updates = ", ".join(
        f"{c} = excluded.{c}" for c in targets if c not in conflict and c != "created_at"
    )
    match = " AND ".join(f"t.{c} = r.{c}" for c in conflict)
    resolved = ", ".join(f"{s} AS {t}" for s, t in zip(sources, targets, strict=True))
    joins = ""
    if table.ref is not None:
        alias, lookup = PARENT_LOOKUPS[table.ref.parent]
        if not table.ref.resolved.startswith(f"{alias}."):
            raise ValueError(f"{table.name}: its parent is {table.ref.resolved}, not {alias}.id")
        joins = f"JOIN LATERAL ({lookup.format(me=MINE)} OFFSET 0) {alias} ON true"
    return f"""
        WITH v AS ({rows}),
        r AS (SELECT {resolved} FROM v {joins}),
        w AS (
            INSERT INTO {table.name} AS t ({columns}) SELECT {columns} FROM r
            ON CONFLICT ({", ".join(conflict)}) DO UPDATE SET {updates}
            WHERE excluded.updated_at > t.updated_at
            RETURNING t.revision
        )
        SELECT (SELECT count(*) FROM v) - (SELECT count(*) FROM r), (SELECT count(*) FROM w),
            CASE WHEN (SELECT count(*) FROM w) = (SELECT count(*) FROM r) THEN 0
            ELSE (SELECT count(*) FROM r JOIN {table.name} t ON {match}
                  WHERE t.updated_at > r.updated_at) END,
            (SELECT min(revision) FROM w), (SELECT max(revision) FROM w)
    """
