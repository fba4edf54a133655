// Every user-visible string exists in English and in Russian, with the same placeholders.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pickLanguage, tFor } from '../src/i18n/index.js';

const dir = join(import.meta.dirname, '..', 'src', 'i18n', 'locales');
function flat(obj: unknown, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  if (obj && typeof obj === 'object') {
    for (const [k, v] of Object.entries(obj)) Object.assign(out, flat(v, prefix ? `${prefix}.${k}` : k));
  } else out[prefix] = String(obj);
  return out;
}
const load = (lang: string) =>
  Object.fromEntries(
    readdirSync(join(dir, lang)).map((f) => [f, flat(JSON.parse(readFileSync(join(dir, lang, f), 'utf8')))]),
  ) as Record<string, Record<string, string>>;

describe('locales', () => {
  const en = load('en');
  const ru = load('ru');
  it('have the same namespaces', () => {
    expect(Object.keys(ru).sort()).toEqual(Object.keys(en).sort());
  });
  for (const ns of Object.keys(en)) {
    it(`${ns}: same keys and placeholders in both languages`, () => {
      expect(Object.keys(ru[ns] ?? {}).sort()).toEqual(Object.keys(en[ns]!).sort());
      for (const [k, v] of Object.entries(en[ns]!)) {
        const vars = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();
        expect(vars(ru[ns]![k]!), `${ns}:${k}`).toEqual(vars(v));
        expect(ru[ns]![k]!.length, `${ns}:${k} is empty in ru`).toBeGreaterThan(0);
      }
    });
  }
  it('picks the event language, then the portal default, then English', () => {
    expect(pickLanguage('ru', 'en')).toBe('ru');
    expect(pickLanguage('de', 'ru')).toBe('ru');
    expect(pickLanguage(undefined, 'xx')).toBe('en');
    expect(tFor('ru')('help:title')).toBe('Бот учебных групп');
  });
});
