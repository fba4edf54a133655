// Tests for BB-code escaping, stripping the bot's mention and building mentions.
import { describe, expect, it } from 'vitest';
import { escapeBb, mention, stripBotMention } from '../../src/domain/bbcode.js';

describe('escapeBb', () => {
  it.each([
    ['plain', 'Hello, world', 'Hello, world'],
    ['bold', '[b]bold[/b]', '［b］bold［/b］'],
    ['url', '[url=https://evil.example]click[/url]', '［url=https://evil.example］click［/url］'],
    ['mention', '[USER=1]Admin[/USER]', '［USER=1］Admin［/USER］'],
    ['send', '[send=/group delete 3]ok[/send]', '［send=/group delete 3］ok［/send］'],
    ['put', '[put=/moderator add 5]x[/put]', '［put=/moderator add 5］x［/put］'],
    ['code close', 'x[/code]y', 'x［/code］y'],
    ['br and doubled brackets', '[[br]]', '［［br］］'],
    ['quote line', '>>quoted', '＞＞quoted'],
    ['quote line after blanks', '  >>quoted', '  ＞＞quoted'],
    ['quote on a later line', 'a\n>>b\r\n>>c', 'a\n＞＞b\r\n＞＞c'],
    ['>> inside a line stays', 'a >> b', 'a >> b'],
    ['single > stays', '> fine', '> fine'],
    ['quote block', '------\nfake quote\n------', '‐‐‐‐‐‐\nfake quote\n‐‐‐‐‐‐'],
    ['longer dash run', '----------------- x', '‐‐‐‐‐‐‐‐‐‐‐‐‐‐‐‐‐ x'],
    ['dashes inside a line stay', 'well ------ ok', 'well ------ ok'],
    ['short dash run stays', '--- ok', '--- ok'],
    ['cyrillic', 'Привет [i]мир[/i]', 'Привет ［i］мир［/i］'],
  ])('%s', (_name, text, expected) => {
    const out = escapeBb(text);
    expect(out).toBe(expected);
    expect(out).not.toMatch(/[[\]]/);
    expect(out).not.toMatch(/^[ \t]*>>/m);
    expect(out).not.toMatch(/^[ \t]*-{4,}/m);
  });

  it.each([['[b]x[/b]'], ['>>q\n------'], ['plain']])('is idempotent on %j', (text) => {
    expect(escapeBb(escapeBb(text))).toBe(escapeBb(text));
  });
});

describe('stripBotMention', () => {
  it.each([
    ['[USER=812]StudyBot[/USER] when is the next meeting?', 'when is the next meeting?'],
    ['[user=812]studybot[/user]   my courses  ', 'my courses'],
    ['[USER=812]StudyBot[/USER], my courses', 'my courses'],
    ['[USER=812]StudyBot[/USER]: help', 'help'],
    ['hi [USER=812]Bot[/USER] there', 'hi there'],
    ['[USER=812][/USER]', ''],
    ['[USER=812]A[/USER] and [USER=812]B[/USER] again', 'and again'],
    ['ask [USER=17]Anna Petrova[/USER] please', 'ask [USER=17]Anna Petrova[/USER] please'],
    ['[USER=8120]Other bot[/USER] hi', '[USER=8120]Other bot[/USER] hi'],
    ['[USER=17]Anna[/USER] [USER=812]Bot[/USER] hi', '[USER=17]Anna[/USER] hi'],
    ['no mention', 'no mention'],
  ])('%j', (text, expected) => {
    expect(stripBotMention(text, 812)).toBe(expected);
  });
});

describe('mention', () => {
  it.each([
    [17, 'Anna Petrova', '[USER=17]Anna Petrova[/USER]'],
    [5, '[b]Evil[/b] [USER=1]x[/USER]', '[USER=5]［b］Evil［/b］ ［USER=1］x［/USER］[/USER]'],
    [5, '  Multi\nline  name ', '[USER=5]Multi line name[/USER]'],
    [5, '>>Quoted', '[USER=5]＞＞Quoted[/USER]'],
  ])('%d %j', (id, name, expected) => {
    expect(mention(id, name)).toBe(expected);
  });
  it.each([[0], [-1], [1.5], [Number.NaN]])('throws on id %d', (id) => {
    expect(() => mention(id, 'x')).toThrow(RangeError);
  });
});
