export default {
  async fetch() {
    return new Response('<!doctype html><h1>Please log in</h1>', { headers: { 'content-type': 'text/html' } });
  },
};
