// Bitrix FILTER keys with prefix operators (`>=ID`, `!NAME`, `@ID`, `%NAME`…) applied to in-memory records.
import { isRecord } from './php.js';

const OPERATORS = ['!><', '><', '>=', '<=', '!=%', '!%=', '=%', '%=', '!%', '!=', '!@', '@', '>', '<', '=', '!', '%', '?'] as const;
type Operator = (typeof OPERATORS)[number] | '';

export interface FilterTerm {
  op: Operator;
  field: string;
  value: unknown;
}

/** Splits `>=ID` into operator and field; field names compare case-insensitively. */
export function parseFilter(filter: unknown): FilterTerm[] {
  if (!isRecord(filter)) return [];
  return Object.entries(filter).map(([key, value]) => {
    const op = OPERATORS.find((o) => key.startsWith(o)) ?? '';
    return { op, field: key.slice(op.length).toUpperCase(), value };
  });
}

function scalarText(value: unknown): string {
  if (value === true) return 'Y';
  if (value === false) return 'N';
  if (value === null || value === undefined) return '';
  return String(value);
}

function listOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(scalarText);
  if (isRecord(value)) return Object.values(value).map(scalarText);
  if (typeof value === 'string' && value.includes(',')) return value.split(',').map((s) => s.trim());
  return [scalarText(value)];
}

function compare(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (a !== '' && b !== '' && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a.localeCompare(b);
}

function like(text: string, pattern: string): boolean {
  const escaped = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
  return new RegExp(`^${escaped}$`, 'i').test(text);
}

/** One term against one record value (a scalar, or a list such as UF_DEPARTMENT: any element may match). */
export function termMatches(recordValue: unknown, term: FilterTerm): boolean {
  const values = Array.isArray(recordValue) ? recordValue.map(scalarText) : [scalarText(recordValue)];
  const wanted = listOf(term.value);
  const anyValue = (test: (v: string) => boolean) => values.some(test);
  switch (term.op) {
    case '':
    case '=':
    case '@':
      return anyValue((v) => wanted.includes(v));
    case '!':
    case '!=':
    case '!@':
      return !anyValue((v) => wanted.includes(v));
    case '%':
    case '?':
      return anyValue((v) => wanted.some((w) => v.toLowerCase().includes(w.toLowerCase())));
    case '!%':
      return !anyValue((v) => wanted.some((w) => v.toLowerCase().includes(w.toLowerCase())));
    case '=%':
    case '%=':
      return anyValue((v) => wanted.some((w) => like(v, w)));
    case '!=%':
    case '!%=':
      return !anyValue((v) => wanted.some((w) => like(v, w)));
    case '>':
      return anyValue((v) => compare(v, wanted[0] ?? '') > 0);
    case '<':
      return anyValue((v) => compare(v, wanted[0] ?? '') < 0);
    case '>=':
      return anyValue((v) => compare(v, wanted[0] ?? '') >= 0);
    case '<=':
      return anyValue((v) => compare(v, wanted[0] ?? '') <= 0);
    case '><':
      return anyValue((v) => compare(v, wanted[0] ?? '') >= 0 && compare(v, wanted[1] ?? '') <= 0);
    case '!><':
      return !anyValue((v) => compare(v, wanted[0] ?? '') >= 0 && compare(v, wanted[1] ?? '') <= 0);
  }
}

/**
 * Keeps records matching every term on a known field; terms on fields the method does not know
 * are ignored, as the portal ignores them.
 */
export function applyFilter<T>(items: T[], terms: FilterTerm[], fieldsOf: (item: T) => Record<string, unknown>): T[] {
  return items.filter((item) => {
    const fields = fieldsOf(item);
    return terms.every((term) => !(term.field in fields) || termMatches(fields[term.field], term));
  });
}

/** ORDER / sort: `{FIELD: 'ASC'|'DESC'}` applied to a record's fields; stable. */
export function applyOrder<T>(items: T[], order: unknown, fieldsOf: (item: T) => Record<string, unknown>, fallback: [string, 'ASC' | 'DESC']): T[] {
  const entries = isRecord(order) ? Object.entries(order) : [];
  const [field, dir] = entries.length > 0 ? [String(entries[0]?.[0]).toUpperCase(), String(entries[0]?.[1]).toUpperCase()] : fallback;
  const sign = dir === 'DESC' ? -1 : 1;
  return [...items].sort((a, b) => sign * compare(scalarText(fieldsOf(a)[field]), scalarText(fieldsOf(b)[field])));
}
