-- Customers and their orders.
CREATE TABLE crm.customers (
    id          bigserial PRIMARY KEY,
    email       varchar(255) NOT NULL UNIQUE,
    full_name   text NOT NULL,
    phone       varchar(40),
    birth_date  date,
    created_at  timestamp with time zone NOT NULL DEFAULT now()
);

CREATE TABLE crm.orders (
    id           bigserial PRIMARY KEY,
    customer_id  bigint NOT NULL REFERENCES crm.customers (id),
    total        numeric(12, 2) NOT NULL,
    card_last4   char(4)
);

COMMENT ON TABLE crm.customers IS 'People who bought something';
COMMENT ON COLUMN crm.customers.full_name IS 'Legal name, as on the ID document';

CREATE INDEX customers_email_idx ON crm.customers (email);
