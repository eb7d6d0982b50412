-- notes; a comment with a semicolon; and 'quotes'
CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL DEFAULT 'a;b');
CREATE TRIGGER notes_touch AFTER INSERT ON notes BEGIN
  UPDATE notes SET body = body || '!' WHERE id = NEW.id;
END;
/* a block comment; */
INSERT INTO notes (body) VALUES ('first; with a semicolon');
