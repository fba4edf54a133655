// A handler that fails is answered in the caller's language, and the answer says honestly whether anything was already done.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PortalError } from '../../src/bot/portal.js';
import { registry } from '../../src/handlers/index.js';
import { startWorld, type World } from '../helpers/world.js';

describe('answers when a handler fails', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({
      registry: {
        ...registry,
        commands: {
          ...registry.commands,
          // Fails before changing anything.
          help: async () => {
            throw new PortalError('sonet_group.get', 'ERROR_CORE', 400, 'refused');
          },
          // Fails after its first change was saved.
          mycourses: async (ctx) => {
            await ctx.update((d) => void d.moderators.push(4242));
            throw new Error('boom');
          },
        },
      },
    });
  });
  afterAll(async () => w?.close());

  it('says nothing was changed when nothing was', async () => {
    const out = await w.say(w.demo.learners[0], '/help');
    expect(out).toHaveLength(1);
    expect(out[0]!.text).toBe('Bitrix24 refused the request (ERROR_CORE). Nothing was changed; please try again in a minute.');
  });

  it('says part of it may be done when a change was already saved, and that change stays', async () => {
    const out = await w.say(w.demo.learners[0], '/mycourses');
    expect(out).toHaveLength(1);
    expect(out[0]!.text).toMatch(/^Something went wrong on our side\. Part of it may already be done: check/);
    expect(out[0]!.text).not.toContain('Nothing was changed');
    expect((await w.data()).moderators).toContain(4242);
  });

  it('answers in Russian on a Russian portal', async () => {
    const ru = await startWorld({
      language: 'ru',
      registry: { ...registry, commands: { ...registry.commands, help: async () => Promise.reject(new Error('boom')) } },
    });
    try {
      const out = await ru.say(ru.demo.learners[0], '/help');
      expect(out[0]!.text).toBe('Что-то пошло не так на нашей стороне. Ничего не изменилось; попробуйте ещё раз через минуту.');
    } finally {
      await ru.close();
    }
  });
});
