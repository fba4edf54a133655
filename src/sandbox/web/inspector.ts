// The inspector's log: every event the portal sent and every REST or OAuth call the bot made, in order, secrets masked.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ActivityEntry, EventLogEntry, OAuthLogEntry, RequestLogEntry } from '../emulator/index.js';
import { maskSecrets, maskUrl } from './mask.js';
import { cutText } from '../../domain/text.js';

export type RowKind = 'event' | 'rest' | 'oauth';

export interface InspectorRow {
  seq: number;
  /** Portal clock, ms since the epoch. */
  at: number;
  kind: RowKind;
  /** Event type, REST method, or the OAuth grant. */
  name: string;
  /** HTTP status, or what happened to an event instead (queued, paused, lost). */
  status: number | string;
  ok: boolean;
  durationMs?: number;
  error?: string;
  /** oauth | webhook | batch-inner for REST; webhook | fetch | app for events. */
  via?: string;
  userId?: number;
  userName?: string;
  summary: string;
  body: unknown;
  response?: unknown;
}

type NewRow = Omit<InspectorRow, 'seq'>;

interface Trace {
  rows: NewRow[];
}

const LIMIT = 3000;
const RESPONSE_LIMIT = 200_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function clip(text: string, max = 90): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return cutText(flat, max);
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

/** One line that says what an event was about: who did what where. */
function eventSummary(body: Record<string, unknown>): string {
  const data = isRecord(body.data) ? body.data : {};
  const user = isRecord(data.user) ? str(data.user.name) : '';
  const chat = isRecord(data.chat) ? str(data.chat.dialogId) : '';
  const where = chat ? ` in ${chat}` : '';
  if (isRecord(data.command)) {
    const c = data.command;
    return clip(`${user}: ${str(c.command)} ${str(c.params)} (${str(c.context)})${where}`);
  }
  if (isRecord(data.message)) return clip(`${user}: ${str(data.message.text)}${where}`);
  if (isRecord(data.PARAMS)) return clip(JSON.stringify(data.PARAMS));
  return clip(`${user}${where}`);
}

/** The part of a call's parameters a person scanning the log wants: where it went and what it said. */
function restSummary(method: string, params: unknown): string {
  if (!isRecord(params)) return '';
  const fields = isRecord(params.fields) ? params.fields : {};
  if (method.endsWith('Chat.Message.send')) return clip(`→ ${str(params.dialogId)}: ${str(fields.message)}`);
  if (method.endsWith('Chat.Message.update')) return clip(`#${str(params.messageId)}: ${str(fields.message)}`);
  if (method === 'batch' && isRecord(params.cmd)) return clip(Object.values(params.cmd).map(str).join(', '));
  // The SDK's own bookkeeping (bx24_request_id, bx24_sdk_ver…) says nothing about the call.
  const rest = Object.fromEntries(Object.entries(params).filter(([k]) => k.toLowerCase() !== 'auth' && !k.startsWith('bx24_')));
  return Object.keys(rest).length > 0 ? clip(JSON.stringify(rest)) : '';
}

function parseResponse(payload: unknown): unknown {
  if (typeof payload !== 'string') return undefined;
  if (payload.length > RESPONSE_LIMIT) return `${payload.slice(0, RESPONSE_LIMIT)}… (${payload.length} characters)`;
  try {
    return maskSecrets(JSON.parse(payload));
  } catch {
    return payload;
  }
}

/** Time first; on the same millisecond an event goes before calls (it caused them), then arrival order. */
export function byTime(a: InspectorRow, b: InspectorRow): number {
  return a.at - b.at || Number(b.kind === 'event') - Number(a.kind === 'event') || a.seq - b.seq;
}

export class Inspector {
  private rows: InspectorRow[] = [];
  private seq = 0;
  private readonly listeners = new Set<(row: InspectorRow) => void>();
  private readonly trace = new AsyncLocalStorage<Trace>();
  private readonly traces = new WeakMap<FastifyRequest, Trace>();

  constructor(
    private readonly userName: (id: number) => string | undefined,
    private readonly oauthLog: () => readonly OAuthLogEntry[],
  ) {}

  /**
   * Hooks on the emulator's server: a REST request's log rows are held until its answer is sent, so each
   * row carries the response the bot got; a token request becomes an OAuth row.
   */
  install(app: FastifyInstance): void {
    app.addHook('preHandler', (request, _reply, done) => {
      if (request.url.startsWith('/portal/')) {
        const trace: Trace = { rows: [] };
        this.traces.set(request, trace);
        // Every log entry the REST handler records runs inside this context (batch: the inner calls too).
        this.trace.enterWith(trace);
      }
      done();
    });
    app.addHook('onSend', async (request, reply, payload) => {
      const trace = this.traces.get(request);
      if (trace) {
        this.traces.delete(request);
        // The request itself first, then the calls a batch ran inside it (they were logged before it).
        const outer = [...trace.rows].reverse().find((r) => r.via !== 'batch-inner') ?? trace.rows.at(-1);
        if (outer) outer.response = parseResponse(payload);
        for (const row of [...(outer ? [outer] : []), ...trace.rows.filter((r) => r !== outer)]) this.publish(row);
      } else if (request.url.startsWith('/oauth/token/')) {
        const entry = this.oauthLog().at(-1);
        const params = isRecord(entry?.params) ? entry.params : {};
        const grant = str(params.grant_type) || 'token';
        this.publish({
          at: entry?.at ?? Date.now(),
          kind: 'oauth',
          name: `oauth/token (${grant})`,
          status: reply.statusCode,
          ok: reply.statusCode < 400,
          ...(entry?.error ? { error: entry.error } : {}),
          summary: maskUrl(request.url),
          body: maskSecrets(params),
          response: parseResponse(payload),
        });
      }
      return payload;
    });
  }

  /** Feed for `emulator.on('activity')`. */
  onActivity(entry: ActivityEntry): void {
    if (entry.kind === 'request') this.addRequest(entry.entry);
    else if (entry.kind === 'event') this.addEvent(entry.entry);
  }

  private addRequest(entry: RequestLogEntry): void {
    const name = entry.userId !== undefined ? this.userName(entry.userId) : undefined;
    const row: NewRow = {
      at: entry.at,
      kind: 'rest',
      name: entry.method,
      status: entry.httpStatus,
      ok: entry.httpStatus < 400 && !entry.error,
      durationMs: entry.durationMs,
      ...(entry.error ? { error: entry.error } : {}),
      via: entry.via,
      ...(entry.userId !== undefined ? { userId: entry.userId } : {}),
      ...(name ? { userName: name } : {}),
      summary: restSummary(entry.method, entry.params),
      body: maskSecrets(entry.params),
    };
    const trace = this.trace.getStore();
    if (trace) trace.rows.push(row);
    else this.publish(row);
  }

  private addEvent(entry: EventLogEntry): void {
    const body = maskSecrets(entry.body);
    const status = entry.httpStatus;
    this.publish({
      // Placed where the POST started: the bot answers at once but may call REST before the answer lands.
      at: entry.sentAt ?? entry.at,
      ...(entry.sentAt !== undefined ? { durationMs: entry.at - entry.sentAt } : {}),
      kind: 'event',
      name: entry.duplicate ? `${entry.event} (repeated)` : entry.event,
      status,
      ok: typeof status === 'number' ? status >= 200 && status < 300 : status === 'queued',
      via: entry.mode,
      summary: isRecord(body) ? eventSummary(body) : '',
      body,
    });
  }

  private publish(row: NewRow): void {
    const full: InspectorRow = { seq: ++this.seq, ...row };
    this.rows.push(full);
    if (this.rows.length > LIMIT) this.rows.splice(0, this.rows.length - LIMIT);
    for (const listener of this.listeners) listener(full);
  }

  /** Rows in the order things happened (an event before the calls it caused), newer than `afterSeq`. */
  list(afterSeq = 0): InspectorRow[] {
    return this.rows.filter((r) => r.seq > afterSeq).sort(byTime);
  }

  subscribe(listener: (row: InspectorRow) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Forgets every row (the demo company was reset); numbering goes on so the page never confuses old and new. */
  clear(): void {
    this.rows = [];
  }
}
