-- mediatrack schema, step 2: indexes behind the library screens.
-- Listing one kind filtered by status reads only the user's rows of that status.
CREATE INDEX "user_progress_user_id_status" ON "user_progress" ("user_id", "status");
CREATE INDEX "user_book_progress_user_id_status" ON "user_book_progress" ("user_id", "status");
CREATE INDEX "user_podcast_progress_user_id_status" ON "user_podcast_progress" ("user_id", "status");
CREATE INDEX "media_items_type" ON "media_items" ("type");
