-- CRM-142: tax id needed for invoicing
ALTER TABLE crm.customers
    ADD COLUMN ssn char(11),
    ADD COLUMN notes text;

COMMENT ON COLUMN crm.customers.ssn IS 'US social security number';

UPDATE crm.customers SET notes = '' WHERE notes IS NULL;

CREATE OR REPLACE FUNCTION crm.touch() RETURNS trigger AS $$
BEGIN
    NEW.created_at := now(); -- a semicolon inside a dollar-quoted body
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
