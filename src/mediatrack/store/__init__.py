"""The local SQLite store: schema (models), opening and migrations (db), library reads (queries)."""
