CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, updated_at TEXT);
CREATE TABLE audit (id INTEGER PRIMARY KEY, user_id INTEGER, action TEXT);
CREATE TABLE events (id INTEGER PRIMARY KEY, begin_at TEXT, "end" TEXT);
CREATE TRIGGER users_ai AFTER INSERT ON users
BEGIN
  INSERT INTO audit (user_id, action) VALUES (NEW.id, 'insert');
END;
CREATE TRIGGER users_au AFTER UPDATE ON users
BEGIN
  UPDATE users SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;
  INSERT INTO audit (user_id, action) VALUES (NEW.id, CASE WHEN NEW.name IS NULL THEN 'clear' ELSE 'update' END);
END;
CREATE TRIGGER users_ad AFTER DELETE ON users BEGIN DELETE FROM audit WHERE user_id = OLD.id; END;
CREATE TRIGGER validate BEFORE INSERT ON users
WHEN NEW.name IS NOT NULL
BEGIN
  SELECT CASE
    WHEN length(NEW.name) = 0 THEN RAISE(ABORT, 'empty name; rejected')
  END;
END;
CREATE TRIGGER nested AFTER INSERT ON events
BEGIN
  INSERT INTO audit (user_id, action) VALUES (NEW.id, 'outer');
  BEGIN
    INSERT INTO audit (user_id, action) VALUES (NEW.id, 'inner');
  END;
END;
create trigger lower_case after insert on events begin
  update events set "end" = begin_at where id = new.id;
end;
CREATE INDEX users_name ON users (name);
CREATE INDEX events_begin ON events (begin_at);
INSERT INTO users (name) VALUES ('a');
INSERT INTO users (name) VALUES ('b');
INSERT INTO users (name) VALUES ('BEGIN');
INSERT INTO users (name) VALUES ('END;');
UPDATE users SET name = 'c' WHERE id = 1;
UPDATE users SET name = CASE id WHEN 2 THEN 'd' ELSE name END;
DELETE FROM users WHERE id = 3;
INSERT INTO events (begin_at, "end") VALUES ('now', 'later');
SELECT count(*) FROM audit;
SELECT "end" FROM events;
DROP INDEX events_begin;
DROP TRIGGER users_ad;
DROP TRIGGER nested;
CREATE VIEW v AS SELECT id, name FROM users;
DROP VIEW v;
