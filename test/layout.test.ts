// The house's layers: src/bot is the Bitrix24 protocol and imports nothing above it; src/domain is pure rules.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', 'src');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]!);
}

/** Each relative import of a file under `layer`, as the top folder of src/ it lands in. */
function reachedLayers(layer: string): Array<{ file: string; target: string }> {
  return filesUnder(join(root, layer)).flatMap((file) =>
    importsOf(file)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => ({ file: relative(root, file), target: relative(root, join(file, '..', spec)).split(/[\\/]/)[0]! })),
  );
}

describe('layers', () => {
  it('src/bot imports only itself, domain, store and i18n', () => {
    const bad = reachedLayers('bot').filter((r) => !['bot', 'domain', 'store', 'i18n'].includes(r.target));
    expect(bad).toEqual([]);
  });

  it('src/domain imports only itself and no Node or network module', () => {
    const domain = join(root, 'domain');
    const files = filesUnder(domain);
    // Pure libraries only: zod, and csv-parse's synchronous parser (strings in, records out).
    const pure = (spec: string) => spec === 'zod' || spec.startsWith('zod/') || spec === 'csv-parse/sync';
    const bad = files.flatMap((file) =>
      importsOf(file)
        .filter((spec) => (spec.startsWith('.') ? !resolve(dirname(file), spec).startsWith(domain) : !pure(spec)))
        .map((spec) => `${relative(root, file)} → ${spec}`),
    );
    expect(files.length).toBeGreaterThan(5);
    expect(bad).toEqual([]);
  });
});
