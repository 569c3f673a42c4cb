-- mediatrack schema, step 3: per-episode podcast tracking and where a user is in each show.
CREATE TABLE "watch_positions" ("id" INTEGER NOT NULL PRIMARY KEY, "user_id" TEXT NOT NULL, "media_item_id" INTEGER NOT NULL, "last_episode_id" INTEGER, "next_episode_id" INTEGER, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE, FOREIGN KEY ("media_item_id") REFERENCES "media_items" ("id") ON DELETE CASCADE, FOREIGN KEY ("last_episode_id") REFERENCES "episodes" ("id") ON DELETE SET NULL, FOREIGN KEY ("next_episode_id") REFERENCES "episodes" ("id") ON DELETE SET NULL);
CREATE INDEX "watch_positions_media_item_id" ON "watch_positions" ("media_item_id");
CREATE INDEX "watch_positions_last_episode_id" ON "watch_positions" ("last_episode_id");
CREATE INDEX "watch_positions_next_episode_id" ON "watch_positions" ("next_episode_id");
CREATE UNIQUE INDEX "watch_positions_user_id_media_item_id" ON "watch_positions" ("user_id", "media_item_id");
CREATE TABLE "podcast_episodes" ("id" INTEGER NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "podcast_id" INTEGER NOT NULL, "guid" TEXT NOT NULL, "title" TEXT, "published_at" DATETIME, "duration_seconds" INTEGER, "enclosure_url" TEXT, FOREIGN KEY ("podcast_id") REFERENCES "podcasts" ("id") ON DELETE CASCADE);
CREATE UNIQUE INDEX "podcast_episodes_podcast_id_guid" ON "podcast_episodes" ("podcast_id", "guid");
CREATE TABLE "podcast_listens" ("id" INTEGER NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "deleted_at" DATETIME, "user_id" TEXT NOT NULL, "episode_id" INTEGER NOT NULL, "listened_at" DATETIME NOT NULL, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE, FOREIGN KEY ("episode_id") REFERENCES "podcast_episodes" ("id") ON DELETE CASCADE);
CREATE INDEX "podcast_listens_episode_id" ON "podcast_listens" ("episode_id");
CREATE UNIQUE INDEX "podcast_listens_user_id_episode_id" ON "podcast_listens" ("user_id", "episode_id");
