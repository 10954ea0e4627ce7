CREATE OR REPLACE VIEW client_names AS
  SELECT id, CONCAT(first_name, ' ', last_name) AS full_name, email FROM clients;
