-- mediatrack schema, step 5: the seed's names, column for column.
-- Frozen: later changes go in a new step, never here.
-- media_items.tmdb_status -> status, podcasts.title/artist -> collection_name/artist_name,
-- user_book_progress.current_page and user_podcast_progress.episodes_listened -> progress;
-- new: media_items.last_air_date, episodes.vote_average, books.is_ebook (default false).
-- seasons.name and episodes.name become NOT NULL (a nameless one is named after its number)
-- and every progress column gets the seed's DEFAULT 0: SQLite cannot change a column's
-- constraints in place, so those five tables are rebuilt, keeping every row and id, then
-- their indexes and sync triggers (step 4) are made again. The migration runs with foreign
-- keys off (see store/db.py), so dropping an old table cascades nowhere.
ALTER TABLE "media_items" RENAME COLUMN "tmdb_status" TO "status";
ALTER TABLE "media_items" ADD COLUMN "last_air_date" TEXT;
ALTER TABLE "books" ADD COLUMN "is_ebook" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "podcasts" RENAME COLUMN "title" TO "collection_name";
ALTER TABLE "podcasts" RENAME COLUMN "artist" TO "artist_name";

-- seasons
CREATE TABLE "seasons__seed" ("id" INTEGER NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "media_item_id" INTEGER NOT NULL, "tmdb_id" INTEGER NOT NULL, "season_number" INTEGER NOT NULL, "name" TEXT NOT NULL, "overview" TEXT, "air_date" TEXT, "episode_count" INTEGER, "poster_path" TEXT, FOREIGN KEY ("media_item_id") REFERENCES "media_items" ("id") ON DELETE CASCADE);
INSERT INTO "seasons__seed" ("id", "created_at", "updated_at", "media_item_id", "tmdb_id", "season_number", "name", "overview", "air_date", "episode_count", "poster_path")
  SELECT "id", "created_at", "updated_at", "media_item_id", "tmdb_id", "season_number", coalesce(nullif(trim("name"), ''), CASE "season_number" WHEN 0 THEN 'Specials' ELSE 'Season ' || "season_number" END), "overview", "air_date", "episode_count", "poster_path" FROM "seasons";
DROP TABLE "seasons";
ALTER TABLE "seasons__seed" RENAME TO "seasons";
CREATE INDEX "seasons_media_item_id" ON "seasons" ("media_item_id");
CREATE UNIQUE INDEX "seasons_tmdb_id" ON "seasons" ("tmdb_id");
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

-- episodes
CREATE TABLE "episodes__seed" ("id" INTEGER NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "season_id" INTEGER NOT NULL, "tmdb_id" INTEGER NOT NULL, "episode_number" INTEGER NOT NULL, "name" TEXT NOT NULL, "overview" TEXT, "air_date" TEXT, "runtime" INTEGER, "still_path" TEXT, "vote_average" INTEGER, FOREIGN KEY ("season_id") REFERENCES "seasons" ("id") ON DELETE CASCADE);
INSERT INTO "episodes__seed" ("id", "created_at", "updated_at", "season_id", "tmdb_id", "episode_number", "name", "overview", "air_date", "runtime", "still_path")
  SELECT "id", "created_at", "updated_at", "season_id", "tmdb_id", "episode_number", coalesce(nullif(trim("name"), ''), 'Episode ' || "episode_number"), "overview", "air_date", "runtime", "still_path" FROM "episodes";
DROP TABLE "episodes";
ALTER TABLE "episodes__seed" RENAME TO "episodes";
CREATE INDEX "episodes_season_id" ON "episodes" ("season_id");
CREATE UNIQUE INDEX "episodes_tmdb_id" ON "episodes" ("tmdb_id");
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

-- user_progress
CREATE TABLE "user_progress__seed" ("id" INTEGER NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "deleted_at" DATETIME, "user_id" TEXT NOT NULL, "media_item_id" INTEGER NOT NULL, "status" TEXT NOT NULL CHECK (status IN ('watching', 'completed', 'plan_to_watch', 'dropped')), "progress" INTEGER NOT NULL DEFAULT 0 CHECK (progress >= 0), FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE, FOREIGN KEY ("media_item_id") REFERENCES "media_items" ("id") ON DELETE CASCADE);
INSERT INTO "user_progress__seed" ("id", "created_at", "updated_at", "deleted_at", "user_id", "media_item_id", "status", "progress")
  SELECT "id", "created_at", "updated_at", "deleted_at", "user_id", "media_item_id", "status", "progress" FROM "user_progress";
DROP TABLE "user_progress";
ALTER TABLE "user_progress__seed" RENAME TO "user_progress";
CREATE INDEX "user_progress_media_item_id" ON "user_progress" ("media_item_id");
CREATE UNIQUE INDEX "user_progress_user_id_media_item_id" ON "user_progress" ("user_id", "media_item_id");
CREATE INDEX "user_progress_user_id_status" ON "user_progress" ("user_id", "status");
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

-- user_book_progress
CREATE TABLE "user_book_progress__seed" ("id" INTEGER NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "deleted_at" DATETIME, "user_id" TEXT NOT NULL, "book_id" INTEGER NOT NULL, "status" TEXT NOT NULL CHECK (status IN ('reading', 'completed', 'plan_to_read', 'dropped')), "progress" INTEGER NOT NULL DEFAULT 0 CHECK (progress >= 0), "rating" INTEGER CHECK (rating BETWEEN 1 AND 10), FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE, FOREIGN KEY ("book_id") REFERENCES "books" ("id") ON DELETE CASCADE);
INSERT INTO "user_book_progress__seed" ("id", "created_at", "updated_at", "deleted_at", "user_id", "book_id", "status", "progress", "rating")
  SELECT "id", "created_at", "updated_at", "deleted_at", "user_id", "book_id", "status", "current_page", "rating" FROM "user_book_progress";
DROP TABLE "user_book_progress";
ALTER TABLE "user_book_progress__seed" RENAME TO "user_book_progress";
CREATE INDEX "user_book_progress_book_id" ON "user_book_progress" ("book_id");
CREATE UNIQUE INDEX "user_book_progress_user_id_book_id" ON "user_book_progress" ("user_id", "book_id");
CREATE INDEX "user_book_progress_user_id_status" ON "user_book_progress" ("user_id", "status");
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

-- user_podcast_progress
CREATE TABLE "user_podcast_progress__seed" ("id" INTEGER NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "deleted_at" DATETIME, "user_id" TEXT NOT NULL, "podcast_id" INTEGER NOT NULL, "status" TEXT NOT NULL CHECK (status IN ('listening', 'listened', 'plan_to_listen', 'dropped')), "progress" INTEGER NOT NULL DEFAULT 0 CHECK (progress >= 0), "rating" INTEGER CHECK (rating BETWEEN 1 AND 10), FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE, FOREIGN KEY ("podcast_id") REFERENCES "podcasts" ("id") ON DELETE CASCADE);
INSERT INTO "user_podcast_progress__seed" ("id", "created_at", "updated_at", "deleted_at", "user_id", "podcast_id", "status", "progress", "rating")
  SELECT "id", "created_at", "updated_at", "deleted_at", "user_id", "podcast_id", "status", "episodes_listened", "rating" FROM "user_podcast_progress";
DROP TABLE "user_podcast_progress";
ALTER TABLE "user_podcast_progress__seed" RENAME TO "user_podcast_progress";
CREATE INDEX "user_podcast_progress_podcast_id" ON "user_podcast_progress" ("podcast_id");
CREATE UNIQUE INDEX "user_podcast_progress_user_id_podcast_id" ON "user_podcast_progress" ("user_id", "podcast_id");
CREATE INDEX "user_podcast_progress_user_id_status" ON "user_podcast_progress" ("user_id", "status");
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
