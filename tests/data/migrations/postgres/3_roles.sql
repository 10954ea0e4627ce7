CREATE ROLE crm_readers NOLOGIN;
CREATE ROLE support NOLOGIN;
CREATE ROLE marketing NOLOGIN NOINHERIT;
CREATE USER reporting_app WITH LOGIN PASSWORD 'change-me' IN ROLE crm_readers;
CREATE ROLE alice LOGIN;

GRANT USAGE ON SCHEMA crm TO PUBLIC;
GRANT SELECT ON ALL TABLES IN SCHEMA crm TO crm_readers;
GRANT SELECT ON crm.customers TO PUBLIC;
GRANT SELECT (id, email, full_name), UPDATE (phone)
    ON crm.customers TO support;
GRANT support TO alice;
GRANT crm_readers TO support, marketing;
REVOKE SELECT ON crm.customers FROM PUBLIC;
GRANT SELECT ON crm.orders TO marketing WITH GRANT OPTION;
