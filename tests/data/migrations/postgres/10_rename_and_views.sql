SET search_path TO crm, public;

ALTER TABLE customers RENAME COLUMN phone TO mobile_phone;
ALTER TABLE orders RENAME TO purchases;

CREATE VIEW customer_contacts AS
    SELECT c.id, c.full_name, c.email AS contact_email, c.ssn
    FROM customers c;
GRANT SELECT ON customer_contacts TO marketing;

REVOKE SELECT (full_name) ON customers FROM support;
DO $$ BEGIN RAISE NOTICE 'done; really'; END $$;
