ALTER TABLE customers ADD COLUMN card_number varchar(19);
