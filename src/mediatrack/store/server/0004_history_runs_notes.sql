-- mediatrack sync server, step 4: rewatches and notes (local step 7).
-- Frozen once released: later changes go in a new step. Applied by `mediatrack sync init`.
--   user_progress.runs, user_book_progress.runs: earlier runs finished (default 0);
--   past_episode_watches: the ticks of those earlier runs of a show;
--   media_notes, book_notes, podcast_notes: a private note per item. A friend reads a note
--   only when its writer marked it shared (note_shared): the read policy says so, so not
--   even raw SQL as the friend's role reaches an unshared one. A private and a shared note
--   are two rows; taking a note back tombstones the shared row (text blanked), which friends
--   read, so their devices drop their copy.
-- Every new table is a person's own, as in steps 1 and 2: revisions, forced row-level
-- security, foreign keys that carry the writer, UPDATE by column, no DELETE (tombstones).

ALTER TABLE user_progress ADD COLUMN IF NOT EXISTS runs integer NOT NULL DEFAULT 0;
ALTER TABLE user_book_progress ADD COLUMN IF NOT EXISTS runs integer NOT NULL DEFAULT 0;

CREATE TABLE past_episode_watches (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    deleted_at timestamptz,
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
    episode_id bigint NOT NULL,
    run integer NOT NULL CHECK (run >= 1),
    watched_at timestamptz NOT NULL,
    revision bigint NOT NULL,
    UNIQUE (user_id, episode_id, run),
    CONSTRAINT past_episode_watches_episode_id_writer_fkey FOREIGN KEY (episode_id, user_id)
        REFERENCES episodes (id, written_by) ON DELETE CASCADE
);

CREATE TABLE media_notes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    deleted_at timestamptz,
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
    note text NOT NULL,
    note_shared boolean NOT NULL DEFAULT false,
    media_item_id bigint NOT NULL,
    revision bigint NOT NULL,
    UNIQUE (user_id, media_item_id, note_shared),
    CONSTRAINT media_notes_media_item_id_writer_fkey FOREIGN KEY (media_item_id, user_id)
        REFERENCES media_items (id, written_by) ON DELETE CASCADE
);

CREATE TABLE book_notes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    deleted_at timestamptz,
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
    note text NOT NULL,
    note_shared boolean NOT NULL DEFAULT false,
    book_id bigint NOT NULL,
    revision bigint NOT NULL,
    UNIQUE (user_id, book_id, note_shared),
    CONSTRAINT book_notes_book_id_writer_fkey FOREIGN KEY (book_id, user_id)
        REFERENCES books (id, written_by) ON DELETE CASCADE
);

CREATE TABLE podcast_notes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    deleted_at timestamptz,
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
    note text NOT NULL,
    note_shared boolean NOT NULL DEFAULT false,
    podcast_id bigint NOT NULL,
    revision bigint NOT NULL,
    UNIQUE (user_id, podcast_id, note_shared),
    CONSTRAINT podcast_notes_podcast_id_writer_fkey FOREIGN KEY (podcast_id, user_id)
        REFERENCES podcasts (id, written_by) ON DELETE CASCADE
);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['past_episode_watches', 'media_notes', 'book_notes',
                             'podcast_notes'] LOOP
        EXECUTE format('CREATE INDEX %I ON %I (revision)', t || '_revision', t);
        EXECUTE format('CREATE INDEX %I ON %I (user_id, revision)', t || '_user_revision', t);
        EXECUTE format('CREATE TRIGGER set_revision BEFORE INSERT OR UPDATE ON %I '
                       'FOR EACH ROW EXECUTE FUNCTION mediatrack_set_revision()', t);
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('REVOKE ALL ON %I FROM PUBLIC', t);
        EXECUTE format('CREATE POLICY add_own ON %I FOR INSERT '
                       'WITH CHECK (user_id = (SELECT mediatrack_uid()))', t);
        EXECUTE format('CREATE POLICY change_own ON %I FOR UPDATE '
                       'USING (user_id = (SELECT mediatrack_uid())) '
                       'WITH CHECK (user_id = (SELECT mediatrack_uid()))', t);
    END LOOP;
    EXECUTE 'CREATE POLICY read_own_and_friends ON past_episode_watches FOR SELECT USING ('
            'user_id = (SELECT mediatrack_uid()) '
            'OR user_id = ANY ((SELECT mediatrack_friends())::text[]))';
    -- A note: its writer reads it; a friend only once it is shared.
    FOREACH t IN ARRAY ARRAY['media_notes', 'book_notes', 'podcast_notes'] LOOP
        EXECUTE format('CREATE POLICY read_own_and_shared ON %I FOR SELECT USING ('
                       'user_id = (SELECT mediatrack_uid()) '
                       'OR (note_shared '
                       'AND user_id = ANY ((SELECT mediatrack_friends())::text[])))', t);
    END LOOP;
END $$;

-- Grants: as step 2's, with the new tables.
DROP PROCEDURE mediatrack_grant(text);
CREATE PROCEDURE mediatrack_grant(p_role text)
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
    t text;
    writable text;
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', p_role);
    EXECUTE format('REVOKE ALL ON users, media_items, seasons, episodes, books, podcasts, '
                   'podcast_episodes, friendships, user_progress, ratings, episode_watches, '
                   'user_book_progress, user_podcast_progress, podcast_listens, sync_roles, '
                   'friend_blocks, past_episode_watches, media_notes, book_notes, '
                   'podcast_notes FROM %I', p_role);
    EXECUTE format('REVOKE ALL ON SEQUENCE mediatrack_revision FROM %I', p_role);
    FOREACH t IN ARRAY ARRAY['users', 'media_items', 'seasons', 'episodes', 'books', 'podcasts',
                             'podcast_episodes', 'friendships', 'user_progress', 'ratings',
                             'episode_watches', 'user_book_progress', 'user_podcast_progress',
                             'podcast_listens', 'past_episode_watches', 'media_notes',
                             'book_notes', 'podcast_notes'] LOOP
        SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position)
            INTO writable FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name = t
            AND column_name NOT IN ('id', 'revision', 'written_by', 'declined_at');
        EXECUTE format('GRANT SELECT, INSERT, UPDATE (%s) ON %I TO %I', writable, t, p_role);
    END LOOP;
    EXECUTE format('GRANT SELECT ON sync_roles, friend_blocks TO %I', p_role);
    EXECUTE format('GRANT EXECUTE ON FUNCTION mediatrack_claim(text, text, boolean), '
                   'mediatrack_request_friendship(text), mediatrack_block(text), '
                   'mediatrack_unblock(text) TO %I', p_role);
END $$;
REVOKE ALL ON PROCEDURE mediatrack_grant(text) FROM PUBLIC;
