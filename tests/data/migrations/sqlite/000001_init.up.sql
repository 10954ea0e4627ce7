CREATE TABLE IF NOT EXISTS customers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL COLLATE NOCASE,
    name TEXT NOT NULL,
    phone,
    balance NUMERIC(10,2),
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE notes (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers(id), body TEXT) WITHOUT ROWID;
CREATE INDEX idx_notes_customer ON notes(customer_id);
