ALTER TABLE customers RENAME COLUMN phone TO mobile;
ALTER TABLE notes RENAME TO customer_notes;
ALTER TABLE customers DROP COLUMN balance;
CREATE VIEW v_customers AS SELECT * FROM customers;
