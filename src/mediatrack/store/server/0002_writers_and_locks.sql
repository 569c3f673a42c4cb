-- mediatrack sync server, step 2: nobody can change, see or stall what another person wrote.
-- Frozen once released: later changes go in a new step. Applied by `mediatrack sync init`.
--
-- 1. Revisions without a lock: a row's revision is its writer's transaction id (plus a base
--    above every number step 1 handed out), and a pull reads up to a watermark, the oldest
--    transaction still running (pg_snapshot_xmin), as logical-replication readers do.
-- 2. Catalog rows per writer: each person has their own copy of the shows, books and
--    podcasts they track (written_by), readable by them and their accepted friends only,
--    written by them only. Existing shared rows are copied to every person who uses them.
-- 3. Grants that hold no lock over others: no table-wide UPDATE or DELETE (so no LOCK TABLE
--    stronger than ROW EXCLUSIVE), UPDATE by column, no DELETE at all (tombstones).
-- 4. Identity: the role mapping changes only through mediatrack_claim, and only for a verified
--    email; friend requests declined are not renewed for 7 days; a person can block another.

-- --- 1. revisions ------------------------------------------------------------------------
DO $$
DECLARE
    t text;
    base bigint := (SELECT last_value + 1 FROM mediatrack_revision);
BEGIN
    FOREACH t IN ARRAY ARRAY['users', 'media_items', 'seasons', 'episodes', 'books', 'podcasts',
                             'podcast_episodes', 'friendships', 'user_progress', 'ratings',
                             'episode_watches', 'user_book_progress', 'user_podcast_progress',
                             'podcast_listens'] LOOP
        EXECUTE format('DROP TRIGGER lock_revisions ON %I', t);
    END LOOP;
    -- The base is written into the functions: revisions keep growing past step 1's numbers,
    -- so a device's pull mark from before this step stays valid.
    EXECUTE format($f$
        CREATE OR REPLACE FUNCTION mediatrack_set_revision() RETURNS trigger
        LANGUAGE plpgsql AS $b$
        BEGIN
            NEW.revision := pg_catalog.pg_current_xact_id()::text::bigint + %s;
            RETURN NEW;
        END $b$ $f$, base);
    -- Every revision at or above this one may still commit; everything below it has.
    EXECUTE format($f$
        CREATE FUNCTION mediatrack_watermark() RETURNS bigint
        LANGUAGE sql STABLE AS $b$
            SELECT pg_catalog.pg_snapshot_xmin(pg_catalog.pg_current_snapshot())::text::bigint
                + %s
        $b$ $f$, base);
END $$;
DROP FUNCTION mediatrack_lock_revisions();

-- --- 2. catalog rows per writer ----------------------------------------------------------
ALTER TABLE media_items ADD COLUMN written_by text;
ALTER TABLE seasons ADD COLUMN written_by text;
ALTER TABLE episodes ADD COLUMN written_by text;
ALTER TABLE books ADD COLUMN written_by text;
ALTER TABLE podcasts ADD COLUMN written_by text;
ALTER TABLE podcast_episodes ADD COLUMN written_by text;

ALTER TABLE media_items DROP CONSTRAINT media_items_tmdb_id_type_key;
ALTER TABLE seasons DROP CONSTRAINT seasons_tmdb_id_key;
ALTER TABLE episodes DROP CONSTRAINT episodes_tmdb_id_key;
ALTER TABLE books DROP CONSTRAINT books_google_id_key;
ALTER TABLE podcasts DROP CONSTRAINT podcasts_itunes_id_key;
ALTER TABLE podcast_episodes DROP CONSTRAINT podcast_episodes_podcast_id_guid_key;

-- The tables' owner reads and writes people's rows only while the policies are not forced
-- (a superuser always does): until the end of this step.
ALTER TABLE user_progress NO FORCE ROW LEVEL SECURITY;
ALTER TABLE ratings NO FORCE ROW LEVEL SECURITY;
ALTER TABLE episode_watches NO FORCE ROW LEVEL SECURITY;
ALTER TABLE user_book_progress NO FORCE ROW LEVEL SECURITY;
ALTER TABLE user_podcast_progress NO FORCE ROW LEVEL SECURITY;
ALTER TABLE podcast_listens NO FORCE ROW LEVEL SECURITY;

-- Who uses which shared row: a copy of it for each of them (children follow their parent).
CREATE TEMPORARY TABLE mt_users_of (kind text, old_id bigint, user_id text) ON COMMIT DROP;
INSERT INTO mt_users_of
    SELECT 'media', media_item_id, user_id FROM user_progress
    UNION SELECT 'media', media_item_id, user_id FROM ratings
    UNION SELECT 'media', s.media_item_id, w.user_id FROM episode_watches w
        JOIN episodes e ON e.id = w.episode_id JOIN seasons s ON s.id = e.season_id
    UNION SELECT 'book', book_id, user_id FROM user_book_progress
    UNION SELECT 'podcast', podcast_id, user_id FROM user_podcast_progress
    UNION SELECT 'podcast', pe.podcast_id, l.user_id FROM podcast_listens l
        JOIN podcast_episodes pe ON pe.id = l.episode_id;

INSERT INTO media_items (created_at, updated_at, tmdb_id, type, title, original_title, overview,
        poster_path, backdrop_path, release_date, vote_average, vote_count, genres, runtime,
        tmdb_status, number_of_seasons, number_of_episodes, written_by)
    SELECT m.created_at, m.updated_at, m.tmdb_id, m.type, m.title, m.original_title, m.overview,
        m.poster_path, m.backdrop_path, m.release_date, m.vote_average, m.vote_count, m.genres,
        m.runtime, m.tmdb_status, m.number_of_seasons, m.number_of_episodes, u.user_id
    FROM mt_users_of u JOIN media_items m ON m.id = u.old_id WHERE u.kind = 'media';
INSERT INTO seasons (created_at, updated_at, media_item_id, tmdb_id, season_number, name,
        overview, air_date, episode_count, poster_path, written_by)
    SELECT s.created_at, s.updated_at, copy.id, s.tmdb_id, s.season_number, s.name, s.overview,
        s.air_date, s.episode_count, s.poster_path, copy.written_by
    FROM seasons s JOIN media_items old ON old.id = s.media_item_id
    JOIN media_items copy ON copy.tmdb_id = old.tmdb_id AND copy.type = old.type
        AND copy.written_by IS NOT NULL
    WHERE s.written_by IS NULL AND old.written_by IS NULL;
INSERT INTO episodes (created_at, updated_at, season_id, tmdb_id, episode_number, name, overview,
        air_date, runtime, still_path, written_by)
    SELECT e.created_at, e.updated_at, copy.id, e.tmdb_id, e.episode_number, e.name, e.overview,
        e.air_date, e.runtime, e.still_path, copy.written_by
    FROM episodes e JOIN seasons old ON old.id = e.season_id
    JOIN seasons copy ON copy.tmdb_id = old.tmdb_id AND copy.written_by IS NOT NULL
    WHERE e.written_by IS NULL AND old.written_by IS NULL;
INSERT INTO books (created_at, updated_at, google_id, title, subtitle, authors, publisher,
        published_date, description, isbn_13, isbn_10, page_count, categories, thumbnail,
        language, written_by)
    SELECT b.created_at, b.updated_at, b.google_id, b.title, b.subtitle, b.authors, b.publisher,
        b.published_date, b.description, b.isbn_13, b.isbn_10, b.page_count, b.categories,
        b.thumbnail, b.language, u.user_id
    FROM mt_users_of u JOIN books b ON b.id = u.old_id WHERE u.kind = 'book';
INSERT INTO podcasts (created_at, updated_at, itunes_id, title, artist, description, feed_url,
        artwork_url, genres, release_date, episode_count, written_by)
    SELECT p.created_at, p.updated_at, p.itunes_id, p.title, p.artist, p.description, p.feed_url,
        p.artwork_url, p.genres, p.release_date, p.episode_count, u.user_id
    FROM mt_users_of u JOIN podcasts p ON p.id = u.old_id WHERE u.kind = 'podcast';
INSERT INTO podcast_episodes (created_at, updated_at, podcast_id, guid, title, published_at,
        duration_seconds, enclosure_url, written_by)
    SELECT e.created_at, e.updated_at, copy.id, e.guid, e.title, e.published_at,
        e.duration_seconds, e.enclosure_url, copy.written_by
    FROM podcast_episodes e JOIN podcasts old ON old.id = e.podcast_id
    JOIN podcasts copy ON copy.itunes_id = old.itunes_id AND copy.written_by IS NOT NULL
    WHERE e.written_by IS NULL AND old.written_by IS NULL;

-- Each person's rows now point at their own copies.
UPDATE user_progress x SET media_item_id = copy.id FROM media_items old, media_items copy
    WHERE old.id = x.media_item_id AND old.written_by IS NULL AND copy.tmdb_id = old.tmdb_id
    AND copy.type = old.type AND copy.written_by = x.user_id;
UPDATE ratings x SET media_item_id = copy.id FROM media_items old, media_items copy
    WHERE old.id = x.media_item_id AND old.written_by IS NULL AND copy.tmdb_id = old.tmdb_id
    AND copy.type = old.type AND copy.written_by = x.user_id;
UPDATE episode_watches x SET episode_id = copy.id FROM episodes old, episodes copy
    WHERE old.id = x.episode_id AND old.written_by IS NULL AND copy.tmdb_id = old.tmdb_id
    AND copy.written_by = x.user_id;
UPDATE user_book_progress x SET book_id = copy.id FROM books old, books copy
    WHERE old.id = x.book_id AND old.written_by IS NULL AND copy.google_id = old.google_id
    AND copy.written_by = x.user_id;
UPDATE user_podcast_progress x SET podcast_id = copy.id FROM podcasts old, podcasts copy
    WHERE old.id = x.podcast_id AND old.written_by IS NULL AND copy.itunes_id = old.itunes_id
    AND copy.written_by = x.user_id;
UPDATE podcast_listens x SET episode_id = copy.id
    FROM podcast_episodes old, podcasts old_p, podcast_episodes copy, podcasts copy_p
    WHERE old.id = x.episode_id AND old.written_by IS NULL AND old_p.id = old.podcast_id
    AND copy_p.itunes_id = old_p.itunes_id AND copy_p.written_by = x.user_id
    AND copy.podcast_id = copy_p.id AND copy.guid = old.guid;
-- The shared rows go (their children with them); nothing of a person points at them now.
DELETE FROM media_items WHERE written_by IS NULL;
DELETE FROM books WHERE written_by IS NULL;
DELETE FROM podcasts WHERE written_by IS NULL;
ALTER TABLE user_progress FORCE ROW LEVEL SECURITY;
ALTER TABLE ratings FORCE ROW LEVEL SECURITY;
ALTER TABLE episode_watches FORCE ROW LEVEL SECURITY;
ALTER TABLE user_book_progress FORCE ROW LEVEL SECURITY;
ALTER TABLE user_podcast_progress FORCE ROW LEVEL SECURITY;
ALTER TABLE podcast_listens FORCE ROW LEVEL SECURITY;

-- A row points only at its own writer's rows: the foreign keys carry the writer.
DO $$
DECLARE
    t text;
    spec text[];
BEGIN
    FOREACH t IN ARRAY ARRAY['media_items', 'seasons', 'episodes', 'books', 'podcasts',
                             'podcast_episodes'] LOOP
        EXECUTE format('ALTER TABLE %I ALTER COLUMN written_by SET NOT NULL, '
                       'ALTER COLUMN written_by SET DEFAULT mediatrack_uid()', t);
        EXECUTE format('ALTER TABLE %I ADD UNIQUE (id, written_by)', t);
    END LOOP;
    -- (table, column, owner column, parent)
    FOREACH spec SLICE 1 IN ARRAY ARRAY[
        ['seasons', 'media_item_id', 'written_by', 'media_items'],
        ['episodes', 'season_id', 'written_by', 'seasons'],
        ['podcast_episodes', 'podcast_id', 'written_by', 'podcasts'],
        ['user_progress', 'media_item_id', 'user_id', 'media_items'],
        ['ratings', 'media_item_id', 'user_id', 'media_items'],
        ['episode_watches', 'episode_id', 'user_id', 'episodes'],
        ['user_book_progress', 'book_id', 'user_id', 'books'],
        ['user_podcast_progress', 'podcast_id', 'user_id', 'podcasts'],
        ['podcast_listens', 'episode_id', 'user_id', 'podcast_episodes']
    ] LOOP
        EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', spec[1], spec[1] || '_' || spec[2] || '_fkey');
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I FOREIGN KEY (%I, %I) '
                       'REFERENCES %I (id, written_by) ON DELETE CASCADE',
                       spec[1], spec[1] || '_' || spec[2] || '_writer_fkey', spec[2], spec[3],
                       spec[4]);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['media_items', 'seasons', 'episodes', 'books', 'podcasts',
                             'podcast_episodes'] LOOP
        EXECUTE format('DROP POLICY read_all ON %I', t);
        EXECUTE format('DROP POLICY mapped_add ON %I', t);
        EXECUTE format('DROP POLICY mapped_change ON %I', t);
        EXECUTE format('CREATE POLICY read_own_and_friends ON %I FOR SELECT USING ('
                       'written_by = (SELECT mediatrack_uid()) '
                       'OR written_by = ANY ((SELECT mediatrack_friends())::text[]))', t);
        EXECUTE format('CREATE POLICY add_own ON %I FOR INSERT '
                       'WITH CHECK (written_by = (SELECT mediatrack_uid()))', t);
        EXECUTE format('CREATE POLICY change_own ON %I FOR UPDATE '
                       'USING (written_by = (SELECT mediatrack_uid())) '
                       'WITH CHECK (written_by = (SELECT mediatrack_uid()))', t);
    END LOOP;
END $$;
ALTER TABLE media_items ADD UNIQUE (written_by, tmdb_id, type);
ALTER TABLE seasons ADD UNIQUE (written_by, tmdb_id);
ALTER TABLE episodes ADD UNIQUE (written_by, tmdb_id);
ALTER TABLE books ADD UNIQUE (written_by, google_id);
ALTER TABLE podcasts ADD UNIQUE (written_by, itunes_id);
ALTER TABLE podcast_episodes ADD UNIQUE (written_by, podcast_id, guid);

-- --- 4. identity ---------------------------------------------------------------------------
-- The mapping is written by the admin and by mediatrack_claim only.
DROP POLICY own_mapping_claim ON sync_roles;
DROP FUNCTION mediatrack_claim(text, text);

-- The first sync of a role binds it to the user id the client signed in with, if the email is
-- the provisioned one and Google verified it. SECURITY DEFINER: the caller is session_user.
CREATE FUNCTION mediatrack_claim(p_user_id text, p_email text, p_email_verified boolean)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    mapping public.sync_roles;
BEGIN
    SELECT * INTO mapping FROM public.sync_roles WHERE role_name = session_user;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'The PostgreSQL role % is not provisioned for mediatrack on this server; ask its admin to run `mediatrack sync provision`.', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF mapping.user_id IS NOT NULL THEN
        IF mapping.user_id <> p_user_id THEN
            RAISE EXCEPTION 'The PostgreSQL role % belongs to another mediatrack user; sign in as %.', session_user, mapping.email
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN mapping.user_id;
    END IF;
    IF mapping.email IS DISTINCT FROM lower(trim(p_email)) THEN
        RAISE EXCEPTION 'The PostgreSQL role % was provisioned for %, but you are signed in as %.', session_user, mapping.email, p_email
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_email_verified IS NOT TRUE THEN
        RAISE EXCEPTION 'Google has not verified the email % of this account, so it cannot sync as its role.', mapping.email
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    BEGIN
        UPDATE public.sync_roles SET user_id = p_user_id, claimed_at = now()
            WHERE role_name = session_user;
    EXCEPTION WHEN unique_violation THEN
        RAISE EXCEPTION 'Another PostgreSQL role already syncs this mediatrack user; ask the admin of the server.'
            USING ERRCODE = 'insufficient_privilege';
    END;
    RETURN p_user_id;
END $$;
REVOKE ALL ON FUNCTION mediatrack_claim(text, text, boolean) FROM PUBLIC;

-- Declined requests wait 7 days before the requester may ask again; blocks forbid asking.
ALTER TABLE friendships ADD COLUMN declined_at timestamptz;

CREATE TABLE friend_blocks (
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
    blocked_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, blocked_id)
);
-- Not FORCEd: the SECURITY DEFINER functions below, run as the owner, read and write it.
ALTER TABLE friend_blocks ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON friend_blocks FROM PUBLIC;
CREATE POLICY read_own ON friend_blocks FOR SELECT USING (user_id = (SELECT mediatrack_uid()));

-- Direct changes by a person: a decline by the person asked is stamped; renewing a request
-- goes through mediatrack_request_friendship only (which checks the wait and blocks).
CREATE OR REPLACE FUNCTION mediatrack_friendship_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
    me text := public.mediatrack_uid();
BEGIN
    IF me IS NULL THEN
        RETURN NEW;  -- the admin and the SECURITY DEFINER functions
    END IF;
    IF NEW.user_id <> OLD.user_id OR NEW.friend_id <> OLD.friend_id THEN
        RAISE EXCEPTION 'A friendship cannot change hands.' USING ERRCODE = 'insufficient_privilege';
    END IF;
    NEW.declined_at := OLD.declined_at;
    IF OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL THEN
        RAISE EXCEPTION 'A friend request is renewed only by asking again (`mediatrack friends add`).'
            USING ERRCODE = 'insufficient_privilege';
    ELSIF NEW.status = 'accepted' AND OLD.status <> 'accepted' AND me <> OLD.friend_id THEN
        RAISE EXCEPTION 'Only the person asked can accept a friend request.'
            USING ERRCODE = 'insufficient_privilege';
    ELSIF NEW.status = 'pending' AND OLD.status = 'accepted' AND NEW.deleted_at IS NULL THEN
        RAISE EXCEPTION 'An accepted friendship cannot go back to pending; remove it instead.'
            USING ERRCODE = 'insufficient_privilege';
    ELSIF OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL AND OLD.status = 'pending'
            AND me = OLD.friend_id THEN
        NEW.declined_at := now();
    END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION mediatrack_request_friendship(p_email text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    me text := (SELECT user_id FROM public.sync_roles WHERE role_name = session_user);
    them text := public.mediatrack_user_by_email(p_email);
    declined timestamptz;
BEGIN
    IF me IS NULL THEN
        RAISE EXCEPTION 'This PostgreSQL role has no mediatrack user yet; run `mediatrack sync` first.'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF them IS NULL THEN
        RAISE EXCEPTION 'Nobody with the email % syncs with this server yet; ask them to run `mediatrack sync` once.', lower(trim(p_email))
            USING ERRCODE = 'no_data_found';
    END IF;
    IF them = me THEN
        RAISE EXCEPTION 'You cannot befriend yourself.' USING ERRCODE = 'check_violation';
    END IF;
    IF EXISTS (SELECT 1 FROM public.friend_blocks WHERE user_id = me AND blocked_id = them) THEN
        RAISE EXCEPTION 'You blocked %; unblock them first with `mediatrack friends unblock`.', lower(trim(p_email))
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF EXISTS (SELECT 1 FROM public.friend_blocks WHERE user_id = them AND blocked_id = me) THEN
        RAISE EXCEPTION '% does not take friend requests from you.', lower(trim(p_email))
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    UPDATE public.friendships SET status = 'accepted', updated_at = now()
        WHERE user_id = them AND friend_id = me AND deleted_at IS NULL AND status = 'pending';
    IF FOUND THEN
        RETURN 'accepted';
    END IF;
    IF EXISTS (SELECT 1 FROM public.friendships WHERE deleted_at IS NULL
               AND ((user_id = me AND friend_id = them) OR (user_id = them AND friend_id = me))) THEN
        RETURN 'already';
    END IF;
    SELECT declined_at INTO declined FROM public.friendships
        WHERE user_id = me AND friend_id = them AND declined_at > now() - interval '7 days';
    IF declined IS NOT NULL THEN
        RAISE EXCEPTION '% declined your request on %; you can ask again from %.', lower(trim(p_email)),
            to_char(declined AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
            to_char((declined + interval '7 days') AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"')
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO public.friendships AS f (user_id, friend_id, status)
        VALUES (me, them, 'pending')
        ON CONFLICT (user_id, friend_id) DO UPDATE
        SET status = 'pending', deleted_at = NULL, declined_at = NULL, updated_at = now(),
            created_at = now()
        WHERE f.deleted_at IS NOT NULL;
    RETURN 'requested';
END $$;

-- Block someone: no requests from them at all, and what is between you ends.
CREATE FUNCTION mediatrack_block(p_email text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    me text := (SELECT user_id FROM public.sync_roles WHERE role_name = session_user);
    them text := public.mediatrack_user_by_email(p_email);
BEGIN
    IF me IS NULL THEN
        RAISE EXCEPTION 'This PostgreSQL role has no mediatrack user yet; run `mediatrack sync` first.'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF them IS NULL THEN
        RAISE EXCEPTION 'Nobody with the email % syncs with this server.', lower(trim(p_email))
            USING ERRCODE = 'no_data_found';
    END IF;
    IF them = me THEN
        RAISE EXCEPTION 'You cannot block yourself.' USING ERRCODE = 'check_violation';
    END IF;
    INSERT INTO public.friend_blocks (user_id, blocked_id) VALUES (me, them) ON CONFLICT DO NOTHING;
    UPDATE public.friendships SET deleted_at = now(), updated_at = now()
        WHERE deleted_at IS NULL
        AND ((user_id = me AND friend_id = them) OR (user_id = them AND friend_id = me));
    RETURN 'blocked';
END $$;
REVOKE ALL ON FUNCTION mediatrack_block(text) FROM PUBLIC;

CREATE FUNCTION mediatrack_unblock(p_email text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    me text := (SELECT user_id FROM public.sync_roles WHERE role_name = session_user);
BEGIN
    DELETE FROM public.friend_blocks
        WHERE user_id = me AND blocked_id = public.mediatrack_user_by_email(p_email);
    IF NOT FOUND THEN
        RAISE EXCEPTION 'You have not blocked %.', lower(trim(p_email))
            USING ERRCODE = 'no_data_found';
    END IF;
    RETURN 'unblocked';
END $$;
REVOKE ALL ON FUNCTION mediatrack_unblock(text) FROM PUBLIC;

-- --- 3. grants -----------------------------------------------------------------------------
-- Table-wide UPDATE, DELETE or TRUNCATE would let a role LOCK a whole table and stall every
-- other sync; UPDATE is granted column by column instead, and nothing is ever deleted.
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
                   'friend_blocks FROM %I', p_role);
    EXECUTE format('REVOKE ALL ON SEQUENCE mediatrack_revision FROM %I', p_role);
    FOREACH t IN ARRAY ARRAY['users', 'media_items', 'seasons', 'episodes', 'books', 'podcasts',
                             'podcast_episodes', 'friendships', 'user_progress', 'ratings',
                             'episode_watches', 'user_book_progress', 'user_podcast_progress',
                             'podcast_listens'] LOOP
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
