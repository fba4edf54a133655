// Private, crash-safe files: 0600 in 0700 folders, written to a temp file that is fsync'd before the rename and the folder after it.
import { chmod, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Portal files hold OAuth tokens: readable by this user alone. */
export const PRIVATE_FILE = 0o600;
export const PRIVATE_DIR = 0o700;

/**
 * fsync makes what was written survive a power cut (a killed process loses nothing either way: the
 * kernel has the bytes). On by default; `DATA_FSYNC=off` skips it where a power cut cannot matter
 * (the test suite sets it, for speed: it kills processes, never machines).
 */
export const FSYNC = process.env.DATA_FSYNC !== 'off';

/** Makes a rename or a new file in `dir` durable (a no-op where folders cannot be opened, as on Windows). */
export async function fsyncDir(dir: string): Promise<void> {
  if (!FSYNC) return;
  let fh;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL') throw e;
  } finally {
    await fh?.close();
  }
}

/** The temp file a write of `path` goes through. */
export function tempOf(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp`);
}

/** Replaces `path` with `bytes` so that a crash leaves the old file or the new one, complete and private. */
export async function writePrivateAtomic(path: string, bytes: Buffer | string): Promise<void> {
  const temp = tempOf(path);
  const fh = await open(temp, 'w', PRIVATE_FILE);
  try {
    await fh.writeFile(bytes);
    if (FSYNC) await fh.datasync();
  } finally {
    await fh.close();
  }
  await rename(temp, path);
  await fsyncDir(dirname(path));
}

/** A folder made private, with every file in it 0600 (files written by an older version were 0644). */
export async function tightenDir(dir: string): Promise<void> {
  if (((await stat(dir)).mode & 0o777) !== PRIVATE_DIR) await chmod(dir, PRIVATE_DIR);
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    const s = await stat(path).catch(() => null);
    if (s?.isFile() && (s.mode & 0o777) !== PRIVATE_FILE) await chmod(path, PRIVATE_FILE);
  }
}

/** Temp files a crash left behind (`.<name>.tmp`, `<name>.tmp`): their rename never happened, so they hold nothing. */
export async function removeLeftovers(dir: string): Promise<string[]> {
  const gone: string[] = [];
  for (const name of await readdir(dir)) {
    if (!name.endsWith('.tmp')) continue;
    await rm(join(dir, name), { force: true });
    gone.push(name);
  }
  return gone;
}
