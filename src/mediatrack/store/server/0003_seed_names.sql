-- mediatrack sync server, step 3: the seed's names, column for column (local step 5).
-- Frozen: later changes go in a new step, never here. Every change below first looks at
-- what is there, so the step is harmless to run again or after any other step.
--   media_items.tmdb_status -> status, podcasts.title / artist -> collection_name /
--   artist_name, user_book_progress.current_page and user_podcast_progress.episodes_listened
--   -> progress (their CHECK constraints follow, renamed too);
--   new: media_items.last_air_date, episodes.vote_average, books.is_ebook (default false);
--   seasons.name and episodes.name NOT NULL (a nameless one is named after its number);
--   every progress column gets the seed's DEFAULT 0;
--   the seed's sessions and accounts tables, which stay empty (see below).
-- Clients older than this step cannot sync with the server once it ran: they send the
-- old column names.

DO $$
DECLARE
    -- (table, old column, new column)
    renames text[][] := ARRAY[
        ['media_items', 'tmdb_status', 'status'],
        ['podcasts', 'title', 'collection_name'],
        ['podcasts', 'artist', 'artist_name'],
        ['user_book_progress', 'current_page', 'progress'],
        ['user_podcast_progress', 'episodes_listened', 'progress']
    ];
    pair text[];
BEGIN
    FOREACH pair SLICE 1 IN ARRAY renames LOOP
        IF EXISTS (SELECT 1 FROM information_schema.columns
                   WHERE table_schema = 'public' AND table_name = pair[1]
                     AND column_name = pair[2]) THEN
            EXECUTE format('ALTER TABLE public.%I RENAME COLUMN %I TO %I',
                           pair[1], pair[2], pair[3]);
        END IF;
        IF EXISTS (SELECT 1 FROM pg_catalog.pg_constraint
                   WHERE conrelid = format('public.%I', pair[1])::regclass
                     AND conname = pair[1] || '_' || pair[2] || '_check') THEN
            EXECUTE format('ALTER TABLE public.%I RENAME CONSTRAINT %I TO %I', pair[1],
                           pair[1] || '_' || pair[2] || '_check',
                           pair[1] || '_' || pair[3] || '_check');
        END IF;
    END LOOP;
END $$;

ALTER TABLE media_items ADD COLUMN IF NOT EXISTS last_air_date text;
ALTER TABLE episodes ADD COLUMN IF NOT EXISTS vote_average integer;
ALTER TABLE books ADD COLUMN IF NOT EXISTS is_ebook boolean NOT NULL DEFAULT false;

UPDATE seasons
    SET name = CASE season_number WHEN 0 THEN 'Specials' ELSE 'Season ' || season_number END
    WHERE name IS NULL OR trim(name) = '';
UPDATE episodes SET name = 'Episode ' || episode_number WHERE name IS NULL OR trim(name) = '';
ALTER TABLE seasons ALTER COLUMN name SET NOT NULL;
ALTER TABLE episodes ALTER COLUMN name SET NOT NULL;

ALTER TABLE user_progress ALTER COLUMN progress SET DEFAULT 0;
ALTER TABLE user_book_progress ALTER COLUMN progress SET DEFAULT 0;
ALTER TABLE user_podcast_progress ALTER COLUMN progress SET DEFAULT 0;

-- The seed's sign-in tables. Sign-in state stays on each device (its tokens in the
-- device's keyring) and never syncs: these exist so the server's schema is the seed's,
-- and stay empty. Row-level security (forced) with no policy and no grant: no role
-- reads or writes them.
CREATE TABLE IF NOT EXISTS sessions (
    id text PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    token text NOT NULL UNIQUE,
    ip_address text,
    user_agent text,
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE TABLE IF NOT EXISTS accounts (
    id text PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    account_id text NOT NULL,
    provider_id text NOT NULL,
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
    access_token text,
    refresh_token text
);
ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE sessions FORCE ROW LEVEL SECURITY;
ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE accounts FORCE ROW LEVEL SECURITY;
REVOKE ALL ON sessions, accounts FROM PUBLIC;
