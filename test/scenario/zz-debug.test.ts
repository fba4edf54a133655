import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../helpers/world.js';
describe('dbg', () => {
  let w: World;
  beforeAll(async () => { w = await startWorld(); });
  afterAll(async () => w?.close());
  it('restart', async () => {
    const m = w.demo.admin;
    const out = await w.say(m, '/group create X');
    await w.press(m, out[0]!.id, 'Description');
    await w.restart();
    console.log(JSON.stringify((await w.data()).pending));
    const o2 = await w.say(m, 'Week one: [b]sales basics[/b]\nWeek two: practice');
    console.log(o2.length, JSON.stringify(w.portal.events.slice(-1).map(e => [e.event, e.httpStatus])));
  });
});
