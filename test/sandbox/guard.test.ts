// Who may reach the sandbox page's API (issue 14.3), table-tested.
import { describe, expect, it } from 'vitest';
import { hostAllowed, originAllowed } from '../../src/sandbox/web/guard.js';

describe('hostAllowed (port 3001)', () => {
  it.each([
    ['127.0.0.1:3001', true],
    ['localhost:3001', true],
    ['LOCALHOST:3001', true],
    ['[::1]:3001', true],
    ['192.168.1.20:3001', true],
    ['127.0.0.1:3002', false],
    ['127.0.0.1', false],
    ['evil.example:3001', false],
    ['evil.example', false],
    ['localhost.evil.example:3001', false],
    ['127.0.0.1.nip.io:3001', false],
    ['', false],
    [undefined, false],
    ['a b:3001', false],
  ] as const)('%s → %s', (host, ok) => {
    expect(hostAllowed(host, 3001)).toBe(ok);
  });

  it('a name given by the operator is allowed too', () => {
    expect(hostAllowed('sandbox.lan:3001', 3001, ['sandbox.lan'])).toBe(true);
  });
});

describe('originAllowed (Host 127.0.0.1:3001)', () => {
  const host = '127.0.0.1:3001';
  it.each([
    ['own origin, POST JSON', 'http://127.0.0.1:3001', 'POST', 'application/json', true],
    ['own origin, GET', 'http://127.0.0.1:3001', 'GET', undefined, true],
    ['another site, POST JSON', 'http://evil.example', 'POST', 'application/json', false],
    ['another site, GET', 'http://evil.example', 'GET', undefined, false],
    ['another port of this machine', 'http://127.0.0.1:8080', 'POST', 'application/json', false],
    ['opaque origin (a sandboxed frame)', 'null', 'POST', 'application/json', false],
    ['no origin, GET', undefined, 'GET', undefined, true],
    ['no origin, POST JSON (a script, not a browser page)', undefined, 'POST', 'application/json; charset=utf-8', true],
    ['no origin, bodiless POST', undefined, 'POST', undefined, false],
    ['no origin, form POST', undefined, 'POST', 'application/x-www-form-urlencoded', false],
    ['no origin, text/plain POST', undefined, 'POST', 'text/plain', false],
  ] as const)('%s', (_name, origin, method, type, ok) => {
    expect(originAllowed(origin, host, method, type)).toBe(ok);
  });
});
