// Unit tests for the announcement and poll messages: escaping, buttons, counts, languages.
import { describe, expect, it } from 'vitest';
import { parseButtonPayload } from '../../src/bot/render.js';
import {
  chatAnnouncement,
  courseFeedPost,
  discussionText,
  doneCount,
  openingFeedPost,
  reminderMessage,
  windowText,
} from '../../src/handlers/announce.js';
import { pollReply } from '../../src/handlers/poll.js';
import { tFor } from '../../src/i18n/index.js';
import { course, group, member, poll } from '../domain/fixtures.js';

const en = tFor('en');
const ru = tFor('ru');
const evil = course({ id: 5, title: 'Deals [b]fast[/b] [url=https://evil.example]x[/url]', url: 'https://lms.example/5', prompts: ['[USER=1]Boss[/USER] >>quote'] });
const g = group({ id: 3, name: 'Sales [i]A[/i]', members: [member(10), member(11), member(12, 'invited')], accessFrom: '2026-11-24', accessTo: '2026-11-30' });

describe('announcements', () => {
  it('the feed post has the title, the link and one prompt, with user text escaped', () => {
    const post = courseFeedPost(en, g, evil);
    expect(post.message).toContain('[url=https://lms.example/5]https://lms.example/5[/url]');
    expect(post.message).toContain('Deals ［b］fast［/b］ ［url=https://evil.example］x［/url］');
    expect(post.message).toContain('Sales ［i］A［/i］');
    expect(post.message).toContain('［USER=1］Boss［/USER］');
    expect(post.message).not.toMatch(/\[b\]fast|\[USER=1\]|\[i\]A/);
    expect(post.title).not.toContain('[b]');
  });

  it('without prompts the default prompt is used', () => {
    expect(courseFeedPost(en, g, course({ id: 6 })).message).toContain(en('announce:default_prompt'));
    expect(openingFeedPost(ru, 'ru', g, [course({ id: 6 })]).message).toContain('24.11.2026 – 30.11.2026');
  });

  it('the chat message has open, discuss and done buttons with short payloads, and counts full members only', () => {
    const reply = chatAnnouncement(en, g, evil, ['3:5:10', '3:5:11', '3:6:10', '4:5:10']);
    const [open, discuss, done] = reply.buttons![0]!;
    expect(open).toMatchObject({ link: 'https://lms.example/5' });
    expect(discuss && 'payload' in discuss ? parseButtonPayload(discuss.payload) : null).toEqual({ action: 'c.disc', args: ['3', '5'] });
    expect(done && 'payload' in done ? parseButtonPayload(done.payload) : null).toEqual({ action: 'c.done', args: ['3', '5'] });
    expect(reply.text).toContain('Done: 2 of 2');
    expect(chatAnnouncement(en, g, evil, []).text).not.toContain('Done:');
    expect(doneCount(['3:5:10', '3:55:10', '33:5:10'], 3, 5)).toBe(1);
  });

  it('"discuss" numbers several prompts', () => {
    const text = discussionText(en, course({ id: 1, prompts: ['One?', 'Two [b]?[/b]'] }), 'Anna');
    expect(text).toContain('1. One?\n2. Two ［b］?［/b］');
  });

  it('the reminder lists the unfinished courses and the closing day', () => {
    const reply = reminderMessage(ru, 'ru', g, [evil]);
    expect(reply.text).toContain('30.11.2026');
    expect(reply.text).toContain('Deals ［b］fast［/b］');
    expect(reply.buttons!.at(-1)![0]).toMatchObject({ command: 'mycourses' });
  });

  it.each<[string | null, string | null, string]>([
    ['2026-11-24', '2026-11-30', '24 Nov 2026 – 30 Nov 2026'],
    ['2026-11-24', null, 'from 24 Nov 2026'],
    [null, '2026-11-30', 'until 30 Nov 2026'],
    [null, null, 'no end date'],
  ])('window %s..%s reads "%s"', (accessFrom, accessTo, expected) => {
    expect(windowText(en, 'en', { accessFrom, accessTo })).toBe(expected);
  });
});

describe('the poll message', () => {
  it('shows counts and shares, escapes the question and options, and has one button per option', () => {
    const reply = pollReply(en, poll({ question: 'Lunch [b]now[/b]?', votes: { '1': 0, '2': 0, '3': 2, '4': 7 } }));
    expect(reply.text).toContain('[b]Lunch ［b］now［/b］?[/b]');
    expect(reply.text).toContain('Pizza — 2 (67%)');
    expect(reply.text).toContain('Salad — 1 (33%)');
    expect(reply.text).toContain('3 votes.');
    expect(reply.buttons!.map((row) => row.map((b) => b.text))).toEqual([['Pizza'], ['Soup'], ['Salad'], ['Close poll']]);
    expect(reply.buttons!.at(-1)![0]).toMatchObject({ command: 'poll', payload: 'v1:p.c:1' });
    expect(reply.text).toContain('Poll #1. Its author or a moderator can close it');
    expect(pollReply(ru, poll({ votes: { '1': 0, '2': 1 } })).text).toContain('2 голоса');
  });

  it('a closed poll has the final tally and its number, and no buttons', () => {
    const closed = pollReply(en, poll({ closed: true, votes: { '1': 0, '2': 0, '3': 1 } }));
    expect(closed.buttons).toEqual([]);
    expect(closed.text).toContain('Pizza — 2 (67%)');
    expect(closed.text).toContain('Poll #1 is closed. Final result: 3 votes.');
    expect(closed.text).not.toContain('/poll close');
    expect(pollReply(ru, poll({ closed: true, votes: { '1': 0, '2': 1, '3': 1, '4': 1, '5': 1 } })).text).toContain('Опрос #1 закрыт. Итог: 5 голосов.');
  });
});
