PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE IF NOT EXISTS "people" ("id" integer not null primary key autoincrement, "name" varchar not null, "meta" text check (json_valid("meta")), "photo" blob);
INSERT INTO people VALUES(1,'x','{}',X'00');
CREATE UNIQUE INDEX IF NOT EXISTS "people_name_unique" on "people" ("name");
CREATE TABLE t2 AS SELECT id, name AS n FROM people;
CREATE TABLE t3 (a TEXT, b INT) STRICT;
INSERT OR IGNORE INTO t3 VALUES ('a', 1);
CREATE TEMP TABLE scratch (x);
DELETE FROM sqlite_sequence;
CREATE TRIGGER IF NOT EXISTS t_up AFTER UPDATE OF name ON people FOR EACH ROW WHEN NEW.name <> OLD.name BEGIN
  INSERT INTO t3 VALUES (NEW.name, CASE WHEN NEW.id > 1 THEN 1 ELSE 0 END);
  UPDATE people SET meta = '{}' WHERE id = NEW.id;
END;
COMMIT;
VACUUM;
