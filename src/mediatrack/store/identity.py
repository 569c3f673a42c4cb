"""Who owns the library: a Google account signed in (users, accounts, sessions) or the local user.

Before any sign-in every row belongs to the local user (``users.id = "local"``).
``sign_in`` turns the local profile into the Google identity in one transaction:
it upserts the user (id = Google ``sub``), its ``accounts`` row (the token
columns stay NULL: tokens live in the keyring, see ``mediatrack.secrets``), a new
``sessions`` row, and re-owns every local row to the user. The local user row
stays, so signing out returns to it (with an empty library).

A local row that collides with a row the user already has (a second machine, or
a second sign-in after signing out) is merged by last writer wins: the row with
the newer ``updated_at`` is kept, the other dropped. Re-owned rows keep their
``updated_at``, so sync still orders them by when they really changed.

Timestamps here are naive UTC, like everywhere in the store.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import secrets
import uuid
from dataclasses import dataclass

from peewee import ForeignKeyField

from mediatrack.store.db import StoreError, connection
from mediatrack.store.models import (
    ALL_MODELS,
    LOCAL_USER_ID,
    PROGRESS_TABLES,
    Account,
    BaseModel,
    Session,
    User,
    database,
    utcnow,
)

GOOGLE = "google"
SESSION_LIFETIME = dt.timedelta(days=180)

IDENTITY_MODELS = (User, Session, Account)  # the sign-in's own tables, never re-owned


class IdentityConflict(StoreError):
    """The signed-in account's email already belongs to another user of this library."""


@dataclass(frozen=True, slots=True)
class Profile:
    """A verified identity to sign in: ``user_id`` is the provider's stable id (Google ``sub``)."""

    user_id: str
    name: str
    email: str
    email_verified: bool = False
    image: str | None = None


@dataclass(frozen=True, slots=True)
class SignedIn:
    user_id: str
    name: str
    email: str
    session_expires_at: dt.datetime
    new_user: bool  # False when this account had signed in here before
    moved: int  # local rows now owned by the user


@dataclass(frozen=True, slots=True)
class CurrentUser:
    """Whose library this is: the signed-in user, or the local user (``logged_in`` False)."""

    id: str
    name: str
    email: str | None
    logged_in: bool
    since: dt.datetime | None = None  # when the current session started
    session_expires_at: dt.datetime | None = None
    email_verified: bool = False  # Google vouches for the email: required to sync


def sign_in(
    profile: Profile,
    *,
    provider_id: str = GOOGLE,
    scope: str | None = None,
    user_agent: str | None = None,
    now: dt.datetime | None = None,
    lifetime: dt.timedelta = SESSION_LIFETIME,
) -> SignedIn:
    """Upsert the user, account and a new session, and re-own the local rows: one transaction."""
    if profile.user_id == LOCAL_USER_ID:
        raise ValueError("The local user cannot sign in.")
    now = now or utcnow()
    expires_at = now + lifetime
    with connection(), database.atomic():
        other = User.get_or_none((User.email == profile.email) & (User.id != profile.user_id))
        if other is not None:
            raise IdentityConflict(
                f"Another user of this library ({other.name}) already has the email "
                f"{profile.email}; sign that user out or use another library file."
            )
        new_user = User.get_or_none(User.id == profile.user_id) is None
        _upsert_user(profile, now)
        _upsert_account(profile.user_id, provider_id, scope, now)
        # peewee's stubs declare Model.delete as a generic attribute: [misc] on a class
        Session.delete().where(Session.user == profile.user_id).execute()  # type: ignore[misc]
        Session.create(
            id=str(uuid.uuid4()),
            token=secrets.token_urlsafe(32),
            expires_at=expires_at,
            user_agent=user_agent,
            user=profile.user_id,
            created_at=now,
            updated_at=now,
        )
        moved = reown(LOCAL_USER_ID, profile.user_id)
    return SignedIn(
        user_id=profile.user_id,
        name=profile.name,
        email=profile.email,
        session_expires_at=expires_at,
        new_user=new_user,
        moved=moved,
    )


def _upsert_user(profile: Profile, now: dt.datetime) -> None:
    fields = {
        User.name: profile.name,
        User.email: profile.email,
        User.email_verified: profile.email_verified,
        User.image: profile.image,
    }
    User.insert(
        {User.id: profile.user_id, **fields, User.created_at: now, User.updated_at: now}
    ).on_conflict(conflict_target=[User.id], update={**fields, User.updated_at: now}).execute()


def _upsert_account(user_id: str, provider_id: str, scope: str | None, now: dt.datetime) -> None:
    # The token columns are written NULL on purpose, also over anything older code left there.
    no_tokens = {
        Account.access_token: None,
        Account.refresh_token: None,
        Account.id_token: None,
        Account.access_token_expires_at: None,
        Account.refresh_token_expires_at: None,
        Account.password: None,
    }
    Account.insert(
        {
            Account.id: f"{provider_id}:{user_id}",
            Account.account_id: user_id,
            Account.provider_id: provider_id,
            Account.user: user_id,
            Account.scope: scope,
            **no_tokens,
            Account.created_at: now,
            Account.updated_at: now,
        }
    ).on_conflict(
        conflict_target=[Account.id],
        update={Account.user: user_id, Account.scope: scope, **no_tokens, Account.updated_at: now},
    ).execute()


def reown(old_user: str, new_user: str) -> int:
    """Give every row ``old_user`` owns to ``new_user``; returns how many rows moved.

    Call inside a transaction. Every table with a foreign key to ``users`` is
    covered (new tables too). A row that would collide on a unique index with
    ``new_user``'s own row keeps the newer ``updated_at`` (ties, and tables
    without ``updated_at``, keep ``new_user``'s row).
    """
    moved = 0
    for model, owners in _owned_tables():
        if len(owners) > 1:  # a friendship between the two would become one with oneself
            between = [
                (a == old_user) & (b == new_user) for a in owners for b in owners if a is not b
            ]
            model.delete().where(functools.reduce(operator.or_, between)).execute()
        for owner in owners:
            moved += _reown_column(model, owner, old_user, new_user)
    return moved


def _owned_tables() -> list[tuple[type[BaseModel], list[ForeignKeyField]]]:
    """Every model with foreign keys to ``users``, and those keys."""
    tables = []
    for model in ALL_MODELS:
        if model in IDENTITY_MODELS:
            continue
        owners = [
            field
            for field in model._meta.sorted_fields
            if isinstance(field, ForeignKeyField) and field.rel_model is User
        ]
        if owners:
            tables.append((model, owners))
    return tables


def _unique_partners(model: type[BaseModel], owner: ForeignKeyField) -> list[str]:
    """The other columns of the unique index that includes ``owner``, if any."""
    for index in model._meta.indexes:
        if isinstance(index, tuple | list) and len(index) == 2 and index[1] is True:
            columns = [str(column) for column in index[0]]
            if owner.column_name in columns:
                return [column for column in columns if column != owner.column_name]
    return []


def _reown_column(
    model: type[BaseModel], owner: ForeignKeyField, old_user: str, new_user: str
) -> int:
    table, column = model._meta.table_name, owner.column_name
    partners = _unique_partners(model, owner)
    if partners:
        same_key = " AND ".join(f'other."{key}" = "{table}"."{key}"' for key in partners)
        if "updated_at" in model._meta.fields:
            # The new owner's rows that a newer row of the old owner replaces...
            database.execute_sql(
                f'DELETE FROM "{table}" WHERE "{column}" = ? AND EXISTS (SELECT 1 FROM '
                f'"{table}" AS other WHERE other."{column}" = ? AND {same_key} '
                f'AND other."updated_at" > "{table}"."updated_at")',
                (new_user, old_user),
            )
        # ...then the old owner's rows that still collide go...
        database.execute_sql(
            f'DELETE FROM "{table}" WHERE "{column}" = ? AND EXISTS (SELECT 1 FROM '
            f'"{table}" AS other WHERE other."{column}" = ? AND {same_key})',
            (old_user, new_user),
        )
    # ...and the rest changes hands.
    cursor = database.execute_sql(
        f'UPDATE "{table}" SET "{column}" = ? WHERE "{column}" = ?', (new_user, old_user)
    )
    return cursor.rowcount


def current_user(now: dt.datetime | None = None) -> CurrentUser:
    """The user of the newest unexpired session, else the local user."""
    now = now or utcnow()
    with connection():
        session = (
            Session.select(Session, User)
            .join(User)
            .where(Session.expires_at > now)
            .order_by(Session.created_at.desc(), Session.id.desc())
            .first()
        )
        if session is not None:
            user = session.user
            return CurrentUser(
                id=user.id,
                name=user.name,
                email=user.email,
                logged_in=True,
                since=session.created_at,
                session_expires_at=session.expires_at,
                email_verified=bool(user.email_verified),
            )
        local = User.get_or_none(User.id == LOCAL_USER_ID)
    return CurrentUser(
        id=LOCAL_USER_ID, name=local.name if local else "You", email=None, logged_in=False
    )


@dataclass(frozen=True, slots=True)
class KeptLibrary:
    """The library of an account that signed in here and is signed out now: kept, hidden."""

    user_id: str
    name: str
    email: str
    items: int  # its library items (not removed), all kinds together


def kept_library(now: dt.datetime | None = None) -> KeptLibrary | None:
    """Whose library is kept on this machine while nobody is signed in: the account that
    signed in here last (its ``accounts`` row is touched at every sign-in). None when
    someone is signed in, or nobody ever was."""
    with connection():
        if current_user(now).logged_in:
            return None
        account = (
            Account.select(Account, User)
            .join(User)
            .where(Account.user != LOCAL_USER_ID)
            .order_by(Account.updated_at.desc(), Account.id.desc())
            .first()
        )
        if account is None:
            return None
        user = account.user
        models = {table.model for table in PROGRESS_TABLES.values()}
        items = sum(
            model.select().where((model.user == user.id) & model.deleted_at.is_null()).count()
            for model in models
        )
    return KeptLibrary(user_id=user.id, name=user.name, email=user.email, items=items)


def sign_out(user_id: str) -> int:
    """Delete ``user_id``'s sessions; returns how many there were. Their rows stay theirs."""
    with connection(), database.atomic():
        # peewee's stubs declare Model.delete as a generic attribute: [misc] on a class
        return Session.delete().where(Session.user == user_id).execute()  # type: ignore[misc]


def extend_session(
    user_id: str, *, now: dt.datetime | None = None, lifetime: dt.timedelta = SESSION_LIFETIME
) -> None:
    """Push back the expiry of ``user_id``'s live sessions (after a successful token refresh)."""
    now = now or utcnow()
    with connection(), database.atomic():
        Session.update(expires_at=now + lifetime, updated_at=now).where(
            (Session.user == user_id) & (Session.expires_at > now)
        ).execute()
