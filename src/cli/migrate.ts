// `npm run migrate`: applies the PostgreSQL migrations (migrations/) to DATABASE_URL.
import { ConfigError, loadConfig } from '../config.js';
import { migrate } from '../store/pg/migrate.js';

try {
  const config = loadConfig();
  if (!config.database) throw new ConfigError('DATABASE_URL is not set: nothing to migrate (the file store needs no migrations)');
  const applied = await migrate({ url: config.database.url });
  console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
}
