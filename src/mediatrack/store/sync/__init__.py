"""Sync with a shared PostgreSQL server: the same tables there, rows matched by natural keys.

- ``tables``: the synced tables and their rows on the wire (natural keys, not ids);
- ``local``: the SQLite end (marks, friend outbox, change log and batches to push);
- ``landing``: pulled rows written locally, last writer wins, with the pull mark;
- ``remote``: the PostgreSQL end, as the person's own role (push, pull, friend requests);
- ``server``: the admin's end (create or migrate the schema, provision roles);
- ``engine``: one sync, start to end.

psycopg is imported only when a connection is made, never at start-up.
"""
