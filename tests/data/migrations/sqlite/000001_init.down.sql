DROP TABLE notes;
DROP TABLE customers;
