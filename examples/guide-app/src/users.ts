import type { Conn, GuideD1Database } from './d1-types';

export interface User {
  id: number;
  email: string;
}

export interface GetOrCreate {
  user: User;
  created: boolean;
}

// getOrCreateUser as the guide writes it: SELECT, then INSERT when nothing
// was found. On a lagging replica, or when two requests race, it creates the
// same user twice; the guide's "fix" only changes the session it is given.
export async function getOrCreateUser(db: Conn, email: string): Promise<GetOrCreate> {
  const existing = await db.prepare('SELECT id, email FROM users WHERE email = ?').bind(email.toLowerCase()).first<User>();
  if (existing) {
    return { user: existing, created: false };
  }
  const inserted = await db
    .prepare('INSERT INTO users (email) VALUES (?) RETURNING id, email')
    .bind(email.toLowerCase())
    .first<User>();
  return { user: inserted!, created: true };
}

// The guide's "With Sessions API" version, spelled the way the real API
// wants: a fresh read from the primary, but still two statements, so two
// concurrent requests both find nothing and both insert.
export async function getOrCreateUserFirstPrimary(db: D1Database, email: string) {
  const session = db.withSession('first-primary');
  return { result: await getOrCreateUser(session, email), session };
}

// The guide's code exactly as written: withSession({constraint:
// 'first_unconditional'}). The runtime throws before any query.
export async function getOrCreateUserLiteral(db: D1Database, email: string) {
  const session = (db as unknown as GuideD1Database).withSession({ constraint: 'first_unconditional' });
  return { result: await getOrCreateUser(session, email), session };
}

// The correct one: the UNIQUE column decides, in one statement on the
// primary. When the row exists already, the RETURNING is empty and the id is
// read from the primary, where the conflicting row certainly is.
export async function getOrCreateUserAtomic(db: D1Database, email: string) {
  const session = db.withSession('first-primary');
  const e = email.toLowerCase();
  const inserted = await session
    .prepare('INSERT INTO users_unique (email) VALUES (?) ON CONFLICT (email) DO NOTHING RETURNING id, email')
    .bind(e)
    .first<User>();
  if (inserted) {
    return { result: { user: inserted, created: true }, session };
  }
  const existing = await session.prepare('SELECT id, email FROM users_unique WHERE email = ?').bind(e).first<User>();
  return { result: { user: existing!, created: false }, session };
}

// findUser reads through whatever session the request has.
export async function findUser(db: Conn, table: 'users' | 'users_unique', email: string): Promise<User | null> {
  return db.prepare(`SELECT id, email FROM ${table} WHERE email = ?`).bind(email.toLowerCase()).first<User>();
}
