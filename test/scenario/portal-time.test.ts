// Access windows follow the portal's calendar day: the bot learns the portal's UTC offset from message dates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offsetOf } from '../../src/bot/events.js';
import { addDays, todayAtOffset } from '../../src/domain/dates.js';
import { seedCourse, seedGroup } from '../helpers/seed.js';
import { startWorld, type World } from '../helpers/world.js';

describe('offsetOf (message dates)', () => {
  it.each([
    ['2026-11-20T10:15:00+03:00', 180],
    ['2026-11-20T10:15:00-05:30', -330],
    ['2026-11-20T10:15:00+0300', 180],
    ['2026-11-20T10:15:00.123+10:00', 600],
    ['2026-11-20T10:15:00Z', 0],
  ])('%s → %i minutes', (date, minutes) => {
    expect(offsetOf(date)).toEqual({ utcOffset: minutes });
  });
  it.each(['', '2026-11-20', 'yesterday', '2026-11-20T10:15:00+23:00', '2026-11-20T10:15:00'])('%j → nothing', (date) => {
    expect(offsetOf(date)).toEqual({});
  });
});

describe('todayAtOffset', () => {
  it.each([
    ['2026-12-31T21:00:00Z', 180, '2027-01-01'],
    ['2026-12-31T20:59:59Z', 180, '2026-12-31'],
    ['2027-01-01T04:00:00Z', -300, '2026-12-31'],
    ['2026-06-15T12:00:00Z', 0, '2026-06-15'],
  ])('%s at %i → %s', (iso, offset, day) => {
    expect(todayAtOffset(new Date(iso), offset)).toBe(day);
  });
});

describe('a Moscow portal at 22:30 UTC (01:30 the next day in Moscow)', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld();
    // Late in the UTC evening: the portal (UTC+3) is already on the next calendar day.
    const now = w.emu.clock.now();
    const target = new Date(now);
    target.setUTCHours(22, 30, 0, 0);
    if (target.getTime() <= now) target.setUTCDate(target.getUTCDate() + 1);
    w.emu.clock.advance(target.getTime() - now);
    // As a bot that has not yet seen a message from this portal.
    await w.rt.store.update(w.memberId, (d) => void delete d.installation.utcOffset);
  });
  afterAll(async () => w?.close());

  it('opens a window that starts on the portal\'s today, which is tomorrow in UTC, and remembers the offset', async () => {
    expect(w.portal.state.identity.utcOffsetMinutes).toBe(180);
    const portalToday = todayAtOffset(new Date(w.emu.clock.now()), 180);
    expect(portalToday).toBe(addDays(todayAtOffset(new Date(w.emu.clock.now()), 0), 1));
    const learner = w.demo.learners[0];
    const course = await seedCourse(w, { title: 'Night shift safety' });
    await seedGroup(w, { name: 'Night shift', workgroupId: w.demo.moderatorGroup, memberIds: [learner], accessFrom: portalToday, courseIds: [course.id] });
    const out = await w.say(learner, 'my courses');
    expect(out[0]!.text).toContain('Night shift safety');
    expect((await w.data()).installation.utcOffset).toBe(180);
  });
});
