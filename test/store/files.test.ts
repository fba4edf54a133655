// Portal files (they hold OAuth tokens) are private and crash-safe (issue 11.3).
import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FilePortalStore, fileNameFor } from '../../src/store/file.js';
import { emptyPortal, type Installation } from '../../src/store/types.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sgb-files-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const installation = (memberId: string): Installation =>
  ({ memberId, domain: 'x.bitrix24.com', applicationToken: 't', accessToken: 'a', refreshToken: 'r', status: 'active' }) as unknown as Installation;

describe('FilePortalStore files', () => {
  it('creates portal files 0600 in a 0700 folder, and every write keeps them so', async () => {
    const store = new FilePortalStore(dir);
    await store.put(emptyPortal(installation('m1')));
    await store.update('m1', (d) => void d.moderators.push(5));
    const folder = join(dir, 'portals');
    expect((await stat(folder)).mode & 0o777).toBe(0o700);
    expect((await stat(join(folder, fileNameFor('m1')))).mode & 0o777).toBe(0o600);
    expect(await readdir(folder)).toEqual([fileNameFor('m1')]);
  });

  it('at start tightens what an older version left readable and removes the temp files of a crash', async () => {
    const folder = join(dir, 'portals');
    await mkdir(folder, { recursive: true, mode: 0o755 });
    await chmod(folder, 0o755);
    const first = new FilePortalStore(dir);
    await first.put(emptyPortal(installation('m1')));
    await chmod(join(folder, fileNameFor('m1')), 0o644);
    await chmod(folder, 0o755);
    await writeFile(join(folder, `.${fileNameFor('m1')}.tmp`), '{"half":', { mode: 0o644 });
    const store = new FilePortalStore(dir);
    expect(await store.list()).toEqual(['m1']);
    expect((await stat(folder)).mode & 0o777).toBe(0o700);
    expect((await stat(join(folder, fileNameFor('m1')))).mode & 0o777).toBe(0o600);
    expect(await readdir(folder)).toEqual([fileNameFor('m1')]);
  });
});
