-- mediatrack sync server, step 1: the synced tables, revisions, row-level security.
-- Frozen: later changes go in a new step, never here. Applied by `mediatrack sync init`
-- as the server's admin, who owns every object below.

-- --- revisions ------------------------------------------------------------------
-- Every insert and update of a synced row takes the next number of ONE sequence. Writers
-- hold a transaction-level advisory lock while they number rows, so revisions become
-- visible in commit order: a reader that saw revision N will never later find a
-- smaller one committed, and "everything above my last revision" misses nothing.
CREATE SEQUENCE mediatrack_revision AS bigint;
REVOKE ALL ON SEQUENCE mediatrack_revision FROM PUBLIC;

CREATE FUNCTION mediatrack_lock_revisions() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock(7236837361590734949);
    RETURN NULL;
END $$;

-- Runs for every synced row written: kept plain (no SECURITY DEFINER, no SET clause, both
-- of which cost a context switch per row); roles get USAGE on the sequence instead.
-- Calling nextval() by hand only burns numbers no row carries.
CREATE FUNCTION mediatrack_set_revision() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.revision := nextval('public.mediatrack_revision');
    RETURN NEW;
END $$;

-- --- who is who -------------------------------------------------------------------
-- One row per PostgreSQL login role, written by the admin (`mediatrack sync provision`).
-- user_id stays NULL until the person's first sync claims it (mediatrack_claim);
-- after that nobody but the admin can change it.
CREATE TABLE sync_roles (
    role_name text PRIMARY KEY,
    user_id text UNIQUE,
    email text NOT NULL UNIQUE CHECK (email = lower(email)),
    created_at timestamptz NOT NULL DEFAULT now(),
    claimed_at timestamptz
);
ALTER TABLE sync_roles ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON sync_roles FROM PUBLIC;
CREATE POLICY own_mapping_read ON sync_roles FOR SELECT USING (role_name = current_user);
CREATE POLICY own_mapping_claim ON sync_roles FOR UPDATE
    USING (role_name = current_user AND user_id IS NULL)
    WITH CHECK (role_name = current_user);

-- The caller's user id, from its own mapping row (NULL for a role that is not mapped).
-- SECURITY INVOKER on purpose: inside a SECURITY DEFINER function current_user is the
-- function's owner, not the caller. Policies call it as (SELECT mediatrack_uid()), so it
-- runs once per statement.
CREATE FUNCTION mediatrack_uid() RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
    SELECT user_id FROM public.sync_roles WHERE role_name = current_user
$$;

-- --- shared metadata ------------------------------------------------------------------
CREATE TABLE media_items (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    tmdb_id bigint NOT NULL,
    type text NOT NULL CHECK (type IN ('movie', 'tv')),
    title text NOT NULL,
    original_title text,
    overview text,
    poster_path text,
    backdrop_path text,
    release_date text,
    vote_average integer,
    vote_count integer,
    genres text[],
    runtime integer,
    tmdb_status text,
    number_of_seasons integer,
    number_of_episodes integer,
    revision bigint NOT NULL,
    UNIQUE (tmdb_id, type)
);

CREATE TABLE seasons (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    media_item_id bigint NOT NULL REFERENCES media_items (id) ON DELETE CASCADE,
    tmdb_id bigint NOT NULL UNIQUE,
    season_number integer NOT NULL,
    name text,
    overview text,
    air_date text,
    episode_count integer,
    poster_path text,
    revision bigint NOT NULL
);
CREATE INDEX seasons_media_item_id ON seasons (media_item_id);

CREATE TABLE episodes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    season_id bigint NOT NULL REFERENCES seasons (id) ON DELETE CASCADE,
    tmdb_id bigint NOT NULL UNIQUE,
    episode_number integer NOT NULL,
    name text,
    overview text,
    air_date text,
    runtime integer,
    still_path text,
    revision bigint NOT NULL
);
CREATE INDEX episodes_season_id ON episodes (season_id);

CREATE TABLE books (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    google_id text NOT NULL UNIQUE,
    title text NOT NULL,
    subtitle text,
    authors text[],
    publisher text,
    published_date text,
    description text,
    isbn_13 text,
    isbn_10 text,
    page_count integer,
    categories text[],
    thumbnail text,
    language text,
    revision bigint NOT NULL
);

CREATE TABLE podcasts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    itunes_id text NOT NULL UNIQUE,
    title text NOT NULL,
    artist text,
    description text,
    feed_url text,
    artwork_url text,
    genres text[],
    release_date text,
    episode_count integer,
    revision bigint NOT NULL
);

CREATE TABLE podcast_episodes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    podcast_id bigint NOT NULL REFERENCES podcasts (id) ON DELETE CASCADE,
    guid text NOT NULL,
    title text,
    published_at timestamptz,
    duration_seconds integer,
    enclosure_url text,
    revision bigint NOT NULL,
    UNIQUE (podcast_id, guid)
);

-- --- people ---------------------------------------------------------------------------
CREATE TABLE users (
    id text PRIMARY KEY,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    name text NOT NULL,
    email text NOT NULL UNIQUE,
    email_verified boolean NOT NULL DEFAULT false,
    image text,
    revision bigint NOT NULL
);

CREATE TABLE friendships (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
    friend_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted')),
    revision bigint NOT NULL,
    UNIQUE (user_id, friend_id),
    CHECK (user_id <> friend_id)
);
CREATE INDEX friendships_friend_id ON friendships (friend_id);

-- Live friendships of the caller: accepted ones (whose rows it may read) and every
-- one, pending too (whose users rows it may read).
CREATE FUNCTION mediatrack_friends() RETURNS text[]
LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
    SELECT coalesce(array_agg(CASE WHEN f.user_id = me.id THEN f.friend_id ELSE f.user_id END), '{}')
    FROM public.friendships f, (SELECT public.mediatrack_uid() AS id) me
    WHERE (f.user_id = me.id OR f.friend_id = me.id)
      AND f.status = 'accepted' AND f.deleted_at IS NULL
$$;

CREATE FUNCTION mediatrack_contacts() RETURNS text[]
LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
    SELECT coalesce(array_agg(CASE WHEN f.user_id = me.id THEN f.friend_id ELSE f.user_id END), '{}')
    FROM public.friendships f, (SELECT public.mediatrack_uid() AS id) me
    WHERE (f.user_id = me.id OR f.friend_id = me.id) AND f.deleted_at IS NULL
$$;

-- --- what people track ------------------------------------------------------------------
CREATE TABLE user_progress (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    deleted_at timestamptz,
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
    media_item_id bigint NOT NULL REFERENCES media_items (id) ON DELETE CASCADE,
    status text NOT NULL CHECK (status IN ('watching', 'completed', 'plan_to_watch', 'dropped')),
    progress integer NOT NULL CHECK (progress >= 0),
    revision bigint NOT NULL,
    UNIQUE (user_id, media_item_id)
);
CREATE INDEX user_progress_media_item_id ON user_progress (media_item_id);

CREATE TABLE ratings (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    deleted_at timestamptz,
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
    media_item_id bigint NOT NULL REFERENCES media_items (id) ON DELETE CASCADE,
    rating integer NOT NULL CHECK (rating BETWEEN 1 AND 10),
    review text,
    revision bigint NOT NULL,
    UNIQUE (user_id, media_item_id)
);

CREATE TABLE episode_watches (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    deleted_at timestamptz,
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
    episode_id bigint NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
    watched_at timestamptz NOT NULL,
    revision bigint NOT NULL,
    UNIQUE (user_id, episode_id)
);

CREATE TABLE user_book_progress (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    deleted_at timestamptz,
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
    book_id bigint NOT NULL REFERENCES books (id) ON DELETE CASCADE,
    status text NOT NULL CHECK (status IN ('reading', 'completed', 'plan_to_read', 'dropped')),
    current_page integer NOT NULL CHECK (current_page >= 0),
    rating integer CHECK (rating BETWEEN 1 AND 10),
    revision bigint NOT NULL,
    UNIQUE (user_id, book_id)
);
CREATE INDEX user_book_progress_book_id ON user_book_progress (book_id);

CREATE TABLE user_podcast_progress (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    deleted_at timestamptz,
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
    podcast_id bigint NOT NULL REFERENCES podcasts (id) ON DELETE CASCADE,
    status text NOT NULL
        CHECK (status IN ('listening', 'listened', 'plan_to_listen', 'dropped')),
    episodes_listened integer NOT NULL CHECK (episodes_listened >= 0),
    rating integer CHECK (rating BETWEEN 1 AND 10),
    revision bigint NOT NULL,
    UNIQUE (user_id, podcast_id)
);
CREATE INDEX user_podcast_progress_podcast_id ON user_podcast_progress (podcast_id);

CREATE TABLE podcast_listens (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    deleted_at timestamptz,
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
    episode_id bigint NOT NULL REFERENCES podcast_episodes (id) ON DELETE CASCADE,
    listened_at timestamptz NOT NULL,
    revision bigint NOT NULL,
    UNIQUE (user_id, episode_id)
);

-- --- revisions, indexes and policies, table by table ------------------------------------
DO $$
DECLARE
    t text;
    metadata text[] := ARRAY['media_items', 'seasons', 'episodes', 'books', 'podcasts',
                             'podcast_episodes'];
    owned text[] := ARRAY['user_progress', 'ratings', 'episode_watches', 'user_book_progress',
                          'user_podcast_progress', 'podcast_listens'];
BEGIN
    FOREACH t IN ARRAY metadata || owned || ARRAY['users', 'friendships'] LOOP
        EXECUTE format('CREATE INDEX %I ON %I (revision)', t || '_revision', t);
        EXECUTE format('CREATE TRIGGER lock_revisions BEFORE INSERT OR UPDATE ON %I '
                       'FOR EACH STATEMENT EXECUTE FUNCTION mediatrack_lock_revisions()', t);
        EXECUTE format('CREATE TRIGGER set_revision BEFORE INSERT OR UPDATE ON %I '
                       'FOR EACH ROW EXECUTE FUNCTION mediatrack_set_revision()', t);
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('REVOKE ALL ON %I FROM PUBLIC', t);
    END LOOP;
    -- Shared metadata: everyone reads it; any mapped role adds or refreshes it.
    FOREACH t IN ARRAY metadata LOOP
        EXECUTE format('CREATE POLICY read_all ON %I FOR SELECT USING (true)', t);
        EXECUTE format('CREATE POLICY mapped_add ON %I FOR INSERT '
                       'WITH CHECK ((SELECT mediatrack_uid()) IS NOT NULL)', t);
        EXECUTE format('CREATE POLICY mapped_change ON %I FOR UPDATE '
                       'USING ((SELECT mediatrack_uid()) IS NOT NULL) '
                       'WITH CHECK ((SELECT mediatrack_uid()) IS NOT NULL)', t);
    END LOOP;
    -- A person's own rows: read by them and their accepted friends, written by them only.
    -- FORCE: even the tables' owner goes through the policies (the admin's non-superuser
    -- role reads nobody's library by accident).
    FOREACH t IN ARRAY owned LOOP
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE INDEX %I ON %I (user_id, revision)', t || '_user_revision', t);
        EXECUTE format('CREATE POLICY read_own_and_friends ON %I FOR SELECT USING ('
                       'user_id = (SELECT mediatrack_uid()) '
                       'OR user_id = ANY ((SELECT mediatrack_friends())::text[]))', t);
        EXECUTE format('CREATE POLICY add_own ON %I FOR INSERT '
                       'WITH CHECK (user_id = (SELECT mediatrack_uid()))', t);
        EXECUTE format('CREATE POLICY change_own ON %I FOR UPDATE '
                       'USING (user_id = (SELECT mediatrack_uid())) '
                       'WITH CHECK (user_id = (SELECT mediatrack_uid()))', t);
        EXECUTE format('CREATE POLICY delete_own ON %I FOR DELETE '
                       'USING (user_id = (SELECT mediatrack_uid()))', t);
    END LOOP;
END $$;

-- users: your own row, and the rows of people you send or hold a request with (or are
-- friends with); nobody else's, so an email is only seen by its owner's contacts.
CREATE POLICY read_self_and_contacts ON users FOR SELECT
    USING (id = (SELECT mediatrack_uid()) OR id = ANY ((SELECT mediatrack_contacts())::text[]));
CREATE POLICY add_self ON users FOR INSERT WITH CHECK (id = (SELECT mediatrack_uid()));
CREATE POLICY change_self ON users FOR UPDATE
    USING (id = (SELECT mediatrack_uid())) WITH CHECK (id = (SELECT mediatrack_uid()));

-- A person's email on the server is the one the admin provisioned, whatever the client
-- sends: nobody can take over another person's friend requests by claiming their email.
CREATE FUNCTION mediatrack_users_email() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
    provisioned text;
BEGIN
    SELECT email INTO provisioned FROM public.sync_roles WHERE role_name = current_user;
    IF provisioned IS NOT NULL THEN
        NEW.email := provisioned;
        NEW.email_verified := true;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER provisioned_email BEFORE INSERT OR UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION mediatrack_users_email();

-- friendships: create one only as the requester (user_id), pending; see and change the
-- ones you are part of; the trigger below decides which changes each side may make.
CREATE POLICY read_mine ON friendships FOR SELECT
    USING ((SELECT mediatrack_uid()) IN (user_id, friend_id));
CREATE POLICY request_as_self ON friendships FOR INSERT
    WITH CHECK (user_id = (SELECT mediatrack_uid()) AND status = 'pending');
CREATE POLICY change_mine ON friendships FOR UPDATE
    USING ((SELECT mediatrack_uid()) IN (user_id, friend_id))
    WITH CHECK ((SELECT mediatrack_uid()) IN (user_id, friend_id));
CREATE POLICY delete_mine ON friendships FOR DELETE
    USING ((SELECT mediatrack_uid()) IN (user_id, friend_id));

CREATE FUNCTION mediatrack_friendship_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
    me text := public.mediatrack_uid();
BEGIN
    IF me IS NULL THEN
        RETURN NEW;  -- the admin (roles that are not mapped never pass the policies)
    END IF;
    IF NEW.user_id <> OLD.user_id OR NEW.friend_id <> OLD.friend_id THEN
        RAISE EXCEPTION 'A friendship cannot change hands.' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL THEN
        IF me <> OLD.user_id OR NEW.status <> 'pending' THEN
            RAISE EXCEPTION 'Only the requester can renew a friend request, as pending.'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    ELSIF NEW.status = 'accepted' AND OLD.status <> 'accepted' AND me <> OLD.friend_id THEN
        RAISE EXCEPTION 'Only the person asked can accept a friend request.'
            USING ERRCODE = 'insufficient_privilege';
    ELSIF NEW.status = 'pending' AND OLD.status = 'accepted' AND NEW.deleted_at IS NULL THEN
        RAISE EXCEPTION 'An accepted friendship cannot go back to pending; remove it instead.'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER friendship_change BEFORE UPDATE ON friendships
    FOR EACH ROW EXECUTE FUNCTION mediatrack_friendship_change();

-- --- functions the sync roles call ------------------------------------------------------
-- Someone "syncs here" once their first sync claimed the role and sent their users row.
-- Only for the SECURITY DEFINER functions below: no role may call it, so nobody can ask
-- the server whether an email is here without sending that person a request.
CREATE FUNCTION mediatrack_user_by_email(p_email text) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
    SELECT r.user_id FROM public.sync_roles r JOIN public.users u ON u.id = r.user_id
    WHERE r.email = lower(trim(p_email))
$$;
REVOKE ALL ON FUNCTION mediatrack_user_by_email(text) FROM PUBLIC;

-- The first sync of a role whose mapping has only an email binds it to the user id the
-- client signed in with; the email must be the provisioned one. Once bound, never again
-- (policy own_mapping_claim), and one user id belongs to one role only (UNIQUE).
CREATE FUNCTION mediatrack_claim(p_user_id text, p_email text) RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
    mapping public.sync_roles;
BEGIN
    SELECT * INTO mapping FROM public.sync_roles WHERE role_name = current_user;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'The PostgreSQL role % is not provisioned for mediatrack on this server; ask its admin to run `mediatrack sync provision`.', current_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF mapping.user_id IS NOT NULL THEN
        IF mapping.user_id <> p_user_id THEN
            RAISE EXCEPTION 'The PostgreSQL role % belongs to another mediatrack user; sign in as %.', current_user, mapping.email
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN mapping.user_id;
    END IF;
    IF mapping.email IS DISTINCT FROM lower(trim(p_email)) THEN
        RAISE EXCEPTION 'The PostgreSQL role % was provisioned for %, but you are signed in as %.', current_user, mapping.email, p_email
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    BEGIN
        UPDATE public.sync_roles SET user_id = p_user_id, claimed_at = now()
            WHERE role_name = current_user;
    EXCEPTION WHEN unique_violation THEN
        RAISE EXCEPTION 'Another PostgreSQL role already syncs this mediatrack user; ask the admin of the server.'
            USING ERRCODE = 'insufficient_privilege';
    END;
    RETURN p_user_id;
END $$;

-- Ask the person with this email to be friends, or accept their pending request to us.
-- Returns 'requested', 'accepted' or 'already'; an unknown email is an error, which tells
-- no more than a request would (the recipient's users row becomes visible to the sender).
-- SECURITY DEFINER, to find the person by email: inside it current_user is the owner, so the
-- caller is session_user, the role it logged in as; every write below is for that user only.
CREATE FUNCTION mediatrack_request_friendship(p_email text) RETURNS text
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
        RAISE EXCEPTION 'Nobody with the email % syncs with this server yet; ask them to run `mediatrack sync` once.', lower(trim(p_email))
            USING ERRCODE = 'no_data_found';
    END IF;
    IF them = me THEN
        RAISE EXCEPTION 'You cannot befriend yourself.' USING ERRCODE = 'check_violation';
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
    INSERT INTO public.friendships AS f (user_id, friend_id, status)
        VALUES (me, them, 'pending')
        ON CONFLICT (user_id, friend_id) DO UPDATE
        SET status = 'pending', deleted_at = NULL, updated_at = now(), created_at = now()
        WHERE f.deleted_at IS NOT NULL;
    RETURN 'requested';
END $$;
REVOKE ALL ON FUNCTION mediatrack_request_friendship(text) FROM PUBLIC;

-- --- what a provisioned role may touch ----------------------------------------------------
-- Run by the admin for each role (`provision`, and `init` after a migration). Nothing is
-- granted to PUBLIC: a role of the cluster that is not provisioned sees nothing at all.
CREATE PROCEDURE mediatrack_grant(p_role text)
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', p_role);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON media_items, seasons, episodes, books, '
                   'podcasts, podcast_episodes, users TO %I', p_role);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON user_progress, ratings, '
                   'episode_watches, user_book_progress, user_podcast_progress, '
                   'podcast_listens, friendships TO %I', p_role);
    EXECUTE format('GRANT SELECT, UPDATE (user_id, claimed_at) ON sync_roles TO %I', p_role);
    EXECUTE format('GRANT EXECUTE ON FUNCTION mediatrack_request_friendship(text) TO %I',
                   p_role);
    EXECUTE format('GRANT USAGE ON SEQUENCE mediatrack_revision TO %I', p_role);
END $$;
REVOKE ALL ON PROCEDURE mediatrack_grant(text) FROM PUBLIC;
