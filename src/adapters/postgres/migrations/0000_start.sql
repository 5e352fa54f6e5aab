-- Up Migration
-- The library's schema exists (node-pg-migrate creates it); this first migration says what it is,
-- for whoever looks at the database without citemed.
DO $$ BEGIN EXECUTE format('COMMENT ON SCHEMA %I IS %L', current_schema(), 'a citemed library'); END $$;

-- Down Migration
