CREATE ROLE IF NOT EXISTS 'crm_read', 'crm_support';
CREATE USER 'app'@'%' IDENTIFIED BY 'app-password';
CREATE USER 'bi'@'10.0.%' IDENTIFIED WITH mysql_native_password BY 'bi-password';

GRANT SELECT ON crm.* TO 'crm_read';
GRANT SELECT (`id`, `email`, `first_name`), UPDATE (`phone`) ON crm.customers TO 'crm_support';
GRANT 'crm_read' TO 'bi'@'10.0.%';
GRANT 'crm_support' TO 'app'@'%';
SET DEFAULT ROLE 'crm_support' TO 'app'@'%';
GRANT SELECT, INSERT ON crm.customers TO 'app'@'%';
REVOKE INSERT ON crm.customers FROM 'app'@'%';
