// Answers GET / with the greeting var and the notes, read through a
// session from the bookmark the x-d1-bookmark header carries.
export default {
  async fetch(req, env) {
    const session = env.MAIN_DB.withSession(req.headers.get('x-d1-bookmark') ?? 'first-unconstrained');
    const { results } = await session.prepare('SELECT body FROM notes ORDER BY id').all();
    return Response.json({ greeting: env.GREETING, notes: results.map((r) => r.body) }, {
      headers: { 'x-d1-bookmark': session.getBookmark() ?? '' },
    });
  },
};
