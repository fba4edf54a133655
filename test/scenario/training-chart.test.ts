// /training chart <group>: the group's progress chart arrives as an image file in the chat; refusals upload nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadBotFile } from '../../src/bot/files.js';
import { pngSize } from '../helpers/png.js';
import { startWorld, type World } from '../helpers/world.js';
import { last } from './group-helpers.js';

const DAY = 86_400_000;

describe('/training chart', () => {
  let w: World;
  let admin: number;
  beforeAll(async () => {
    w = await startWorld({ trainingDefaults: true });
    admin = w.demo.admin;
    await w.say(admin, '/training rules apply');
    await w.say(admin, '/training start Low risk');
    w.emu.clock.advance(15 * DAY);
  });
  afterAll(async () => w?.close());

  const filesIn = () => [...w.portal.state.files.values()].filter((f) => f.authorId === w.botId);

  it('uploads a PNG of the chart into the chat with a caption; File.download gives back a picture over 5 KB', async () => {
    const out = await w.say(admin, '/training chart Low risk');
    const message = last(out);
    expect(message.text).toMatch(/Progress of \[b\]Low risk\[\/b\] \(#1\)/);
    expect(message.files).toHaveLength(1);
    const file = message.files[0]!;
    expect(file).toMatchObject({ type: 'image', extension: 'png', image: { width: 900, height: 500 } });
    expect(file.name).toMatch(/^progress-1-\d{4}-\d{2}-\d{2}\.png$/);
    const data = await w.data();
    const got = await downloadBotFile(await w.rt.gateway.app(w.memberId), w.botId, file.id, data.installation.clientEndpoint, 10_000_000);
    expect(got.ok).toBe(true);
    if (!got.ok) return;
    expect(got.name).toBe(file.name);
    expect(pngSize(got.bytes)).toEqual({ width: 900, height: 500 });
    expect(got.bytes.byteLength).toBeGreaterThan(5_000);
  });

  it('a group chosen by number works too; each request is a new file', async () => {
    const before = filesIn().length;
    expect(last(await w.say(admin, '/training chart #1')).files).toHaveLength(1);
    expect(filesIn()).toHaveLength(before + 1);
  });

  it('refusals upload nothing: not a moderator, an unknown group, a group with no program', async () => {
    const before = filesIn().length;
    expect(last(await w.say(w.demo.learners[0], '/training chart Low risk')).text).toMatch(/Only training moderators/);
    expect(last(await w.say(admin, '/training chart Nowhere')).text).toMatch(/cannot find the group "Nowhere"/);
    await w.say(admin, '/group create Empty');
    expect(last(await w.say(admin, '/training chart Empty')).text).toMatch(/has no program/);
    expect(filesIn()).toHaveLength(before);
  });
});
