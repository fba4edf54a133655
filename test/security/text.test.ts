// Half an emoji cannot come through a browser, but a hand-made request can carry one (JSON "\ud83d"): refused, nothing stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedModerators } from '../helpers/seed.js';
import { startWorld, type World } from '../helpers/world.js';

describe('a lone surrogate in a command', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ mode: 'webhook' });
    await seedModerators(w, [w.demo.moderators[0]]);
  });
  afterAll(async () => w?.close());

  it('is answered "half of a character" and creates no group and no workgroup', async () => {
    const mod = w.demo.moderators[0];
    const installation = w.portal.state.installations.get(w.clientId)!;
    const groups = (await w.data()).groups.length;
    const workgroups = w.portal.state.workgroups.size;
    const body = JSON.stringify({
      event: 'ONIMBOTV2COMMANDADD',
      event_handler_id: '1',
      data: {
        bot: { id: String(w.botId), code: 'study_groups_bot' },
        command: { id: '1', command: '/group', params: 'create Broken \ud83d name', context: 'textarea' },
        message: { id: '777001', chatId: '1', authorId: String(mod), text: '/group create Broken \ud83d name' },
        chat: { id: '1', dialogId: String(mod), type: 'private', messageType: 'P' },
        user: { id: String(mod), name: 'Mark Moderator', extranet: '0' },
        language: 'en',
      },
      ts: String(Math.floor(w.emu.clock.now() / 1000)),
      auth: w.portal.issueAuthBlock(installation, mod, false),
    });
    expect(body).toContain('\\ud83d');
    const res = await fetch(`${w.botUrl}/bitrix/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(200);
    await w.settle();
    expect(w.portal.lastBotMessage(mod, String(w.botId))?.text).toContain('half of a character');
    expect((await w.data()).groups).toHaveLength(groups);
    expect(w.portal.state.workgroups.size).toBe(workgroups);
  });
});
