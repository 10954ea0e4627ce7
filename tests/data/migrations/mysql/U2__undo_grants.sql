-- Flyway undo migration: never part of the forward schema
DROP ROLE 'crm_read';
DROP TABLE customers;
