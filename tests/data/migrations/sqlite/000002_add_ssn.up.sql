ALTER TABLE customers ADD COLUMN ssn VARCHAR(11);
ALTER TABLE customers ADD COLUMN dob DATE;

CREATE TRIGGER customers_email_lower AFTER INSERT ON customers
BEGIN
    UPDATE customers SET email = lower(email) WHERE id = NEW.id;
END;
