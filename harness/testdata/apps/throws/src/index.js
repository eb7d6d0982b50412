export default {
  async fetch() {
    throw new Error('the database is on fire');
  },
};
