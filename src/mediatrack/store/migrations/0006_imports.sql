-- mediatrack schema, step 6: imports.
-- Frozen: later changes go in a new step, never here.
-- import_review: rows an import could not match yet (one per row_key), kept until the user
-- picks a match or skips them; finish_dates: each day an item was finished (rewatches,
-- rereads). A settled review row keeps the user's answer (chosen) so that importing the
-- same file again asks nothing. Neither syncs; both belong to a user, so a login re-owns them.
CREATE TABLE "finish_dates" ("id" INTEGER NOT NULL PRIMARY KEY, "user_id" TEXT NOT NULL, "kind" TEXT NOT NULL, "item_id" INTEGER NOT NULL, "finished_on" TEXT NOT NULL, "created_at" DATETIME NOT NULL, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE);
CREATE UNIQUE INDEX "finish_dates_user_id_kind_item_id_finished_on" ON "finish_dates" ("user_id", "kind", "item_id", "finished_on");
CREATE TABLE "import_review" ("id" INTEGER NOT NULL PRIMARY KEY, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL, "user_id" TEXT NOT NULL, "source" TEXT NOT NULL, "row_key" TEXT NOT NULL, "kind" TEXT NOT NULL, "line" INTEGER NOT NULL, "title" TEXT NOT NULL, "reason" TEXT NOT NULL, "record" TEXT NOT NULL, "candidates" TEXT, "chosen" TEXT, FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE);
CREATE UNIQUE INDEX "import_review_user_id_row_key" ON "import_review" ("user_id", "row_key");
