-- mediatrack schema, step 4: what sync has still to send.
-- sync_state: one row of marks. sync_changes: every row of a synced table that changed
-- locally, with the number of its latest change; pushed rows leave it once the server
-- committed them. Rows written by a pull (sync_state.applying = 1) are not logged.
-- sync_outbox: friend requests and answers made offline, sent at the next sync.
CREATE TABLE "sync_state" ("id" INTEGER NOT NULL PRIMARY KEY CHECK (id = 1), "server" TEXT, "user_id" TEXT, "change_seq" INTEGER NOT NULL, "pushed_seq" INTEGER NOT NULL, "pulled_revision" INTEGER NOT NULL, "applying" INTEGER NOT NULL, "last_sync_at" DATETIME, "last_error" TEXT);
INSERT INTO "sync_state" ("id", "change_seq", "pushed_seq", "pulled_revision", "applying") VALUES (1, 0, 0, 0, 0);
CREATE TABLE "sync_changes" ("id" INTEGER NOT NULL PRIMARY KEY, "table_name" TEXT NOT NULL, "row_key" TEXT NOT NULL, "seq" INTEGER NOT NULL);
CREATE INDEX "sync_changes_seq" ON "sync_changes" ("seq");
CREATE UNIQUE INDEX "sync_changes_table_name_row_key" ON "sync_changes" ("table_name", "row_key");
CREATE TABLE "sync_outbox" ("id" INTEGER NOT NULL PRIMARY KEY, "action" TEXT NOT NULL CHECK (action IN ('add', 'accept', 'decline', 'remove')), "email" TEXT NOT NULL, "created_at" DATETIME NOT NULL);
CREATE TRIGGER "users_sync_insert" AFTER INSERT ON "users"
WHEN (SELECT "applying" FROM "sync_state" WHERE "id" = 1) = 0
BEGIN
  UPDATE "sync_state" SET "change_seq" = "change_seq" + 1 WHERE "id" = 1;
  INSERT INTO "sync_changes" ("table_name", "row_key", "seq")
    SELECT 'users', NEW."id", "change_seq" FROM "sync_state" WHERE "id" = 1
    ON CONFLICT ("table_name", "row_key") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "users_sync_update" AFTER UPDATE ON "users"
WHEN (SELECT "applying" FROM "sync_state" WHERE "id" = 1) = 0
BEGIN
  UPDATE "sync_state" SET "change_seq" = "change_seq" + 1 WHERE "id" = 1;
  INSERT INTO "sync_changes" ("table_name", "row_key", "seq")
    SELECT 'users', NEW."id", "change_seq" FROM "sync_state" WHERE "id" = 1
    ON CONFLICT ("table_name", "row_key") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "media_items_sync_insert" AFTER INSERT ON "media_items"
WHEN (SELECT "applying" FROM "sync_state" WHERE "id" = 1) = 0
BEGIN
  UPDATE "sync_state" SET "change_seq" = "change_seq" + 1 WHERE "id" = 1;
  INSERT INTO "sync_changes" ("table_name", "row_key", "seq")
    SELECT 'media_items', NEW."id", "change_seq" FROM "sync_state" WHERE "id" = 1
    ON CONFLICT ("table_name", "row_key") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "media_items_sync_update" AFTER UPDATE ON "media_items"
WHEN (SELECT "applying" FROM "sync_state" WHERE "id" = 1) = 0
BEGIN
  UPDATE "sync_state" SET "change_seq" = "change_seq" + 1 WHERE "id" = 1;
  INSERT INTO "sync_changes" ("table_name", "row_key", "seq")
    SELECT 'media_items', NEW."id", "change_seq" FROM "sync_state" WHERE "id" = 1
    ON CONFLICT ("table_name", "row_key") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "seasons_sync_insert" AFTER INSERT ON "seasons"
WHEN (SELECT "applying" FROM "sync_state" WHERE "id" = 1) = 0
BEGIN
  UPDATE "sync_state" SET "change_seq" = "change_seq" + 1 WHERE "id" = 1;
  INSERT INTO "sync_changes" ("table_name", "row_key", "seq")
    SELECT 'seasons', NEW."id", "change_seq" FROM "sync_state" WHERE "id" = 1
    ON CONFLICT ("table_name", "row_key") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "seasons_sync_update" AFTER UPDATE ON "seasons"
WHEN (SELECT "applying" FROM "sync_state" WHERE "id" = 1) = 0
BEGIN
  UPDATE "sync_state" SET "change_seq" = "change_seq" + 1 WHERE "id" = 1;
  INSERT INTO "sync_changes" ("table_name", "row_key", "seq")
    SELECT 'seasons', NEW."id", "change_seq" FROM "sync_state" WHERE "id" = 1
    ON CONFLICT ("table_name", "row_key") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "episodes_sync_insert" AFTER INSERT ON "episodes"
WHEN (SELECT "applying" FROM "sync_state" WHERE "id" = 1) = 0
BEGIN
  UPDATE "sync_state" SET "change_seq" = "change_seq" + 1 WHERE "id" = 1;
  INSERT INTO "sync_changes" ("table_name", "row_key", "seq")
    SELECT 'episodes', NEW."id", "change_seq" FROM "sync_state" WHERE "id" = 1
    ON CONFLICT ("table_name", "row_key") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "episodes_sync_update" AFTER UPDATE ON "episodes"
WHEN (SELECT "applying" FROM "sync_state" WHERE "id" = 1) = 0
BEGIN
  UPDATE "sync_state" SET "change_seq" = "change_seq" + 1 WHERE "id" = 1;
  INSERT INTO "sync_changes" ("table_name", "row_key", "seq")
    SELECT 'episodes', NEW."id", "change_seq" FROM "sync_state" WHERE "id" = 1
    ON CONFLICT ("table_name", "row_key") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "books_sync_insert" AFTER INSERT ON "books"
WHEN (SELECT "applying" FROM "sync_state" WHERE "id" = 1) = 0
BEGIN
  UPDATE "sync_state" SET "change_seq" = "change_seq" + 1 WHERE "id" = 1;
  INSERT INTO "sync_changes" ("table_name", "row_key", "seq")
    SELECT 'books', NEW."id", "change_seq" FROM "sync_state" WHERE "id" = 1
    ON CONFLICT ("table_name", "row_key") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "books_sync_update" AFTER UPDATE ON "books"
WHEN (SELECT "applying" FROM "sync_state" WHERE "id" = 1) = 0
BEGIN
  UPDATE "sync_state" SET "change_seq" = "change_seq" + 1 WHERE "id" = 1;
  INSERT INTO "sync_changes" ("table_name", "row_key", "seq")
    SELECT 'books', NEW."id", "change_seq" FROM "sync_state" WHERE "id" = 1
    ON CONFLICT ("table_name", "row_key") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "podcasts_sync_insert" AFTER INSERT ON "podcasts"
WHEN (SELECT "applying" FROM "sync_state" WHERE "id" = 1) = 0
BEGIN
  UPDATE "sync_state" SET "change_seq" = "change_seq" + 1 WHERE "id" = 1;
  INSERT INTO "sync_changes" ("table_name", "row_key", "seq")
    SELECT 'podcasts', NEW."id", "change_seq" FROM "sync_state" WHERE "id" = 1
    ON CONFLICT ("table_name", "row_key") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "podcasts_sync_update" AFTER UPDATE ON "podcasts"
WHEN (SELECT "applying" FROM "sync_state" WHERE "id" = 1) = 0
BEGIN
  UPDATE "sync_state" SET "change_seq" = "change_seq" + 1 WHERE "id" = 1;
  INSERT INTO "sync_changes" ("table_name", "row_key", "seq")
    SELECT 'podcasts', NEW."id", "change_seq" FROM "sync_state" WHERE "id" = 1
    ON CONFLICT ("table_name", "row_key") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "podcast_episodes_sync_insert" AFTER INSERT ON "podcast_episodes"
WHEN (SELECT "applying" FROM "sync_state" WHERE "id" = 1) = 0
BEGIN
  UPDATE "sync_state" SET "change_seq" = "change_seq" + 1 WHERE "id" = 1;
  INSERT INTO "sync_changes" ("table_name", "row_key", "seq")
    SELECT 'podcast_episodes', NEW."id", "change_seq" FROM "sync_state" WHERE "id" = 1
    ON CONFLICT ("table_name", "row_key") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "podcast_episodes_sync_update" AFTER UPDATE ON "podcast_episodes"
WHEN (SELECT "applying" FROM "sync_state" WHERE "id" = 1) = 0
BEGIN
  UPDATE "sync_state" SET "change_seq" = "change_seq" + 1 WHERE "id" = 1;
  INSERT INTO "sync_changes" ("table_name", "row_key", "seq")
    SELECT 'podcast_episodes', NEW."id", "change_seq" FROM "sync_state" WHERE "id" = 1
    ON CONFLICT ("table_name", "row_key") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "user_progress_sync_insert" AFTER INSERT ON "user_progress"
WHEN (SELECT "applying" FROM "sync_state" WHERE "id" = 1) = 0
BEGIN
  UPDATE "sync_state" SET "change_seq" = "change_seq" + 1 WHERE "id" = 1;
  INSERT INTO "sync_changes" ("table_name", "row_key", "seq")
    SELECT 'user_progress', NEW."id", "change_seq" FROM "sync_state" WHERE "id" = 1
    ON CONFLICT ("table_name", "row_key") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "user_progress_sync_update" AFTER UPDATE ON "user_progress"
WHEN (SELECT "applying" FROM "sync_state" WHERE "id" = 1) = 0
BEGIN
  UPDATE "sync_state" SET "change_seq" = "change_seq" + 1 WHERE "id" = 1;
  INSERT INTO "sync_changes" ("table_name", "row_key", "seq")
    SELECT 'user_progress', NEW."id", "change_seq" FROM "sync_state" WHERE "id" = 1
    ON CONFLICT ("table_name", "row_key") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "ratings_sync_insert" AFTER INSERT ON "ratings"
WHEN (SELECT "applying" FROM "sync_state" WHERE "id" = 1) = 0
BEGIN
  UPDATE "sync_state" SET "change_seq" = "change_seq" + 1 WHERE "id" = 1;
  INSERT INTO "sync_changes" ("table_name", "row_key", "seq")
    SELECT 'ratings', NEW."id", "change_seq" FROM "sync_state" WHERE "id" = 1
    ON CONFLICT ("table_name", "row_key") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "ratings_sync_update" AFTER UPDATE ON "ratings"
WHEN (SELECT "applying" FROM "sync_state" WHERE "id" = 1) = 0
BEGIN
  UPDATE "sync_state" SET "change_seq" = "change_seq" + 1 WHERE "id" = 1;
  INSERT INTO "sync_changes" ("table_name", "row_key", "seq")
    SELECT 'ratings', NEW."id", "change_seq" FROM "sync_state" WHERE "id" = 1
    ON CONFLICT ("table_name", "row_key") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "episode_watches_sync_insert" AFTER INSERT ON "episode_watches"
WHEN (SELECT "applying" FROM "sync_state" WHERE "id" = 1) = 0
BEGIN
  UPDATE "sync_state" SET "change_seq" = "change_seq" + 1 WHERE "id" = 1;
  INSERT INTO "sync_changes" ("table_name", "row_key", "seq")
    SELECT 'episode_watches', NEW."id", "change_seq" FROM "sync_state" WHERE "id" = 1
    ON CONFLICT ("table_name", "row_key") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "episode_watches_sync_update" AFTER UPDATE ON "episode_watches"
WHEN (SELECT "applying" FROM "sync_state" WHERE "id" = 1) = 0
BEGIN
  UPDATE "sync_state" SET "change_seq" = "change_seq" + 1 WHERE "id" = 1;
  INSERT INTO "sync_changes" ("table_name", "row_key", "seq")
    SELECT 'episode_watches', NEW."id", "change_seq" FROM "sync_state" WHERE "id" = 1
    ON CONFLICT ("table_name", "row_key") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "user_book_progress_sync_insert" AFTER INSERT ON "user_book_progress"
WHEN (SELECT "applying" FROM "sync_state" WHERE "id" = 1) = 0
BEGIN
  UPDATE "sync_state" SET "change_seq" = "change_seq" + 1 WHERE "id" = 1;
  INSERT INTO "sync_changes" ("table_name", "row_key", "seq")
    SELECT 'user_book_progress', NEW."id", "change_seq" FROM "sync_state" WHERE "id" = 1
    ON CONFLICT ("table_name", "row_key") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "user_book_progress_sync_update" AFTER UPDATE ON "user_book_progress"
WHEN (SELECT "applying" FROM "sync_state" WHERE "id" = 1) = 0
BEGIN
  UPDATE "sync_state" SET "change_seq" = "change_seq" + 1 WHERE "id" = 1;
  INSERT INTO "sync_changes" ("table_name", "row_key", "seq")
    SELECT 'user_book_progress', NEW."id", "change_seq" FROM "sync_state" WHERE "id" = 1
    ON CONFLICT ("table_name", "row_key") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "user_podcast_progress_sync_insert" AFTER INSERT ON "user_podcast_progress"
WHEN (SELECT "applying" FROM "sync_state" WHERE "id" = 1) = 0
BEGIN
  UPDATE "sync_state" SET "change_seq" = "change_seq" + 1 WHERE "id" = 1;
  INSERT INTO "sync_changes" ("table_name", "row_key", "seq")
    SELECT 'user_podcast_progress', NEW."id", "change_seq" FROM "sync_state" WHERE "id" = 1
    ON CONFLICT ("table_name", "row_key") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "user_podcast_progress_sync_update" AFTER UPDATE ON "user_podcast_progress"
WHEN (SELECT "applying" FROM "sync_state" WHERE "id" = 1) = 0
BEGIN
  UPDATE "sync_state" SET "change_seq" = "change_seq" + 1 WHERE "id" = 1;
  INSERT INTO "sync_changes" ("table_name", "row_key", "seq")
    SELECT 'user_podcast_progress', NEW."id", "change_seq" FROM "sync_state" WHERE "id" = 1
    ON CONFLICT ("table_name", "row_key") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "podcast_listens_sync_insert" AFTER INSERT ON "podcast_listens"
WHEN (SELECT "applying" FROM "sync_state" WHERE "id" = 1) = 0
BEGIN
  UPDATE "sync_state" SET "change_seq" = "change_seq" + 1 WHERE "id" = 1;
  INSERT INTO "sync_changes" ("table_name", "row_key", "seq")
    SELECT 'podcast_listens', NEW."id", "change_seq" FROM "sync_state" WHERE "id" = 1
    ON CONFLICT ("table_name", "row_key") DO UPDATE SET "seq" = excluded."seq";
END;
CREATE TRIGGER "podcast_listens_sync_update" AFTER UPDATE ON "podcast_listens"
WHEN (SELECT "applying" FROM "sync_state" WHERE "id" = 1) = 0
BEGIN
  UPDATE "sync_state" SET "change_seq" = "change_seq" + 1 WHERE "id" = 1;
  INSERT INTO "sync_changes" ("table_name", "row_key", "seq")
    SELECT 'podcast_listens', NEW."id", "change_seq" FROM "sync_state" WHERE "id" = 1
    ON CONFLICT ("table_name", "row_key") DO UPDATE SET "seq" = excluded."seq";
END;
