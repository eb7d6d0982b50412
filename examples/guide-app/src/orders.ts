import type { Conn } from './d1-types';

export interface Order {
  item: string;
}

// placeOrder inserts an order and answers with the user's orders, through
// the session it is given: the same session sees its own insert.
export async function placeOrder(db: Conn, user: string, item: string): Promise<Order[]> {
  await addOrder(db, user, item);
  return listOrders(db, user);
}

export async function addOrder(db: Conn, user: string, item: string): Promise<void> {
  await db.prepare('INSERT INTO orders (user, item) VALUES (?, ?)').bind(user, item).run();
}

export async function listOrders(db: Conn, user: string): Promise<Order[]> {
  const { results } = await db.prepare('SELECT item FROM orders WHERE user = ? ORDER BY id').bind(user).all<Order>();
  return results;
}
