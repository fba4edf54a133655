// Names as people read them (issue 14.4): one form for what looks the same, refused halves, whole characters in labels.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textProblem } from '../../src/domain/text.js';
import { seedCourse, seedGroup, seedModerators } from '../helpers/seed.js';
import { startWorld, type World } from '../helpers/world.js';
import { last } from './group-helpers.js';

describe('Unicode in names', () => {
  let w: World;
  let mod: number;
  beforeAll(async () => {
    w = await startWorld();
    mod = w.demo.moderators[0];
    await seedModerators(w, [mod]);
  });
  afterAll(async () => w?.close());

  it('"Café" typed composed and then decomposed is one group; the second is refused as taken, and both spellings find it', async () => {
    await w.say(mod, '/group create Caf\u00e9 club');
    const second = last(await w.say(mod, '/group create Cafe\u0301 club'));
    expect(second.text).toContain('already a group called');
    const named = (await w.data()).groups.filter((g) => g.name.normalize('NFC') === 'Café club');
    expect(named).toHaveLength(1);
    expect(named[0]!.name).toBe('Caf\u00e9 club');
    expect(last(await w.say(mod, '/group info "CAFE\u0301 CLUB"')).text).toContain('[b]Café club[/b]');
  });

  it('a name with a NUL is refused with a clear answer, and nothing is created', async () => {
    const before = (await w.data()).groups.length;
    const workgroups = w.portal.state.workgroups.size;
    const nul = last(await w.say(mod, '/group create Null\u0000name'));
    expect(nul.text).toContain('control character');
    expect((await w.data()).groups).toHaveLength(before);
    expect(w.portal.state.workgroups.size).toBe(workgroups);
  });

  it('a button label with a long emoji name is cut between whole characters', async () => {
    const learner = w.demo.learners[0];
    const name = `${'a'.repeat(96)}👩‍💻`; // 96 letters and one character of 3 code points: 99 in all
    const course = await seedCourse(w, { title: 'Typing' });
    await seedGroup(w, { name, memberIds: [learner], courseIds: [course.id] });
    const reply = last(await w.say(learner, 'my courses'));
    const labels = (reply.keyboard ?? []).map((b) => b.text);
    const label = labels.find((t) => t.startsWith('📂 aaaa'));
    expect(label, labels.join(' | ')).toBeDefined();
    expect(textProblem(label!)).toBeNull();
    expect([...label!].length).toBeLessThanOrEqual(100);
    expect(label!.endsWith('…')).toBe(true);
    expect(label).not.toContain('👩');
  });
});
