--
-- PostgreSQL database dump
--
SET statement_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
CREATE SCHEMA IF NOT EXISTS crm AUTHORIZATION postgres;
CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA public;
CREATE TYPE crm.status AS ENUM ('lead', 'customer', 'churned');
ALTER TYPE crm.status ADD VALUE IF NOT EXISTS 'vip';
CREATE SEQUENCE crm.customer_seq START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;
CREATE TABLE crm.people (
    id uuid DEFAULT public.uuid_generate_v4() NOT NULL,
    status crm.status DEFAULT 'lead'::crm.status,
    tags text[] DEFAULT '{}'::text[],
    profile jsonb,
    ip inet,
    period tstzrange,
    amount money,
    flags bit varying(8),
    doc tsvector GENERATED ALWAYS AS (to_tsvector('english', coalesce(status::text, ''))) STORED,
    CONSTRAINT people_pkey PRIMARY KEY (id),
    CONSTRAINT chk CHECK (amount > 0::money),
    EXCLUDE USING gist (period WITH &&)
) PARTITION BY HASH (id);
CREATE TABLE crm.people_p0 PARTITION OF crm.people FOR VALUES WITH (MODULUS 2, REMAINDER 0);
ALTER SEQUENCE crm.customer_seq OWNED BY crm.people.id;
ALTER TABLE ONLY crm.people ADD CONSTRAINT fk FOREIGN KEY (id) REFERENCES crm.people(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE crm.people ALTER COLUMN id SET DEFAULT nextval('crm.customer_seq'::regclass);
ALTER TABLE crm.people ALTER COLUMN status SET STATISTICS 100, ALTER COLUMN tags DROP DEFAULT;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS people_profile_idx ON crm.people USING gin (profile jsonb_path_ops) WHERE status <> 'churned';
CREATE MATERIALIZED VIEW crm.people_stats AS SELECT status, count(*) AS n FROM crm.people GROUP BY status WITH NO DATA;
REFRESH MATERIALIZED VIEW crm.people_stats;
CREATE TRIGGER trg BEFORE UPDATE ON crm.people FOR EACH ROW EXECUTE FUNCTION crm.touch();
GRANT USAGE, SELECT ON SEQUENCE crm.customer_seq TO app;
GRANT EXECUTE ON FUNCTION crm.touch() TO app;
GRANT CONNECT ON DATABASE crm TO app;
ALTER DEFAULT PRIVILEGES IN SCHEMA crm GRANT SELECT ON TABLES TO analytics;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
COMMENT ON SCHEMA crm IS 'CRM';
COMMENT ON FUNCTION crm.touch() IS 'x';
COMMENT ON MATERIALIZED VIEW crm.people_stats IS 'stats';
COMMENT ON COLUMN crm.people.profile IS 'free-form profile, may hold health data';
ALTER TABLE crm.people DETACH PARTITION crm.people_p0;
ALTER TABLE IF EXISTS crm.people RENAME CONSTRAINT chk TO chk2;
ALTER INDEX people_profile_idx RENAME TO ppi;
INSERT INTO crm.people (id) VALUES ('00000000-0000-0000-0000-000000000000') ON CONFLICT (id) DO NOTHING;
WITH x AS (SELECT 1) UPDATE crm.people SET status = 'vip' FROM x WHERE false;
DELETE FROM crm.people WHERE id IN (SELECT id FROM crm.people LIMIT 1);
BEGIN;
COMMIT;
ANALYZE crm.people;
VACUUM crm.people;
SELECT setval('crm.customer_seq', 42, true);
CREATE OR REPLACE PROCEDURE crm.p() LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;
CREATE DOMAIN crm.email AS text CHECK (VALUE ~ '@');
CREATE POLICY p1 ON crm.people AS RESTRICTIVE FOR ALL TO PUBLIC USING (true) WITH CHECK (true);
ALTER POLICY p1 ON crm.people TO app, analytics;
DROP INDEX IF EXISTS ppi;
DROP TYPE IF EXISTS crm.old CASCADE;
