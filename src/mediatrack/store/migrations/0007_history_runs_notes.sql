-- mediatrack schema, step 7: history, rewatches and notes.
-- Frozen: later changes go in a new step, never here.
-- runs: how many earlier runs of a show, movie or book the user finished before watching
-- or reading it again; past_episode_watches: the ticks of those earlier runs of a show (the
-- current run's ticks stay in episode_watches, so progress is still the current run's
-- ticks). media_notes, book_notes, podcast_notes: a private note per item, shown to friends
-- only when note_shared (a private and a shared note are two rows, one live at most, so
-- taking a note back tombstones the shared one where friends see it). The new tables sync, so their changes are logged as in step 4.
-- Two indexes page the history (newest first) without scanning every tick.
ALTER TABLE "user_progress" ADD COLUMN "runs" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "user_book_progress" ADD COLUMN "runs" INTEGER NOT NULL DEFAULT 0;
CREATE INDEX "episode_watches_user_id_watched_at" ON "episode_watches" ("user_id", "watched_at");
CREATE INDEX "podcast_listens_user_id_listened_at" ON "podcast_listens" ("user_id", "listened_at");
CREATE TABLE "past_episode_watches" ("id" INTEGER NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "deleted_at" DATETIME, "user_id" TEXT NOT NULL, "episode_id" INTEGER NOT NULL, "run" INTEGER NOT NULL, "watched_at" DATETIME NOT NULL, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE, FOREIGN KEY ("episode_id") REFERENCES "episodes" ("id") ON DELETE CASCADE);
CREATE INDEX "past_episode_watches_episode_id" ON "past_episode_watches" ("episode_id");
CREATE UNIQUE INDEX "past_episode_watches_user_id_episode_id_run" ON "past_episode_watches" ("user_id", "episode_id", "run");
CREATE INDEX "past_episode_watches_user_id_watched_at" ON "past_episode_watches" ("user_id", "watched_at");
CREATE TABLE "media_notes" ("id" INTEGER NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "deleted_at" DATETIME, "user_id" TEXT NOT NULL, "note" TEXT NOT NULL, "note_shared" INTEGER NOT NULL DEFAULT 0, "media_item_id" INTEGER NOT NULL, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE, FOREIGN KEY ("media_item_id") REFERENCES "media_items" ("id") ON DELETE CASCADE);
CREATE INDEX "media_notes_media_item_id" ON "media_notes" ("media_item_id");
CREATE UNIQUE INDEX "media_notes_user_id_media_item_id_note_shared" ON "media_notes" ("user_id", "media_item_id", "note_shared");
CREATE TABLE "book_notes" ("id" INTEGER NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "deleted_at" DATETIME, "user_id" TEXT NOT NULL, "note" TEXT NOT NULL, "note_shared" INTEGER NOT NULL DEFAULT 0, "book_id" INTEGER NOT NULL, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE, FOREIGN KEY ("book_id") REFERENCES "books" ("id") ON DELETE CASCADE);
CREATE INDEX "book_notes_book_id" ON "book_notes" ("book_id");
CREATE UNIQUE INDEX "book_notes_user_id_book_id_note_shared" ON "book_notes" ("user_id", "book_id", "note_shared");
CREATE TABLE "podcast_notes" ("id" INTEGER NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "deleted_at" DATETIME, "user_id" TEXT NOT NULL, "note" TEXT NOT NULL, "note_shared" INTEGER NOT NULL DEFAULT 0, "podcast_id" INTEGER NOT NULL, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE, FOREIGN KEY ("podcast_id") REFERENCES "podcasts" ("id") ON DELETE CASCADE);
CREATE INDEX "podcast_notes_podcast_id" ON "podcast_notes" ("podcast_id");
CREATE UNIQUE INDEX "podcast_notes_user_id_podcast_id_note_shared" ON "podcast_notes" ("user_id", "podcast_id", "note_shared");
CREATE TRIGGER "past_episode_watches_sync_insert" AFTER INSERT ON "past_episode_watches"
WHEN (SELECT "applying" FROM "sync_state" WHERE "id" = 1) = 0
BEGIN
  UPDATE "sync_state" SET "change_seq" = "change_seq" + 1 WHERE "id" = 1;
  INSERT INTO "sync_changes" ("table_name", "row_key", "seq")
    SELECT 'past_episode_watches', NEW."id", "change_seq" FROM "sync_state" WHERE "id" = 1
    ON CONFLICT ("table_name", "row_key") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "past_episode_watches_sync_update" AFTER UPDATE ON "past_episode_watches"
WHEN (SELECT "applying" FROM "sync_state" WHERE "id" = 1) = 0
BEGIN
  UPDATE "sync_state" SET "change_seq" = "change_seq" + 1 WHERE "id" = 1;
  INSERT INTO "sync_changes" ("table_name", "row_key", "seq")
    SELECT 'past_episode_watches', NEW."id", "change_seq" FROM "sync_state" WHERE "id" = 1
    ON CONFLICT ("table_name", "row_key") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "media_notes_sync_insert" AFTER INSERT ON "media_notes"
WHEN (SELECT "applying" FROM "sync_state" WHERE "id" = 1) = 0
BEGIN
  UPDATE "sync_state" SET "change_seq" = "change_seq" + 1 WHERE "id" = 1;
  INSERT INTO "sync_changes" ("table_name", "row_key", "seq")
    SELECT 'media_notes', NEW."id", "change_seq" FROM "sync_state" WHERE "id" = 1
    ON CONFLICT ("table_name", "row_key") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "media_notes_sync_update" AFTER UPDATE ON "media_notes"
WHEN (SELECT "applying" FROM "sync_state" WHERE "id" = 1) = 0
BEGIN
  UPDATE "sync_state" SET "change_seq" = "change_seq" + 1 WHERE "id" = 1;
  INSERT INTO "sync_changes" ("table_name", "row_key", "seq")
    SELECT 'media_notes', NEW."id", "change_seq" FROM "sync_state" WHERE "id" = 1
    ON CONFLICT ("table_name", "row_key") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "book_notes_sync_insert" AFTER INSERT ON "book_notes"
WHEN (SELECT "applying" FROM "sync_state" WHERE "id" = 1) = 0
BEGIN
  UPDATE "sync_state" SET "change_seq" = "change_seq" + 1 WHERE "id" = 1;
  INSERT INTO "sync_changes" ("table_name", "row_key", "seq")
    SELECT 'book_notes', NEW."id", "change_seq" FROM "sync_state" WHERE "id" = 1
    ON CONFLICT ("table_name", "row_key") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "book_notes_sync_update" AFTER UPDATE ON "book_notes"
WHEN (SELECT "applying" FROM "sync_state" WHERE "id" = 1) = 0
BEGIN
  UPDATE "sync_state" SET "change_seq" = "change_seq" + 1 WHERE "id" = 1;
  INSERT INTO "sync_changes" ("table_name", "row_key", "seq")
    SELECT 'book_notes', NEW."id", "change_seq" FROM "sync_state" WHERE "id" = 1
    ON CONFLICT ("table_name", "row_key") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "podcast_notes_sync_insert" AFTER INSERT ON "podcast_notes"
WHEN (SELECT "applying" FROM "sync_state" WHERE "id" = 1) = 0
BEGIN
  UPDATE "sync_state" SET "change_seq" = "change_seq" + 1 WHERE "id" = 1;
  INSERT INTO "sync_changes" ("table_name", "row_key", "seq")
    SELECT 'podcast_notes', NEW."id", "change_seq" FROM "sync_state" WHERE "id" = 1
    ON CONFLICT ("table_name", "row_key") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "podcast_notes_sync_update" AFTER UPDATE ON "podcast_notes"
WHEN (SELECT "applying" FROM "sync_state" WHERE "id" = 1) = 0
BEGIN
  UPDATE "sync_state" SET "change_seq" = "change_seq" + 1 WHERE "id" = 1;
  INSERT INTO "sync_changes" ("table_name", "row_key", "seq")
    SELECT 'podcast_notes', NEW."id", "change_seq" FROM "sync_state" WHERE "id" = 1
    ON CONFLICT ("table_name", "row_key") DO UPDATE SET "seq" = excluded."seq";
END;
