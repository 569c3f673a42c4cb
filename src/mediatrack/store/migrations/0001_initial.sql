-- mediatrack schema, step 1: the seed data model and its extensions.
-- Frozen: later changes go in a new step, never here.
CREATE TABLE "users" ("id" TEXT NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "name" TEXT NOT NULL, "email" TEXT NOT NULL, "email_verified" INTEGER NOT NULL, "image" TEXT);
CREATE UNIQUE INDEX "users_email" ON "users" ("email");

CREATE TABLE "sessions" ("id" TEXT NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "expires_at" DATETIME NOT NULL, "token" TEXT NOT NULL, "ip_address" TEXT, "user_agent" TEXT, "user_id" TEXT NOT NULL, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE);
CREATE UNIQUE INDEX "sessions_token" ON "sessions" ("token");
CREATE INDEX "sessions_user_id" ON "sessions" ("user_id");

CREATE TABLE "accounts" ("id" TEXT NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "account_id" TEXT NOT NULL, "provider_id" TEXT NOT NULL, "user_id" TEXT NOT NULL, "access_token" TEXT, "refresh_token" TEXT, "id_token" TEXT, "access_token_expires_at" DATETIME, "refresh_token_expires_at" DATETIME, "scope" TEXT, "password" TEXT, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE);
CREATE INDEX "accounts_user_id" ON "accounts" ("user_id");

CREATE TABLE "media_items" ("id" INTEGER NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "tmdb_id" INTEGER NOT NULL, "type" TEXT NOT NULL CHECK (type IN ('movie', 'tv')), "title" TEXT NOT NULL, "original_title" TEXT, "overview" TEXT, "poster_path" TEXT, "backdrop_path" TEXT, "release_date" TEXT, "vote_average" INTEGER, "vote_count" INTEGER, "genres" TEXT, "runtime" INTEGER, "tmdb_status" TEXT, "number_of_seasons" INTEGER, "number_of_episodes" INTEGER);
CREATE UNIQUE INDEX "media_items_tmdb_id_type" ON "media_items" ("tmdb_id", "type");

CREATE TABLE "seasons" ("id" INTEGER NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "media_item_id" INTEGER NOT NULL, "tmdb_id" INTEGER NOT NULL, "season_number" INTEGER NOT NULL, "name" TEXT, "overview" TEXT, "air_date" TEXT, "episode_count" INTEGER, "poster_path" TEXT, FOREIGN KEY ("media_item_id") REFERENCES "media_items" ("id") ON DELETE CASCADE);
CREATE INDEX "seasons_media_item_id" ON "seasons" ("media_item_id");
CREATE UNIQUE INDEX "seasons_tmdb_id" ON "seasons" ("tmdb_id");

CREATE TABLE "episodes" ("id" INTEGER NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "season_id" INTEGER NOT NULL, "tmdb_id" INTEGER NOT NULL, "episode_number" INTEGER NOT NULL, "name" TEXT, "overview" TEXT, "air_date" TEXT, "runtime" INTEGER, "still_path" TEXT, FOREIGN KEY ("season_id") REFERENCES "seasons" ("id") ON DELETE CASCADE);
CREATE INDEX "episodes_season_id" ON "episodes" ("season_id");
CREATE UNIQUE INDEX "episodes_tmdb_id" ON "episodes" ("tmdb_id");

CREATE TABLE "user_progress" ("id" INTEGER NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "deleted_at" DATETIME, "user_id" TEXT NOT NULL, "media_item_id" INTEGER NOT NULL, "status" TEXT NOT NULL CHECK (status IN ('watching', 'completed', 'plan_to_watch', 'dropped')), "progress" INTEGER NOT NULL CHECK (progress >= 0), FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE, FOREIGN KEY ("media_item_id") REFERENCES "media_items" ("id") ON DELETE CASCADE);
CREATE INDEX "user_progress_media_item_id" ON "user_progress" ("media_item_id");
CREATE UNIQUE INDEX "user_progress_user_id_media_item_id" ON "user_progress" ("user_id", "media_item_id");

CREATE TABLE "ratings" ("id" INTEGER NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "deleted_at" DATETIME, "user_id" TEXT NOT NULL, "media_item_id" INTEGER NOT NULL, "rating" INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 10), "review" TEXT, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE, FOREIGN KEY ("media_item_id") REFERENCES "media_items" ("id") ON DELETE CASCADE);
CREATE INDEX "ratings_media_item_id" ON "ratings" ("media_item_id");
CREATE UNIQUE INDEX "ratings_user_id_media_item_id" ON "ratings" ("user_id", "media_item_id");

CREATE TABLE "episode_watches" ("id" INTEGER NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "deleted_at" DATETIME, "user_id" TEXT NOT NULL, "episode_id" INTEGER NOT NULL, "watched_at" DATETIME NOT NULL, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE, FOREIGN KEY ("episode_id") REFERENCES "episodes" ("id") ON DELETE CASCADE);
CREATE INDEX "episode_watches_episode_id" ON "episode_watches" ("episode_id");
CREATE UNIQUE INDEX "episode_watches_user_id_episode_id" ON "episode_watches" ("user_id", "episode_id");

CREATE TABLE "books" ("id" INTEGER NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "google_id" TEXT NOT NULL, "title" TEXT NOT NULL, "subtitle" TEXT, "authors" TEXT, "publisher" TEXT, "published_date" TEXT, "description" TEXT, "isbn_13" TEXT, "isbn_10" TEXT, "page_count" INTEGER, "categories" TEXT, "thumbnail" TEXT, "language" TEXT);
CREATE UNIQUE INDEX "books_google_id" ON "books" ("google_id");

CREATE TABLE "user_book_progress" ("id" INTEGER NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "deleted_at" DATETIME, "user_id" TEXT NOT NULL, "book_id" INTEGER NOT NULL, "status" TEXT NOT NULL CHECK (status IN ('reading', 'completed', 'plan_to_read', 'dropped')), "current_page" INTEGER NOT NULL CHECK (current_page >= 0), "rating" INTEGER CHECK (rating BETWEEN 1 AND 10), FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE, FOREIGN KEY ("book_id") REFERENCES "books" ("id") ON DELETE CASCADE);
CREATE INDEX "user_book_progress_book_id" ON "user_book_progress" ("book_id");
CREATE UNIQUE INDEX "user_book_progress_user_id_book_id" ON "user_book_progress" ("user_id", "book_id");

CREATE TABLE "podcasts" ("id" INTEGER NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "itunes_id" TEXT NOT NULL, "title" TEXT NOT NULL, "artist" TEXT, "description" TEXT, "feed_url" TEXT, "artwork_url" TEXT, "genres" TEXT, "release_date" TEXT, "episode_count" INTEGER);
CREATE UNIQUE INDEX "podcasts_itunes_id" ON "podcasts" ("itunes_id");

CREATE TABLE "user_podcast_progress" ("id" INTEGER NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "deleted_at" DATETIME, "user_id" TEXT NOT NULL, "podcast_id" INTEGER NOT NULL, "status" TEXT NOT NULL CHECK (status IN ('listening', 'listened', 'plan_to_listen', 'dropped')), "episodes_listened" INTEGER NOT NULL CHECK (episodes_listened >= 0), "rating" INTEGER CHECK (rating BETWEEN 1 AND 10), FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE, FOREIGN KEY ("podcast_id") REFERENCES "podcasts" ("id") ON DELETE CASCADE);
CREATE INDEX "user_podcast_progress_podcast_id" ON "user_podcast_progress" ("podcast_id");
CREATE UNIQUE INDEX "user_podcast_progress_user_id_podcast_id" ON "user_podcast_progress" ("user_id", "podcast_id");

CREATE TABLE "friendships" ("id" INTEGER NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "deleted_at" DATETIME, "user_id" TEXT NOT NULL, "friend_id" TEXT NOT NULL, "status" TEXT NOT NULL CHECK (status IN ('pending', 'accepted')), FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE, FOREIGN KEY ("friend_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE, CHECK (user_id <> friend_id));
CREATE INDEX "friendships_friend_id" ON "friendships" ("friend_id");
CREATE UNIQUE INDEX "friendships_user_id_friend_id" ON "friendships" ("user_id", "friend_id");

CREATE TABLE "schema_version" ("version" INTEGER NOT NULL PRIMARY KEY, "applied_at" DATETIME NOT NULL);

