// The PHP encoders the emulator relies on: http_build_query and json_encode of associative arrays.
import { describe, expect, it } from 'vitest';
import { httpBuildQuery, parseBracketQuery } from '../../src/sandbox/emulator/index.js';
import { phpAssoc } from '../../src/sandbox/emulator/php.js';

describe('httpBuildQuery', () => {
  it('encodes like PHP: bracket keys, + for spaces, 1/0 booleans, no null or empty containers', () => {
    const body = httpBuildQuery({
      event: 'ONIMBOTV2MESSAGEADD',
      data: { message: { text: 'a b&c=d', isSystem: false, forward: null, params: {} }, user: { departments: [5, 9], bot: true } },
      ts: 1763888100,
    });
    expect(body).toBe(
      'event=ONIMBOTV2MESSAGEADD' +
        '&data%5Bmessage%5D%5Btext%5D=a+b%26c%3Dd' +
        '&data%5Bmessage%5D%5BisSystem%5D=0' +
        '&data%5Buser%5D%5Bdepartments%5D%5B0%5D=5' +
        '&data%5Buser%5D%5Bdepartments%5D%5B1%5D=9' +
        '&data%5Buser%5D%5Bbot%5D=1' +
        '&ts=1763888100',
    );
    expect(httpBuildQuery({ s: "it's (~*)!" })).toBe('s=it%27s+%28%7E%2A%29%21');
  });

  it('round-trips through the bracket parser with every scalar a string', () => {
    const parsed = parseBracketQuery(httpBuildQuery({ data: { chat: { id: 305, isNew: false, name: 'Physics 101' } } }));
    expect(parsed).toEqual({ data: { chat: { id: '305', isNew: '0', name: 'Physics 101' } } });
  });
});

describe('phpAssoc', () => {
  it('gives [] for empty maps, a list for 0..n-1 keys, an object otherwise', () => {
    expect(phpAssoc([])).toEqual([]);
    expect(phpAssoc([['0', 'a'], ['1', 'b']])).toEqual(['a', 'b']);
    expect(phpAssoc([['0', 'a'], ['2', 'b']])).toEqual({ '0': 'a', '2': 'b' });
    expect(phpAssoc([['me', 1]])).toEqual({ me: 1 });
  });
});
