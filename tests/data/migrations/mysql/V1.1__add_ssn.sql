ALTER TABLE customers ADD COLUMN ssn CHAR(11) NULL COMMENT 'Social security number' AFTER last_name;

DELIMITER //
CREATE TRIGGER customers_bi BEFORE INSERT ON customers
FOR EACH ROW
BEGIN
  SET NEW.email = LOWER(NEW.email);
END//
DELIMITER ;
