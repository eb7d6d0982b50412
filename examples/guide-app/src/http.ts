// Bookmarks cross requests the way Cloudflare's D1 sessions template carries
// them: the client sends the newest bookmark it has seen in the
// x-d1-bookmark request header, the Worker opens its session from it, and
// answers with the session's bookmark in the same header.
export const BOOKMARK_HEADER = 'x-d1-bookmark';

export interface Env {
  DB: D1Database;
  CODE_TTL_MINUTES: string;
}

// requestSession is the template's withSession(bookmark ?? 'first-unconstrained').
export function requestSession(req: Request, db: D1Database): D1DatabaseSession {
  return db.withSession(req.headers.get(BOOKMARK_HEADER) ?? 'first-unconstrained');
}

// json answers with body; when a session is given, its bookmark goes back to
// the client.
export function json(body: unknown, status = 200, session?: { getBookmark(): string | null }): Response {
  const headers = new Headers({ 'content-type': 'application/json' });
  const bookmark = session?.getBookmark();
  if (bookmark) {
    headers.set(BOOKMARK_HEADER, bookmark);
  }
  return new Response(JSON.stringify(body), { status, headers });
}

export async function body(req: Request): Promise<Record<string, unknown>> {
  const b = await req.json().catch(() => null);
  if (b === null || typeof b !== 'object') {
    throw new BadRequest('the body must be a JSON object');
  }
  return b as Record<string, unknown>;
}

export function field(b: Record<string, unknown>, name: string): string {
  const v = b[name];
  if (typeof v !== 'string' || v === '') {
    throw new BadRequest(`"${name}" must be a non-empty string`);
  }
  return v;
}

export class BadRequest extends Error {}
