// `npm run bench`: runs every bench/*.ts module (each exports `run()`), or the ones named on the command line.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();

const summary: Record<string, Record<string, number | string>> = {};
for (const f of files) {
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { run?: () => Promise<Record<string, number | string>> };
  if (typeof mod.run !== 'function') continue;
  console.log(`\n── ${f}`);
  summary[f] = await mod.run();
}
console.log('\n── summary (JSON)');
console.log(JSON.stringify({ node: process.version, at: new Date().toISOString(), results: summary }, null, 2));
process.exit(0);
