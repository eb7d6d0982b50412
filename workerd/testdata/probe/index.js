// A probe Worker for d1check's workerd tests: it runs, through the real D1
// binding, the operations a test posts and answers what the binding
// returned or threw, so the test can hold the Go mirror (package d1) to it.
//
// POST /run {"session"?: any, "plain"?: bool, "parallel"?: bool,
//            "ops": [{"op": "all"|"first"|"run"|"raw"|"exec"|"batch",
//                     "sql"?: string, "params"?: [...], "stmts"?: [{sql, params}]}]}
// -> {"before": bookmark, "results": [{"ok": value} | {"error": message, "name": …}], "after": bookmark}
// A parameter {"$bytes": [..]} is bound as a Uint8Array, {"$object": {..}} as that object.
function param(p) {
	if (p && typeof p === "object" && !Array.isArray(p)) {
		if ("$bytes" in p) return new Uint8Array(p.$bytes);
		if ("$object" in p) return p.$object;
		if ("$undefined" in p) return undefined;
	}
	return p;
}

function stmt(db, s) {
	return db.prepare(s.sql).bind(...(s.params ?? []).map(param));
}

async function one(db, o) {
	switch (o.op) {
		case "all": return await stmt(db, o).all();
		case "first": return await stmt(db, o).first(o.column);
		case "run": return await stmt(db, o).run();
		case "raw": return await stmt(db, o).raw({ columnNames: !!o.columnNames });
		case "exec": return await db.exec(o.sql);
		case "batch": return await db.batch(o.stmts.map((s) => stmt(db, s)));
	}
	throw new Error("probe: unknown op " + o.op);
}

async function settle(p) {
	try {
		return { ok: await p };
	} catch (e) {
		return { error: String(e && e.message), name: e && e.name };
	}
}

export default {
	async fetch(request, env) {
		const url = new URL(request.url);
		if (request.method !== "POST" || url.pathname !== "/run") {
			return new Response("probe: POST /run", { status: 404 });
		}
		const body = await request.json();
		let db = env.DB;
		if (!body.plain) {
			try {
				db = "session" in body ? env.DB.withSession(body.session) : env.DB.withSession();
			} catch (e) {
				return Response.json({ sessionError: String(e && e.message), name: e && e.name });
			}
		}
		const bm = () => (typeof db.getBookmark === "function" ? db.getBookmark() : "no-getBookmark");
		const before = bm();
		let results;
		if (body.parallel) {
			results = await Promise.all(body.ops.map((o) => settle(one(db, o))));
		} else {
			results = [];
			for (const o of body.ops) results.push(await settle(one(db, o)));
		}
		return Response.json({ before, results, after: bm() });
	},
};
