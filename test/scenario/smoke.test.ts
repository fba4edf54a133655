import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../helpers/world.js';

describe('smoke', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld();
  });
  afterAll(async () => w?.close());

  it('answers /help', async () => {
    const out = await w.say(w.demo.learners[0], '/help');
    expect(out.length).toBe(1);
    expect(out[0]!.text).toContain('Study groups bot');
  });
});
