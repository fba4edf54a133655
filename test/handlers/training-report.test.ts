// The group report's text: ten named in "needs attention", the rest counted; English and Russian.
import { describe, expect, it } from 'vitest';
import { portalLanguage } from '../../src/handlers/announce.js';
import { ATTENTION_LIMIT, groupReportText } from '../../src/handlers/training/report.js';
import { groupProgressChart } from '../../src/handlers/training/chart.js';
import { emptyPortal, type Installation, type PortalData } from '../../src/store/types.js';
import { course, group, member } from '../domain/fixtures.js';

const program = {
  title: { en: 'P' },
  topics: [{ id: 't', title: { en: 'Topic', ru: 'Тема' }, lessons: [1, 2, 3].map((n) => ({ id: `l${n}`, title: { en: `L${n}` }, url: `https://x.example/${n}`, minutes: 30, level: 'beginner' as const })) }],
};
const ids = Array.from({ length: 12 }, (_, i) => 100 + i);
const data: PortalData = {
  ...emptyPortal({ memberId: 'm' } as Installation),
  courses: [course({ id: 1, program })],
  groups: [group({ id: 1, name: 'Low [i]risk', ownerId: 1, members: ids.map((id) => member(id)), training: { courseId: 1, minutesPerWeek: 30, passPercent: 80, level: 'beginner', run: { started: '2026-01-05', pauses: [], stopped: null } } })],
  training: { learners: {}, rules: [] },
};

describe('groupReportText', () => {
  it(`names ${ATTENTION_LIMIT} who need attention and counts the rest`, () => {
    const { t, lang } = portalLanguage('en');
    const text = groupReportText(t, lang, data, data.groups[0]!, '2026-02-01');
    expect(text).toMatch(/^Progress in \[b\]Low .+risk\[\/b\] \(#1\): 12 learners\./);
    expect(text).not.toContain('[i]');   // the group's name is escaped
    expect(text).toMatch(/Behind: 12/);
    expect(text).toMatch(/Average score: no test finished yet/);
    expect(text.match(/^• \[USER=/gm)).toHaveLength(ATTENTION_LIMIT);
    expect(text).toMatch(/^and 2 more$/m);
  });

  it('in Russian', () => {
    const { t, lang } = portalLanguage('ru');
    const text = groupReportText(t, lang, data, data.groups[0]!, '2026-02-01');
    expect(text).toMatch(/Требуют внимания \(12\):/);
    expect(text).toMatch(/отстаёт: уроков — 3, дней — \d+/);
    expect(groupProgressChart(t, lang, data, data.groups[0]!, '2026-02-01')?.topics).toEqual([{ label: 'Тема', done: 0, expected: 100 }]);
  });
});
