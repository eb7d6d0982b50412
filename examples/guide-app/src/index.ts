// guide-app: the migration guide's D1 patterns as a small Worker, each on its
// own route, so that d1check can show which ones survive read replication.
//
//   POST /guide/users          getOrCreateUser, withSession() per request (guide, phase 1-2)
//   POST /first-primary/users  the guide's "fix": withSession('first-primary'), read then write
//   POST /literal/users        the guide's literal withSession({constraint: 'first_unconditional'})
//   POST /atomic/users         correct: UNIQUE + INSERT ... ON CONFLICT ... RETURNING
//   GET  /users?email=         look a user up (request session)
//   POST /codes                issue a magic code
//   POST /guide/verify         verifyMagicCode, withSession() per request
//   POST /first-primary/verify the guide's "fix" for it
//   POST /literal/verify       the guide's literal constraint object
//   POST /atomic/verify        correct: one guarded UPDATE ... RETURNING
//   POST /login                writes the session row, and forgets to send the bookmark back
//   POST /login-fixed          the same, answering with the bookmark
//   GET  /me?session=          reads the session row (request session)
//   POST /orders               adds an order and answers with the user's orders (request session)
//   POST /orders/new           adds an order, answering {ok: true} (request session)
//   GET  /orders?user=         lists them (request session)
//   GET  /orders-page?user=    lists them the guide's phase-2 way, locals.dbSession ?? env.DB.withSession(),
//                              where nothing ever set locals.dbSession: the bookmark the browser sent is ignored
//
// Bookmarks travel in the x-d1-bookmark header (see http.ts).
import { verifyMagicCode, verifyMagicCodeAtomic, verifyMagicCodeFirstPrimary, verifyMagicCodeLiteral, issueMagicCode } from './codes';
import { BadRequest, body, Env, field, json, requestSession } from './http';
import { addOrder, listOrders, placeOrder } from './orders';
import { createSession, getSession } from './sessions';
import { findUser, getOrCreateUser, getOrCreateUserAtomic, getOrCreateUserFirstPrimary, getOrCreateUserLiteral } from './users';

type Handler = (req: Request, env: Env, url: URL) => Promise<Response>;

const routes: Record<string, Handler> = {
  'POST /guide/users': async (req, env) => {
    const session = requestSession(req, env.DB);
    return json(await getOrCreateUser(session, field(await body(req), 'email')), 200, session);
  },
  'POST /first-primary/users': async (req, env) => {
    const { result, session } = await getOrCreateUserFirstPrimary(env.DB, field(await body(req), 'email'));
    return json(result, 200, session);
  },
  'POST /literal/users': async (req, env) => {
    const { result, session } = await getOrCreateUserLiteral(env.DB, field(await body(req), 'email'));
    return json(result, 200, session);
  },
  'POST /atomic/users': async (req, env) => {
    const { result, session } = await getOrCreateUserAtomic(env.DB, field(await body(req), 'email'));
    return json(result, 200, session);
  },
  'GET /users': async (req, env, url) => {
    const session = requestSession(req, env.DB);
    const table = url.searchParams.get('table') === 'unique' ? 'users_unique' : 'users';
    return json({ user: await findUser(session, table, url.searchParams.get('email') ?? '') }, 200, session);
  },
  'POST /codes': async (req, env) => {
    const b = await body(req);
    const session = requestSession(req, env.DB);
    await issueMagicCode(session, field(b, 'email'), field(b, 'code'), Number(env.CODE_TTL_MINUTES));
    return json({ ok: true }, 201, session);
  },
  'POST /guide/verify': async (req, env) => {
    const b = await body(req);
    const session = requestSession(req, env.DB);
    const ok = await verifyMagicCode(session, field(b, 'email'), field(b, 'code'));
    return json({ ok }, ok ? 200 : 401, session);
  },
  'POST /first-primary/verify': async (req, env) => {
    const b = await body(req);
    const { ok, session } = await verifyMagicCodeFirstPrimary(env.DB, field(b, 'email'), field(b, 'code'));
    return json({ ok }, ok ? 200 : 401, session);
  },
  'POST /literal/verify': async (req, env) => {
    const b = await body(req);
    const { ok, session } = await verifyMagicCodeLiteral(env.DB, field(b, 'email'), field(b, 'code'));
    return json({ ok }, ok ? 200 : 401, session);
  },
  'POST /atomic/verify': async (req, env) => {
    const b = await body(req);
    const { ok, session } = await verifyMagicCodeAtomic(env.DB, field(b, 'email'), field(b, 'code'));
    return json({ ok }, ok ? 200 : 401, session);
  },
  'POST /login': async (req, env) => {
    const b = await body(req);
    const session = requestSession(req, env.DB);
    await createSession(session, field(b, 'session'), field(b, 'email'));
    // The bug: no session passed, so the response carries no bookmark and
    // the browser's next request reads with the one it had before login.
    return json({ ok: true });
  },
  'POST /login-fixed': async (req, env) => {
    const b = await body(req);
    const session = requestSession(req, env.DB);
    await createSession(session, field(b, 'session'), field(b, 'email'));
    return json({ ok: true }, 200, session);
  },
  'GET /me': async (req, env, url) => {
    const session = requestSession(req, env.DB);
    return json({ user: await getSession(session, url.searchParams.get('session') ?? '') }, 200, session);
  },
  'POST /orders': async (req, env) => {
    const b = await body(req);
    const session = requestSession(req, env.DB);
    return json({ orders: await placeOrder(session, field(b, 'user'), field(b, 'item')) }, 200, session);
  },
  'POST /orders/new': async (req, env) => {
    const b = await body(req);
    const session = requestSession(req, env.DB);
    await addOrder(session, field(b, 'user'), field(b, 'item'));
    return json({ ok: true }, 201, session);
  },
  'GET /orders': async (req, env, url) => {
    const session = requestSession(req, env.DB);
    return json({ orders: await listOrders(session, url.searchParams.get('user') ?? '') }, 200, session);
  },
  'GET /orders-page': async (req, env, url) => {
    const locals: { dbSession?: D1DatabaseSession } = {}; // a hook was meant to set it
    const session = locals.dbSession ?? env.DB.withSession();
    return json({ orders: await listOrders(session, url.searchParams.get('user') ?? '') }, 200, session);
  },
};

export default {
  async fetch(req: Request, env: Env): Promise<Response> {
    const url = new URL(req.url);
    const handler = routes[`${req.method} ${url.pathname}`];
    if (!handler) {
      return json({ error: `no route ${req.method} ${url.pathname}` }, 404);
    }
    try {
      return await handler(req, env, url);
    } catch (e) {
      if (e instanceof BadRequest) {
        return json({ error: e.message }, 400);
      }
      throw e; // a 500, as an uncaught error is on Cloudflare
    }
  },
} satisfies ExportedHandler<Env>;
