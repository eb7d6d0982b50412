// The migration guide's own "D1 Session API types", copied as the guide
// wrote them. They claim withSession takes an options object; the real
// binding takes a string, and throws a TypeError for an object. The
// literal-* routes use these types, so the guide's code type-checks here and
// still fails at run time, as it would in production.
export interface GuideD1Session {
  prepare(query: string): D1PreparedStatement;
  batch<T = unknown>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]>;
  getBookmark(): string;
}

export interface GuideD1SessionOptions {
  constraint?: 'first_unconditional';
}

export interface GuideD1Database {
  withSession(options?: GuideD1SessionOptions): GuideD1Session;
}

// What the guide's functions accept: "D1Database | D1Session".
export type Conn = D1Database | D1DatabaseSession | GuideD1Session;
