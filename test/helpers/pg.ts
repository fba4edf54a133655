// PostgreSQL for the tests: TEST_DATABASE_URL names a server; each caller gets a schema of its own, migrated.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../../src/store/pg/migrate.js';
import { PgPortalStore, quoteIdent } from '../../src/store/pg/store.js';

/** The server the PostgreSQL tests use, or null (a developer without one). In CI its absence is an error. */
export function testDatabaseUrl(): string | null {
  const url = process.env.TEST_DATABASE_URL ?? null;
  if (!url && process.env.CI) throw new Error('CI must run the PostgreSQL tests: TEST_DATABASE_URL is not set (see .ci/run)');
  return url;
}

/** Why PostgreSQL tests were skipped, said in the skipped suite's name. */
export const PG_SKIP = 'PostgreSQL tests skipped: set TEST_DATABASE_URL=postgres://user:pass@127.0.0.1/db to run them';

export interface TestSchema {
  url: string;
  schema: string;
  store(): PgPortalStore;
  drop(): Promise<void>;
}

/** A new schema with the migrations applied: test files (and worlds) never see each other's rows. */
export async function freshSchema(url: string): Promise<TestSchema> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  await migrate({ url, schema });
  const stores: PgPortalStore[] = [];
  return {
    url,
    schema,
    store() {
      const s = new PgPortalStore({ url, schema, poolSize: 4 });
      stores.push(s);
      return s;
    },
    async drop() {
      for (const s of stores.splice(0)) await s.close().catch(() => undefined);
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}
