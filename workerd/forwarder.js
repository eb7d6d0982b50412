import { WorkerEntrypoint } from "cloudflare:workers";
// d1check's forwarder for the d1_binding_jsrpc compatibility flag. With it
// the D1 binding calls query({queries, bookmark}) on its fetcher over RPC
// instead of sending HTTP; workerd's external services speak only HTTP, so
// this Worker, bound as the fetcher, sends the binding protocol's request
// to d1check's emulator (its "upstream" service, which injects the region)
// and answers in the RPC shape: {results: [{data: {kind: "raw", columns,
// rows}, meta}], bookmark}. D1's errors are thrown with D1's message.
export default class D1Forwarder extends WorkerEntrypoint {
	async query(req) {
		const { queries, bookmark } = req;
		const headers = { "content-type": "application/json" };
		if (bookmark) headers["x-cf-d1-session-commit-token"] = bookmark;
		const body = queries.length === 1 ? { sql: queries[0].sql, params: queries[0].params ?? [] } : queries.map((q) => ({ sql: q.sql, params: q.params ?? [] }));
		const resp = await this.env.upstream.fetch("http://d1/query?resultsFormat=ROWS_AND_COLUMNS", { method: "POST", headers, body: JSON.stringify(body) });
		const answer = await resp.json();
		const all = Array.isArray(answer) ? answer : [answer];
		const failed = all.find((r) => !r.success);
		if (failed) throw new Error(failed.error);
		const out = { results: all.map((r) => ({ data: { kind: "raw", columns: r.results.columns, rows: r.results.rows }, meta: r.meta })) };
		const token = resp.headers.get("x-cf-d1-session-commit-token");
		if (token !== null) out.bookmark = token;
		return out;
	}
}
