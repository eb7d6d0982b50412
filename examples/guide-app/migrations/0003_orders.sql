-- A user's orders: a list that only grows.
CREATE TABLE orders (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user TEXT NOT NULL,
  item TEXT NOT NULL
);
CREATE INDEX orders_user ON orders (user);
