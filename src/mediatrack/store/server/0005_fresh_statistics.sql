-- mediatrack sync server, step 5: fresh planner statistics after a large push.
--
-- A first sync writes a whole library at once; until autovacuum gets round to it the
-- planner plans the next statements (the rest of the push, every pull's probe) from the
-- statistics of nearly empty tables. The client asks for an ANALYZE of the tables it
-- just filled. SECURITY DEFINER: the tables' owner analyzes; only a claimed role may ask,
-- and only for the synced tables.
CREATE FUNCTION mediatrack_analyze(p_tables text[]) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    t text;
    done integer := 0;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM public.sync_roles
                   WHERE role_name = session_user AND user_id IS NOT NULL) THEN
        RAISE EXCEPTION 'The PostgreSQL role % is not provisioned for mediatrack on this server.',
            session_user;
    END IF;
    FOREACH t IN ARRAY p_tables LOOP
        IF t = ANY (ARRAY['users', 'media_items', 'seasons', 'episodes', 'books', 'podcasts',
                          'podcast_episodes', 'friendships', 'user_progress', 'ratings',
                          'episode_watches', 'user_book_progress', 'user_podcast_progress',
                          'podcast_listens']) THEN
            EXECUTE format('ANALYZE public.%I', t);
            done := done + 1;
        END IF;
    END LOOP;
    RETURN done;
END $$;
