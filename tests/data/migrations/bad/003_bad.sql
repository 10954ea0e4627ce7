-- seed a test customer
INSERT INTO customers (id, email, card_number)
VALUES (
    1,
    'jane.doe@example.com',
    '4111 1111 1111 1111'
;
