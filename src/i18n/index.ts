// i18next set up once; every request gets a fixed `t` for its language, chosen in `pickLanguage`.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next, { type TFunction } from 'i18next';

export const LANGUAGES = ['en', 'ru'] as const;
export type Lang = (typeof LANGUAGES)[number];

const here = dirname(fileURLToPath(import.meta.url));

/** One JSON file per namespace and language: locales/en/group.json holds the `group:` keys. */
function loadResources(): Record<Lang, Record<string, Record<string, unknown>>> {
  const out = {} as Record<Lang, Record<string, Record<string, unknown>>>;
  for (const lang of LANGUAGES) {
    out[lang] = {};
    const dir = join(here, 'locales', lang);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      out[lang][file.slice(0, -5)] = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
    }
  }
  return out;
}

const resources = loadResources();
export const NAMESPACES = Object.keys(resources.en);

const instance = i18next.createInstance();
void instance.init({
  resources,
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: [...LANGUAGES],
  ns: NAMESPACES,
  defaultNS: 'common',
  // Our strings are BB-code, not HTML; user text is escaped for BB-code by the caller (domain/bbcode.ts).
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});

export type T = TFunction;

export function tFor(lang: Lang): TFunction {
  return instance.getFixedT(lang);
}

/** The language a code names when we speak it (`ru-RU` → `ru`), else null. */
export function supportedLanguage(code: string | null | undefined): Lang | null {
  const two = (code ?? '').slice(0, 2).toLowerCase();
  return (LANGUAGES as readonly string[]).includes(two) ? (two as Lang) : null;
}

/** The first candidate we speak (the event's language is the portal's), else English. */
export function pickLanguage(...candidates: Array<string | null | undefined>): Lang {
  for (const c of candidates) {
    const code = (c ?? '').slice(0, 2).toLowerCase();
    if ((LANGUAGES as readonly string[]).includes(code)) return code as Lang;
  }
  return 'en';
}

/** All keys of a namespace in a language, for the locale completeness test. */
export function keysOf(lang: Lang): string[] {
  const flat: string[] = [];
  const walk = (prefix: string, v: unknown) => {
    if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(prefix ? `${prefix}.${k}` : k, x);
    else flat.push(prefix);
  };
  for (const [ns, tree] of Object.entries(resources[lang])) walk(`${ns}:`.slice(0, -1), tree);
  return flat;
}
