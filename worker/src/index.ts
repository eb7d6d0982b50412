// d1check's driver Worker: serves the driver protocol
// (docs/driver-protocol.md, driverproto/) over the D1 binding, so that
// d1check's Go client drives real D1 sessions — on local workerd
// (`wrangler dev --local`) or on Cloudflare — exactly as it drives the
// emulator.
//
//   POST /query   body {"statements":[{"sql","params"}],"batch":bool,"mode":"session"|"plain"}
//                 header x-d1-bookmark: the session's constraint or bookmark
//                 (absent: 'first-unconstrained', as Cloudflare's template).
//                 -> {"results":[D1Result…],"bookmark":…} and x-d1-bookmark
//                 -> on failure {"error": <the message D1 threw>, "cause"?}
//   GET  /status  -> {"driver":"d1check","runtime":"workerd","protocol":1,"bookmark":…}
//
// A BLOB parameter travels as an array of byte values and is bound as a
// Uint8Array; D1 returns BLOB columns as arrays of byte values already.
// When D1CHECK_SECRET is set (a wrangler secret or var), every request must
// carry it in x-d1check-secret: a deployed driver is not an open SQL endpoint.

export interface Env {
	DB: D1Database;
	D1CHECK_SECRET?: string;
}

type SQLValue = null | number | string | number[];

interface Statement {
	sql: string;
	params?: SQLValue[];
}

interface QueryBody {
	statements: Statement[];
	batch?: boolean;
	mode?: "session" | "plain";
}

const PROTOCOL = 1;

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
	return new Response(JSON.stringify(body), {
		status,
		headers: { "content-type": "application/json", ...headers },
	});
}

// errorResponse answers D1's message verbatim: 400 for what D1 refused with
// certainty (D1_ERROR, D1_TYPE_ERROR, a TypeError from the binding), 503
// for anything else, whose outcome the client must treat as unknown.
function errorResponse(e: unknown): Response {
	const err = e instanceof Error ? e : new Error(String(e));
	const cause = err.cause instanceof Error ? err.cause.message : undefined;
	const certain = err.message.startsWith("D1_") || err.message.startsWith("TypeError") || err instanceof TypeError;
	const transient = /Network connection lost|reset because its code was updated|caused object to be reset|overloaded/.test(err.message);
	const message = err instanceof TypeError && !err.message.startsWith("TypeError") ? `TypeError: ${err.message}` : err.message;
	return json(certain && !transient ? 400 : 503, cause && cause !== message ? { error: message, cause } : { error: message });
}

// timingSafeEqual compares secrets without leaking their length of match.
function timingSafeEqual(a: string, b: string): boolean {
	const ea = new TextEncoder().encode(a);
	const eb = new TextEncoder().encode(b);
	let diff = ea.length ^ eb.length;
	for (let i = 0; i < Math.max(ea.length, eb.length); i++) diff |= (ea[i] ?? 0) ^ (eb[i] ?? 0);
	return diff === 0;
}

function bindable(p: SQLValue): unknown {
	return Array.isArray(p) ? new Uint8Array(p) : p;
}

function parseBody(raw: unknown): QueryBody {
	const b = raw as QueryBody;
	if (!b || !Array.isArray(b.statements) || b.statements.length === 0) {
		throw new RangeError("d1check driver: body must have a non-empty statements array");
	}
	for (const s of b.statements) {
		if (typeof s?.sql !== "string") throw new RangeError("d1check driver: every statement needs a sql string");
		if (s.params !== undefined && s.params !== null && !Array.isArray(s.params)) {
			throw new RangeError("d1check driver: params must be an array");
		}
	}
	if (b.mode !== undefined && b.mode !== "session" && b.mode !== "plain") {
		throw new RangeError(`d1check driver: mode ${JSON.stringify(b.mode)}: want "session" or "plain"`);
	}
	return b;
}

async function query(request: Request, env: Env): Promise<Response> {
	let body: QueryBody;
	try {
		body = parseBody(await request.json());
	} catch (e) {
		return json(400, { error: `d1check driver: bad request body: ${(e as Error).message}` });
	}
	const plain = body.mode === "plain";
	// withSession(undefined) is 'first-unconstrained'; any other header value
	// goes to the binding as is (it trims it and decides what it is).
	const session = plain ? null : env.DB.withSession(request.headers.get("x-d1-bookmark") ?? undefined);
	const db: D1Database | D1DatabaseSession = session ?? env.DB;
	if (!body.batch && body.statements.length !== 1) {
		return json(400, { error: "d1check driver: several statements need batch: true" });
	}
	try {
		const stmts = body.statements.map((s) => db.prepare(s.sql).bind(...(s.params ?? []).map(bindable)));
		const results = body.batch ? await db.batch(stmts) : [await stmts[0].all()];
		const bookmark = session ? session.getBookmark() : null;
		const headers: Record<string, string> = bookmark !== null ? { "x-d1-bookmark": bookmark } : {};
		return json(200, { results, bookmark }, headers);
	} catch (e) {
		return errorResponse(e);
	}
}

async function status(env: Env): Promise<Response> {
	// A query on the primary proves the binding works and gives its bookmark.
	try {
		const s = env.DB.withSession("first-primary");
		await s.prepare("SELECT 1").first();
		return json(200, { driver: "d1check", runtime: "workerd", protocol: PROTOCOL, bookmark: s.getBookmark() });
	} catch (e) {
		return errorResponse(e);
	}
}

export default {
	async fetch(request: Request, env: Env): Promise<Response> {
		if (env.D1CHECK_SECRET && !timingSafeEqual(request.headers.get("x-d1check-secret") ?? "", env.D1CHECK_SECRET)) {
			return json(401, { error: "d1check driver: wrong or missing x-d1check-secret header (the Worker has D1CHECK_SECRET set)" });
		}
		const { pathname } = new URL(request.url);
		if (request.method === "POST" && pathname === "/query") return query(request, env);
		if (request.method === "GET" && pathname === "/status") return status(env);
		return json(404, { error: `d1check driver: no route for ${request.method} ${pathname} (want POST /query or GET /status)` });
	},
} satisfies ExportedHandler<Env>;
