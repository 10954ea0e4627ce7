ALTER TABLE customers CHANGE COLUMN phone mobile VARCHAR(40) NULL COMMENT 'Mobile number';
RENAME TABLE customers TO clients;
