var __defProp = Object.defineProperty;
var __name = (target, value) => __defProp(target, "name", { value, configurable: true });

// src/index.ts
var PROTOCOL = 1;
function json(status2, body, headers = {}) {
  return new Response(JSON.stringify(body), {
    status: status2,
    headers: { "content-type": "application/json", ...headers }
  });
}
__name(json, "json");
function errorResponse(e) {
  const err = e instanceof Error ? e : new Error(String(e));
  const cause = err.cause instanceof Error ? err.cause.message : void 0;
  const certain = err.message.startsWith("D1_") || err.message.startsWith("TypeError") || err instanceof TypeError;
  const transient = /Network connection lost|reset because its code was updated|caused object to be reset|overloaded/.test(err.message);
  const message = err instanceof TypeError && !err.message.startsWith("TypeError") ? `TypeError: ${err.message}` : err.message;
  return json(certain && !transient ? 400 : 503, cause && cause !== message ? { error: message, cause } : { error: message });
}
__name(errorResponse, "errorResponse");
function timingSafeEqual(a, b) {
  const ea = new TextEncoder().encode(a);
  const eb = new TextEncoder().encode(b);
  let diff = ea.length ^ eb.length;
  for (let i = 0; i < Math.max(ea.length, eb.length); i++) diff |= (ea[i] ?? 0) ^ (eb[i] ?? 0);
  return diff === 0;
}
__name(timingSafeEqual, "timingSafeEqual");
function bindable(p) {
  return Array.isArray(p) ? new Uint8Array(p) : p;
}
__name(bindable, "bindable");
function parseBody(raw) {
  const b = raw;
  if (!b || !Array.isArray(b.statements) || b.statements.length === 0) {
    throw new RangeError("d1check driver: body must have a non-empty statements array");
  }
  for (const s of b.statements) {
    if (typeof s?.sql !== "string") throw new RangeError("d1check driver: every statement needs a sql string");
    if (s.params !== void 0 && s.params !== null && !Array.isArray(s.params)) {
      throw new RangeError("d1check driver: params must be an array");
    }
  }
  if (b.mode !== void 0 && b.mode !== "session" && b.mode !== "plain") {
    throw new RangeError(`d1check driver: mode ${JSON.stringify(b.mode)}: want "session" or "plain"`);
  }
  return b;
}
__name(parseBody, "parseBody");
async function query(request, env) {
  let body;
  try {
    body = parseBody(await request.json());
  } catch (e) {
    return json(400, { error: `d1check driver: bad request body: ${e.message}` });
  }
  const plain = body.mode === "plain";
  const session = plain ? null : env.DB.withSession(request.headers.get("x-d1-bookmark") ?? void 0);
  const db = session ?? env.DB;
  if (!body.batch && body.statements.length !== 1) {
    return json(400, { error: "d1check driver: several statements need batch: true" });
  }
  try {
    const stmts = body.statements.map((s) => db.prepare(s.sql).bind(...(s.params ?? []).map(bindable)));
    const results = body.batch ? await db.batch(stmts) : [await stmts[0].all()];
    const bookmark = session ? session.getBookmark() : null;
    const headers = bookmark !== null ? { "x-d1-bookmark": bookmark } : {};
    return json(200, { results, bookmark }, headers);
  } catch (e) {
    return errorResponse(e);
  }
}
__name(query, "query");
async function status(env) {
  try {
    const s = env.DB.withSession("first-primary");
    await s.prepare("SELECT 1").first();
    return json(200, { driver: "d1check", runtime: "workerd", protocol: PROTOCOL, bookmark: s.getBookmark() });
  } catch (e) {
    return errorResponse(e);
  }
}
__name(status, "status");
var index_default = {
  async fetch(request, env) {
    if (env.D1CHECK_SECRET && !timingSafeEqual(request.headers.get("x-d1check-secret") ?? "", env.D1CHECK_SECRET)) {
      return json(401, { error: "d1check driver: wrong or missing x-d1check-secret header (the Worker has D1CHECK_SECRET set)" });
    }
    const { pathname } = new URL(request.url);
    if (request.method === "POST" && pathname === "/query") return query(request, env);
    if (request.method === "GET" && pathname === "/status") return status(env);
    return json(404, { error: `d1check driver: no route for ${request.method} ${pathname} (want POST /query or GET /status)` });
  }
};
export {
  index_default as default
};
//# sourceMappingURL=index.js.map
