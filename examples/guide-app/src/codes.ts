import type { Conn, GuideD1Database } from './d1-types';

export async function issueMagicCode(db: Conn, email: string, code: string, ttlMinutes: number): Promise<void> {
  await db
    .prepare("INSERT INTO magic_codes (email, code, expires_at) VALUES (?, ?, datetime('now', ?))")
    .bind(email.toLowerCase(), code.toUpperCase(), `+${ttlMinutes} minutes`)
    .run();
}

// verifyMagicCode as the guide writes it: SELECT an unused code, then mark it
// used by id. Two submits of one code can both pass the SELECT (double use);
// on a lagging replica a fresh code is not found (false reject).
// (The guide quotes "now" with double quotes, an identifier in SQL; single
// quotes here, so that the bug shown is the race, not the quoting.)
export async function verifyMagicCode(db: Conn, email: string, code: string): Promise<boolean> {
  const result = await db
    .prepare(
      "SELECT id FROM magic_codes WHERE email = ? AND code = ? AND expires_at > datetime('now') AND used_at IS NULL",
    )
    .bind(email.toLowerCase(), code.toUpperCase())
    .first<{ id: number }>();
  if (!result) {
    return false;
  }
  await db.prepare("UPDATE magic_codes SET used_at = datetime('now') WHERE id = ?").bind(result.id).run();
  return true;
}

export async function verifyMagicCodeFirstPrimary(db: D1Database, email: string, code: string) {
  const session = db.withSession('first-primary');
  return { ok: await verifyMagicCode(session, email, code), session };
}

// The guide's code exactly as written; throws before any query.
export async function verifyMagicCodeLiteral(db: D1Database, email: string, code: string) {
  const session = (db as unknown as GuideD1Database).withSession({ constraint: 'first_unconditional' });
  return { ok: await verifyMagicCode(session, email, code), session };
}

// The correct one: one guarded UPDATE decides, on the primary. It succeeds
// for exactly one submit of a code.
export async function verifyMagicCodeAtomic(db: D1Database, email: string, code: string) {
  const session = db.withSession('first-primary');
  const row = await session
    .prepare(
      "UPDATE magic_codes SET used_at = datetime('now') WHERE email = ? AND code = ? AND used_at IS NULL AND expires_at > datetime('now') RETURNING id",
    )
    .bind(email.toLowerCase(), code.toUpperCase())
    .first<{ id: number }>();
  return { ok: row !== null, session };
}
