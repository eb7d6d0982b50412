import type { Conn } from './d1-types';

// A login writes the session row; every later request reads it back (the
// guide's phase 1: hooks.server.ts). Whether the next request sees the row
// depends on the bookmark the browser sends, and that depends on the login
// response handing it over.
export async function createSession(db: Conn, id: string, email: string): Promise<void> {
  await db
    .prepare(
      "INSERT INTO sessions (id, user_email, expires_at) VALUES (?, ?, datetime('now', '+1 day')) ON CONFLICT (id) DO UPDATE SET user_email = excluded.user_email, expires_at = excluded.expires_at",
    )
    .bind(id, email.toLowerCase())
    .run();
}

export async function getSession(db: Conn, id: string): Promise<string | null> {
  const row = await db
    .prepare("SELECT user_email FROM sessions WHERE id = ? AND expires_at > datetime('now')")
    .bind(id)
    .first<{ user_email: string }>();
  return row?.user_email ?? null;
}
