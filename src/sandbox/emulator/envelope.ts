// Success envelopes with the `time` block (the SDK's limiter reads it) and list paging helpers (api doc §1.3–1.4).
import { isoDate } from './php.js';

export interface TimeBlock {
  start: number;
  finish: number;
  duration: number;
  processing: number;
  date_start: string;
  date_finish: string;
  operating_reset_at: number;
  operating: number;
}

export function timeBlock(startMs: number, finishMs: number, utcOffsetMinutes: number): TimeBlock {
  const start = startMs / 1000;
  const finish = Math.max(finishMs, startMs) / 1000;
  const duration = Number((finish - start).toFixed(6));
  return {
    start,
    finish,
    duration,
    processing: duration,
    date_start: isoDate(startMs, utcOffsetMinutes),
    date_finish: isoDate(finishMs, utcOffsetMinutes),
    operating_reset_at: Math.floor(start) + 600,
    operating: duration,
  };
}

/** What a method produced: the result and, for list methods, `total` and `next`. */
export interface MethodOutput {
  result: unknown;
  total?: number;
  next?: number;
}

export const PAGE_SIZE = 50;

/**
 * Classic paging: 50 per page from `start`; `next` only while more records remain.
 * `start=-1` turns the count off (no `total`), as user.get and workgroup lists allow.
 */
export function paginate<T>(items: T[], startParam: unknown): { page: T[]; total?: number; next?: number } {
  const parsed = Number.parseInt(String(startParam ?? '0'), 10);
  const noCount = parsed === -1;
  const start = Number.isFinite(parsed) && parsed > 0 ? parsed : 0;
  const page = items.slice(start, start + PAGE_SIZE);
  const next = start + PAGE_SIZE < items.length ? start + PAGE_SIZE : undefined;
  return {
    page,
    ...(noCount ? {} : { total: items.length }),
    ...(next === undefined || noCount ? {} : { next }),
  };
}

export function successBody(output: MethodOutput, time: TimeBlock): Record<string, unknown> {
  const body: Record<string, unknown> = { result: output.result };
  if (output.next !== undefined) body.next = output.next;
  if (output.total !== undefined) body.total = output.total;
  body.time = time;
  return body;
}
