import { describe, expect, it } from 'vitest';
import { defaultRules, parseWords, phraseInPosition, place, type PersonFacts, type Rule } from '../../src/domain/training/rules.js';

describe('position words', () => {
  it.each([
    ['engineer', 'Senior Engineer', true],
    ['engineer', 'engineers team lead', true],
    ['call centre', 'Call-centre operator', true],
    ['project manager', 'Project Manager (IT)', true],
    ['project manager', 'Manager of projects', false],
    ['IT', 'IT specialist', true],
    ['it', 'Editor', false],
    ['HR', 'Head of HR', true],
    ['бухгалтер', 'Главный БУХГАЛТЕР', true],
    ['программист', 'Программистка', true],
    ['driver', 'Screwdriver seller', false],
    ['', 'Driver', false],
  ])('%j in %j: %s', (phrase, position, hit) => {
    expect(phraseInPosition(phrase, position)).toBe(hit);
  });

  it('splits typed words on commas, once each', () => {
    expect(parseWords(' driver, Driver ,, call  centre;водитель ')).toEqual(['driver', 'call centre', 'водитель']);
  });
});

describe('placing people', () => {
  const rules: Rule[] = [
    { groupId: 3, field: 'position', words: ['programmer', 'support'] },
    { groupId: 2, field: 'position', words: ['engineer'] },
    { groupId: 1, field: 'department', words: ['7'] },
  ];
  const people: PersonFacts[] = [
    { id: 10, position: 'Programmer', departments: [1] },
    { id: 11, position: 'Support engineer', departments: [1] },
    { id: 12, position: 'Engineer', departments: [7] },
    { id: 13, position: 'Chef', departments: [2] },
    { id: 14, position: '', departments: [7] },
  ];
  const p = place(rules, people);

  it('puts each person into the first matching rule’s group', () => {
    expect([...p.placed]).toEqual([
      [10, 3],
      [11, 3],
      [12, 2],
      [14, 1],
    ]);
  });
  it('names who matches no rule and who matches two groups', () => {
    expect(p.none).toEqual([13]);
    expect(p.conflicts).toEqual([
      { userId: 11, groupIds: [3, 2] },
      { userId: 12, groupIds: [2, 1] },
    ]);
  });
  it('the default rules follow the seed table in English and Russian', () => {
    const d = defaultRules({ low: 1, average: 2, high: 3 });
    const staff: Array<[string, number]> = [
      ['Driver', 1],
      ['Секретарь', 1],
      ['Call center agent', 1],
      ['Graphic designer', 1],
      ['Editor', 2],
      ['Marketing specialist', 2],
      ['Инженер-конструктор', 2],
      ['Кассир', 2],
      ['Lawyer', 3],
      ['Программист', 3],
      ['Accountant', 3],
      ['Специалист техподдержки', 3],
      ['Chef', 0],
      ['HR manager', 3],
      ['Врач', 3],
    ];
    const placed = place(d, staff.map(([position], i) => ({ id: i + 1, position, departments: [] })));
    expect(staff.map(([position], i) => [position, placed.placed.get(i + 1) ?? 0])).toEqual(staff);
  });
});
