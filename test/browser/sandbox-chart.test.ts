// The sandbox page shows the progress chart that /training chart uploads: an image inline in the bot's message, its bytes a real PNG.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPageWorld, SKIP_BROWSER, SKIP_REASON, until, type PageWorld } from './page-world.js';

if (SKIP_BROWSER) console.warn(SKIP_REASON);

describe.skipIf(SKIP_BROWSER)('the sandbox page: the progress chart', () => {
  let w: PageWorld;
  beforeAll(async () => {
    w = await openPageWorld();
  }, 30_000);
  afterAll(async () => w?.close());

  it('shows the chart image in the chat after /training chart', async () => {
    await w.say('/training rules apply');
    await w.say('/training start Low risk');
    const answer = await w.say('/training chart Low risk');
    const image = answer.getByTestId('file-image').locator('img');
    await until(async () => (await image.evaluate((i) => (i as HTMLImageElement).naturalWidth)) === 900, 'the chart image to load');
    expect(await image.evaluate((i) => (i as HTMLImageElement).naturalHeight)).toBe(500);
    expect(await image.getAttribute('alt')).toMatch(/^progress-1-.*\.png$/);
    const png = await w.page.evaluate(async (src) => {
      const bytes = new Uint8Array(await (await fetch(src)).arrayBuffer());
      return { size: bytes.byteLength, head: [...bytes.subarray(0, 4)] };
    }, (await image.getAttribute('src')) ?? '');
    expect(png.head).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(png.size).toBeGreaterThan(5_000);
    await answer.scrollIntoViewIfNeeded();
    await mkdir(join(import.meta.dirname, '..', '..', 'docs', 'img'), { recursive: true });
    await w.page.screenshot({ path: join(import.meta.dirname, '..', '..', 'docs', 'img', 'chart.png') });

    expect(w.pageErrors).toEqual([]);
  });
});
