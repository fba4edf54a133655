// `npm run store:import`: copies DATA_DIR's portal files into DATABASE_URL (migrating it first); safe to run again.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../config.js';
import { importDataDir } from '../store/pg/import.js';
import { migrate } from '../store/pg/migrate.js';
import { PgPortalStore } from '../store/pg/store.js';

try {
  const config = loadConfig();
  if (!config.database) throw new ConfigError('DATABASE_URL is not set: name the database to import into');
  if (!existsSync(join(config.dataDir, 'portals'))) throw new ConfigError(`${config.dataDir} holds no portals folder: set DATA_DIR to the bot's data`);
  await migrate({ url: config.database.url });
  const store = new PgPortalStore(config.database);
  try {
    const c = await importDataDir(config.dataDir, store);
    console.log(
      `Imported from ${config.dataDir}: ${c.portals} portals (${c.written} written, ${c.unchanged} already there unchanged); ` +
        `${c.groups} groups, ${c.members} memberships, ${c.courses} courses, ${c.polls} polls, ${c.completions} completions, ${c.users} known users`,
    );
  } finally {
    await store.close();
  }
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
}
