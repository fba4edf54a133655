// Schema migrations (migrations/ at the repo root) run by node-pg-migrate: at start and by `npm run migrate`.
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations', import.meta.url));

export interface MigrateOptions {
  url: string;
  /** Made if missing; default public. */
  schema?: string;
  log?: (msg: string) => void;
}

/** Applies every migration not yet applied (an advisory lock makes instances starting together take turns); returns their names. */
export async function migrate(o: MigrateOptions): Promise<string[]> {
  const done = await runner({
    databaseUrl: o.url,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: 'pgmigrations',
    ...(o.schema ? { schema: o.schema, createSchema: true } : {}),
    advisoryLockMode: 'wait',
    log: o.log ?? (() => undefined),
  });
  return done.map((m) => m.name);
}
