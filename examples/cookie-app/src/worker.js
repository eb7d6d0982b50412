// cookie-app: accounts, team invites and profiles, in plain JavaScript.
// The D1 bookmark travels in a cookie (d1_bookmark): every request opens its
// session from it and sets it to the session's newest bookmark.
const COOKIE = 'd1_bookmark';

function bookmarkFrom(request) {
  const m = (request.headers.get('cookie') ?? '').match(/(?:^|;\s*)d1_bookmark=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : 'first-unconstrained';
}

function reply(session, status, body) {
  const headers = { 'content-type': 'application/json' };
  const b = session.getBookmark();
  if (b) headers['set-cookie'] = `${COOKIE}=${encodeURIComponent(b)}; Path=/; HttpOnly; SameSite=Lax`;
  return new Response(JSON.stringify(body), { status, headers });
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const db = env.APP_DB;
    const parts = url.pathname.split('/').filter(Boolean);

    // POST /accounts {handle}: one account per handle, decided by UNIQUE.
    if (request.method === 'POST' && url.pathname === '/accounts') {
      const { handle } = await request.json();
      const s = db.withSession('first-primary');
      const made = await s.prepare('INSERT INTO accounts (handle) VALUES (?) ON CONFLICT (handle) DO NOTHING RETURNING id').bind(handle).first();
      const row = made ?? (await s.prepare('SELECT id FROM accounts WHERE handle = ?').bind(handle).first());
      return reply(s, made ? 201 : 200, { account: { id: String(row.id), handle }, new: Boolean(made) });
    }
    // PUT /invites/:token {team}: create an invite.
    if (request.method === 'PUT' && parts[0] === 'invites' && parts.length === 2) {
      const { team } = await request.json();
      const s = db.withSession(bookmarkFrom(request));
      await s.prepare('INSERT INTO invites (token, team) VALUES (?, ?)').bind(parts[1], team).run();
      return reply(s, 201, { created: true });
    }
    // POST /invites/:token/redeem {handle}: an invite is good once.
    if (request.method === 'POST' && parts[0] === 'invites' && parts[2] === 'redeem') {
      const { handle } = await request.json();
      const s = db.withSession('first-primary');
      const row = await s
        .prepare('UPDATE invites SET redeemed_by = ? WHERE token = ? AND redeemed_by IS NULL RETURNING team')
        .bind(handle, parts[1])
        .first();
      return row ? reply(s, 200, { team: row.team }) : reply(s, 409, { error: 'invite already used or unknown' });
    }
    // PUT /profiles/:handle {displayName}, GET /profiles/:handle
    if (parts[0] === 'profiles' && parts.length === 2) {
      const s = db.withSession(bookmarkFrom(request));
      if (request.method === 'PUT') {
        const { displayName } = await request.json();
        await s
          .prepare('INSERT INTO profiles (handle, display_name) VALUES (?, ?) ON CONFLICT (handle) DO UPDATE SET display_name = excluded.display_name')
          .bind(parts[1], displayName)
          .run();
        return reply(s, 200, { saved: true });
      }
      const row = await s.prepare('SELECT display_name FROM profiles WHERE handle = ?').bind(parts[1]).first();
      return row ? reply(s, 200, { profile: { displayName: row.display_name } }) : reply(s, 404, { error: 'no profile' });
    }
    return new Response('not found', { status: 404 });
  },
};
