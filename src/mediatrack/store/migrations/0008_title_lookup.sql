-- mediatrack schema, step 8: titles typed by hand are looked up, not scanned for.
-- Frozen: later changes go in a new step, never here.
-- A hand-added title is refused when the library has it, accents and case aside. SQLite's
-- lower() folds an ASCII title as mediatrack does, so lower(title) is indexed; the few
-- titles with other characters are listed by a partial index and folded one by one.
-- Built-in functions only: any SQLite client can still write these tables.
CREATE INDEX "media_items_lower_title" ON "media_items" ("type", lower("title"));
CREATE INDEX "media_items_non_ascii_title" ON "media_items" ("id") WHERE "title" GLOB '*[^ -~]*';
CREATE INDEX "books_lower_title" ON "books" (lower("title"));
CREATE INDEX "books_non_ascii_title" ON "books" ("id") WHERE "title" GLOB '*[^ -~]*';
CREATE INDEX "podcasts_lower_collection_name" ON "podcasts" (lower("collection_name"));
CREATE INDEX "podcasts_non_ascii_collection_name" ON "podcasts" ("id") WHERE "collection_name" GLOB '*[^ -~]*';
