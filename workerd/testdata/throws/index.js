// A Worker whose module throws while loading: workerd cannot start it.
throw new Error("d1check test: this bundle throws at startup");
export default { fetch() { return new Response("unreachable"); } };
