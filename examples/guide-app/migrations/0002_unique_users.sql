-- The correct getOrCreateUser needs the database to refuse a second row per
-- email: one statement (INSERT ... ON CONFLICT ... RETURNING) then decides.
CREATE TABLE users_unique (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL DEFAULT (datetime('now'))
);
