"""The admin's end of sync: create or migrate the server schema, provision people's roles.

Both run as the server's admin (``--admin-url``), who owns every object of the
schema. Migration steps are ``store/server/NNNN_name.sql``, applied in order,
all in one transaction under an advisory lock, and recorded in
``mediatrack_schema_version``: running ``init`` again changes nothing.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

from mediatrack.store.sync.errors import ServerRefused
from mediatrack.store.sync.remote import connect, one_row, translated_errors

if TYPE_CHECKING:
    import psycopg

INIT_LOCK = 7236837361590734950  # any fixed number: one `init` at a time per database
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@dataclass(frozen=True, slots=True)
class SchemaStatus:
    before: int  # the server's schema version before, 0 for an empty database
    after: int


@dataclass(frozen=True, slots=True)
class Provisioned:
    role: str
    password: str  # shown once to the admin, stored nowhere
    email: str
    url: str  # what the person gives `mediatrack sync setup`
    user_id: str | None  # None until the person's first sync claims the role
    new_role: bool  # False: an existing role of this email got a new password


def server_steps() -> list[tuple[int, str]]:
    """(version, SQL) of every step in ``store/server``, in order."""
    folder = resources.files("mediatrack.store") / "server"
    steps = [
        (int(entry.name.partition("_")[0]), entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".sql")
    ]
    return sorted(steps)


def latest_server_version() -> int:
    return server_steps()[-1][0]


def init_schema(admin_url: str, target: int | None = None) -> SchemaStatus:
    """Create or migrate the schema (up to ``target``), then renew every role's grants."""
    with (
        connect(admin_url, statement_timeout=0) as connection,
        translated_errors(),
        connection.transaction(),
    ):
        connection.execute("SELECT pg_advisory_xact_lock(%s)", (INIT_LOCK,))
        connection.execute(
            "CREATE TABLE IF NOT EXISTS mediatrack_schema_version ("
            "version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        connection.execute("REVOKE ALL ON mediatrack_schema_version FROM PUBLIC")
        (before,) = one_row(
            connection.execute("SELECT coalesce(max(version), 0) FROM mediatrack_schema_version")
        )
        after = before
        for version, sql in server_steps():
            if before < version <= (target or version):
                after = version
                connection.execute(sql.encode())  # several statements: no parameters
                connection.execute(
                    "INSERT INTO mediatrack_schema_version (version) VALUES (%s)", (version,)
                )
        roles = connection.execute(
            "SELECT role_name FROM sync_roles WHERE role_name IN (SELECT rolname FROM pg_roles)"
        ).fetchall()
        for (role,) in roles:
            connection.execute("CALL mediatrack_grant(%s)", (role,))
    return SchemaStatus(before, after)


def provision(admin_url: str, email: str, role: str | None = None) -> Provisioned:
    """Create the person's login role with a new password and map it to their email.

    For an email already provisioned, its role gets a new password instead. The
    mapping waits on the email until the person's first sync claims it.
    """
    from psycopg import sql

    email = email.strip().lower()
    if not EMAIL.match(email):
        raise ServerRefused(f"{email!r} is not an email address.")
    if role is not None and not ROLE.match(role):
        raise ServerRefused(
            f"{role!r} cannot be a role name: use lower-case letters, digits and _ (63 at most)."
        )
    password = secrets.token_urlsafe(18)
    with (
        connect(admin_url, statement_timeout=0) as connection,
        translated_errors(),
        connection.transaction(),
    ):
        _require_schema(connection)
        mapped = connection.execute(
            "SELECT role_name, user_id FROM sync_roles WHERE email = %s", (email,)
        ).fetchone()
        if mapped and role not in (None, mapped[0]):
            raise ServerRefused(f"{email} is already provisioned as the role {mapped[0]}.")
        name = mapped[0] if mapped else role or _free_role_name(connection)
        exists = _role_exists(connection, name)
        if not mapped and exists:
            raise ServerRefused(f"A PostgreSQL role named {name} exists already; choose another.")
        secret = connection.pgconn.encrypt_password(
            password.encode(), name.encode(), b"scram-sha-256"
        ).decode()
        statement = (
            "ALTER ROLE {} LOGIN PASSWORD {}" if exists else "CREATE ROLE {} LOGIN PASSWORD {}"
        )
        connection.execute(sql.SQL(statement).format(sql.Identifier(name), sql.Literal(secret)))
        if not mapped:
            connection.execute(
                "INSERT INTO sync_roles (role_name, email) VALUES (%s, %s)", (name, email)
            )
        connection.execute("CALL mediatrack_grant(%s)", (name,))
        database = connection.info.dbname
        connection.execute(
            sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
                sql.Identifier(database), sql.Identifier(name)
            )
        )
        info = connection.info
        url = f"postgresql://{name}@{info.host}:{info.port}/{database}"
    return Provisioned(name, password, email, url, mapped[1] if mapped else None, not mapped)


def _require_schema(connection: psycopg.Connection) -> None:
    (found,) = one_row(connection.execute("SELECT to_regclass('sync_roles') IS NOT NULL"))
    if not found:
        raise ServerRefused(
            "This database has no mediatrack schema yet; run `mediatrack sync init` first."
        )


def _role_exists(connection: psycopg.Connection, name: str) -> bool:
    found = connection.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
    return found is not None


def _free_role_name(connection: psycopg.Connection) -> str:
    """``mt_`` and a random id: every member can list the cluster's roles (``pg_roles``), so
    a role's name must not tell whose it is."""
    while _role_exists(connection, name := f"mt_{secrets.token_hex(6)}"):
        pass
    return name
