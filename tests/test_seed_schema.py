"""The seed's data model, table for table and column for column, in both schemas.

``fixtures/SEED-DATA-MODEL.md`` is a copy of the seed ("Media Tracking Core").
Its tables are parsed here and held against the SQLite schema (a new library
and one migrated from schema version 4) and the PostgreSQL schema that
``mediatrack sync init`` makes, so a renamed or dropped seed column fails here.

Each seed name is looked for in snake_case (``mediaItemId`` -> ``media_item_id``).
Extensions (extra tables and columns) are allowed; so is NOT NULL where the seed
says nothing. ``SQLITE_TYPES`` and ``POSTGRES_TYPES`` say how each seed type
is stored: SQLite has no date or boolean type, and dates are ISO-8601 text on
both ends.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mediatrack.store.db import open_database

SEED = Path(__file__).parent / "fixtures" / "SEED-DATA-MODEL.md"
OLD_LIBRARY = Path(__file__).parent / "fixtures" / "library_v4" / "library_v4.db"

SQLITE_TYPES = {
    "text": {"TEXT"},
    "integer": {"INTEGER"},
    "serial": {"INTEGER"},
    "boolean": {"INTEGER"},
    "timestamp": {"DATETIME"},
    "date": {"TEXT"},
    "text[]": {"TEXT"},  # a JSON list
}
POSTGRES_TYPES = {
    "text": {"text"},
    "integer": {"integer", "bigint"},
    "serial": {"integer", "bigint"},
    "boolean": {"boolean"},
    "timestamp": {"timestamp with time zone", "timestamp without time zone"},
    "date": {"text"},
    "text[]": {"text[]"},
}
DEFAULTS = {  # the seed's default -> how each schema spells it
    "0": {"sqlite": "0", "postgres": "0"},
    "false": {"sqlite": "0", "postgres": "false"},
}


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@dataclass(frozen=True)
class SeedColumn:
    name: str
    type: str
    primary_key: bool
    not_null: bool  # the seed says "not null" (or PK)
    nullable: bool  # the seed says "nullable"
    unique: bool
    references: str | None  # the parent table of a foreign key
    default: str | None


@dataclass(frozen=True)
class SeedTable:
    name: str
    columns: tuple[SeedColumn, ...]
    unique_indexes: tuple[tuple[str, ...], ...]  # the single unique columns too


def parse_seed(text: str) -> list[SeedTable]:
    """Every ``### table`` section: its field table and its **Unique Index** lines."""
    tables = []
    for section in re.split(r"^### ", text, flags=re.MULTILINE)[1:]:
        name = snake(section.split()[0])
        columns = []
        for line in section.splitlines():
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if len(cells) != 4 or cells[0] in ("Field", "") or set(cells[0]) <= {"-"}:
                continue
            field, kind, constraints, _ = cells
            words = [word.strip() for word in constraints.split(",")]
            reference = re.search(r"FK → (\w+)", constraints)
            default = re.search(r"default (\w+)", constraints)
            columns.append(
                SeedColumn(
                    name=snake(field),
                    type=kind,
                    primary_key="PK" in words,
                    not_null="not null" in words or "PK" in words,
                    nullable="nullable" in words,
                    unique="unique" in words,
                    references=snake(reference.group(1)) if reference else None,
                    default=default.group(1) if default else None,
                )
            )
        compound = [
            tuple(snake(column.strip()) for column in found.split(","))
            for found in re.findall(r"\*\*Unique Index\*\*: `\(([^)]*)\)`", section)
        ]
        singles = [(column.name,) for column in columns if column.unique]
        tables.append(SeedTable(name, tuple(columns), tuple(compound + singles)))
    return tables


SEED_TABLES = parse_seed(SEED.read_text(encoding="utf-8"))
SEED_COLUMNS = [(table, column) for table in SEED_TABLES for column in table.columns]


def column_id(value: object) -> str:
    if isinstance(value, SeedTable):
        return value.name
    return value.name if isinstance(value, SeedColumn) else str(value)


def test_the_seed_copy_parses_into_its_thirteen_tables() -> None:
    names = [table.name for table in SEED_TABLES]
    assert names == [
        "users",
        "sessions",
        "accounts",
        "media_items",
        "seasons",
        "episodes",
        "user_progress",
        "ratings",
        "books",
        "user_book_progress",
        "podcasts",
        "user_podcast_progress",
        "friendships",
    ]
    by_name = {table.name: table for table in SEED_TABLES}
    assert by_name["media_items"].unique_indexes == (("tmdb_id", "type"),)
    podcasts = {column.name: column for column in by_name["podcasts"].columns}
    assert podcasts["collection_name"].not_null and podcasts["artist_name"].nullable
    assert podcasts["itunes_id"].unique
    assert {c.name: c.default for c in by_name["books"].columns}["is_ebook"] == "false"
    user_id = {c.name: c for c in by_name["user_progress"].columns}["user_id"]
    assert user_id.references == "users"
    assert {type_ for _, column in SEED_COLUMNS for type_ in [column.type]} <= set(SQLITE_TYPES)


# --- the two schemas, as plain facts -------------------------------------------------


@dataclass(frozen=True)
class Column:
    type: str
    not_null: bool
    primary_key: bool
    default: str | None


@dataclass(frozen=True)
class Schema:
    columns: dict[str, dict[str, Column]]  # table -> column -> facts
    unique: dict[str, set[tuple[str, ...]]]  # table -> column lists of unique indexes
    references: dict[str, dict[str, str]]  # table -> foreign key column -> parent table


def sqlite_schema(db) -> Schema:
    columns, unique, references = {}, {}, {}
    tables = db.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    for (table,) in tables:
        columns[table] = {
            name: Column(kind, bool(notnull) or bool(pk), bool(pk), default)
            for _cid, name, kind, notnull, default, pk in db.execute_sql(
                f'PRAGMA table_info("{table}")'
            )
        }
        unique[table] = set()
        for _seq, index, is_unique, _origin, _partial in db.execute_sql(
            f'PRAGMA index_list("{table}")'
        ):
            if is_unique:
                info = sorted(db.execute_sql(f'PRAGMA index_info("{index}")'))
                unique[table].add(tuple(column for _rank, _cid, column in info))
        references[table] = {
            column: parent
            for _id, _seq, parent, column, *_ in db.execute_sql(
                f'PRAGMA foreign_key_list("{table}")'
            )
        }
    return Schema(columns, unique, references)


def postgres_schema(url: str) -> Schema:
    import psycopg

    with psycopg.connect(url) as connection:
        found = connection.execute(
            "SELECT c.table_name, c.column_name, "
            "  CASE WHEN c.data_type = 'ARRAY' THEN substr(c.udt_name, 2) || '[]' "
            "       ELSE c.data_type END, "
            "  c.is_nullable = 'NO', c.column_default, "
            "  EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a "
            "          ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) "
            "          WHERE i.indisprimary AND i.indrelid = ('public.' || c.table_name)::regclass "
            "          AND a.attname = c.column_name) "
            "FROM information_schema.columns c WHERE c.table_schema = 'public'"
        ).fetchall()
        columns: dict[str, dict[str, Column]] = {}
        for table, name, kind, not_null, default, pk in found:
            columns.setdefault(table, {})[name] = Column(kind, not_null, pk, default)
        unique: dict[str, set[tuple[str, ...]]] = {table: set() for table in columns}
        for table, names in connection.execute(
            "SELECT t.relname, array_agg(a.attname ORDER BY k.ordinality) "
            "FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
            "JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public' "
            "CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ordinality) "
            "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum "
            "WHERE i.indisunique AND i.indpred IS NULL GROUP BY i.indexrelid, t.relname"
        ):
            unique.setdefault(table, set()).add(tuple(names))
        references: dict[str, dict[str, str]] = {table: {} for table in columns}
        for table, column, parent in connection.execute(
            # Composite keys too: a catalog row's children point at (written_by, id).
            "SELECT t.relname, a.attname, p.relname FROM pg_constraint c "
            "JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class p ON p.oid = c.confrelid "
            "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) "
            "WHERE c.contype = 'f' AND a.attname <> 'written_by' "
            "ORDER BY array_length(c.conkey, 1)"  # a column's own key before a composite one
        ):
            references.setdefault(table, {}).setdefault(column, parent)
    return Schema(columns, unique, references)


# --- the checks, the same for both ----------------------------------------------------------


def check_column(schema: Schema, end: str, table: SeedTable, seed: SeedColumn) -> None:
    assert table.name in schema.columns, f"{end} has no table {table.name}"
    found = schema.columns[table.name].get(seed.name)
    assert found is not None, f"{end}: {table.name} has no column {seed.name}"
    types = SQLITE_TYPES if end == "sqlite" else POSTGRES_TYPES
    assert found.type in types[seed.type], (table.name, seed.name, found.type)
    if seed.primary_key:
        assert found.primary_key, (table.name, seed.name)
    if seed.not_null:
        assert found.not_null, f"{end}: {table.name}.{seed.name} may be NULL; the seed says not"
    if seed.nullable:
        assert not found.not_null, f"{end}: {table.name}.{seed.name} must accept NULL"
    if seed.references:
        assert schema.references[table.name].get(seed.name) == seed.references
    if seed.default is not None:
        assert found.default == DEFAULTS[seed.default][end], (table.name, seed.name)


def check_unique(schema: Schema, table: SeedTable, *, per_writer: bool = False) -> None:
    """``per_writer``: on the shared server each person keeps their own copy of a catalog row
    (README, security), so there the seed's unique index may be led by ``written_by``."""
    for columns in table.unique_indexes:
        found = schema.unique[table.name]
        assert columns in found or (per_writer and ("written_by", *columns) in found), (
            table.name,
            columns,
        )


@pytest.fixture(params=["new", "migrated from version 4"])
def sqlite(request, db_path: Path) -> Schema:
    if request.param != "new":
        shutil.copyfile(OLD_LIBRARY, db_path)
    return sqlite_schema(open_database(db_path))


@pytest.mark.parametrize(("table", "seed"), SEED_COLUMNS, ids=column_id)
def test_sqlite_has_the_seed_column(sqlite: Schema, table: SeedTable, seed: SeedColumn) -> None:
    check_column(sqlite, "sqlite", table, seed)


@pytest.mark.parametrize("table", SEED_TABLES, ids=column_id)
def test_sqlite_has_the_seed_unique_indexes(sqlite: Schema, table: SeedTable) -> None:
    check_unique(sqlite, table)


@pytest.fixture(scope="module")
def postgres() -> Iterator[Schema]:
    from mediatrack.store.sync.server import init_schema
    from pg_server import throwaway_database

    with throwaway_database() as url:
        init_schema(url)
        yield postgres_schema(url)


@pytest.mark.parametrize(("table", "seed"), SEED_COLUMNS, ids=column_id)
def test_postgres_has_the_seed_column(postgres: Schema, table: SeedTable, seed: SeedColumn) -> None:
    check_column(postgres, "postgres", table, seed)


@pytest.mark.parametrize("table", SEED_TABLES, ids=column_id)
def test_postgres_has_the_seed_unique_indexes(postgres: Schema, table: SeedTable) -> None:
    check_unique(postgres, table, per_writer="written_by" in postgres.columns[table.name])


def test_a_renamed_column_is_caught() -> None:
    """The check itself: a schema with ``tmdb_status`` instead of ``status`` fails."""
    table = next(table for table in SEED_TABLES if table.name == "media_items")
    status = next(column for column in table.columns if column.name == "status")
    renamed = Schema({"media_items": {"tmdb_status": Column("TEXT", False, False, None)}}, {}, {})
    with pytest.raises(AssertionError, match="no column status"):
        check_column(renamed, "sqlite", table, status)
