// batch: up to 50 `method?query` commands run in order as the caller, with `$result[cmd][field]` references (api doc §16).
import { SystemErrors, type RestError } from '../errors.js';
import { isRecord, parseBracketQuery, phpAssoc, phpTruthy } from '../php.js';
import { methods, type CallContext, type MethodDef } from '../registry.js';
import { runMethod } from '../rest.js';

const MAX_COMMANDS = 50;
const NOT_IN_BATCH = new Set(['batch', 'download', 'upload']);

type ResultMaps = Record<'result' | 'next' | 'total' | 'time' | 'error', Array<[string, unknown]>>;

function lookup(maps: ResultMaps, name: string): Record<string, unknown> {
  const key = name.toLowerCase() as keyof ResultMaps;
  return Object.fromEntries(maps[key] ?? []);
}

/**
 * PHP CRestUtil::processBatchElement: `$result[cmd][a][b]` resolved by walking keys; the walk stops at
 * the first missing key (leaving what was reached). A whole-value reference is replaced by the value
 * itself (arrays too); inside a longer string only numbers and strings are substituted.
 */
function substitute(text: string, maps: ResultMaps): unknown {
  const pattern = /\$(result|next|total|time|error)(\S*)/gi;
  let output: unknown = text;
  for (const match of [...text.matchAll(pattern)]) {
    const [whole, name, path] = match;
    if (!name || path === undefined) continue;
    const keys = [...path.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1] ?? '');
    if (keys.length === 0) continue;
    let reached: unknown = lookup(maps, name);
    for (const key of keys) {
      if (reached !== null && typeof reached === 'object' && key in reached) {
        const next = (reached as Record<string, unknown>)[key];
        if (next === undefined || next === null) break;
        reached = next;
      } else break;
    }
    if (whole === text) return reached;
    const scalar = typeof reached === 'number' ? String(reached) : reached;
    if (typeof scalar !== 'string' || typeof output !== 'string') continue;
    output = output.split(whole).join(scalar);
  }
  return output;
}

function substituteAll(value: unknown, maps: ResultMaps): unknown {
  if (typeof value === 'string') return substitute(value, maps);
  if (Array.isArray(value)) return value.map((v) => substituteAll(v, maps));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteAll(v, maps)]));
  return value;
}

function commandEntries(cmd: unknown): Array<[string, unknown]> {
  if (Array.isArray(cmd)) return cmd.map((c, i) => [String(i), c]);
  if (isRecord(cmd)) return Object.entries(cmd);
  return [];
}

async function batch(ctx: CallContext) {
  const halt = phpTruthy(ctx.params.halt ?? ctx.params.HALT);
  const maps: ResultMaps = { result: [], next: [], total: [], time: [], error: [] };
  let count = 0;
  for (const [key, call] of commandEntries(ctx.params.cmd ?? ctx.params.CMD)) {
    let error: RestError | undefined;
    if (count++ >= MAX_COMMANDS) {
      error = SystemErrors.batchLength();
    } else {
      if (typeof call !== 'string') continue;
      const q = call.indexOf('?');
      const method = q === -1 ? call : call.slice(0, q);
      const params = substituteAll(parseBracketQuery(q === -1 ? '' : call.slice(q + 1)), maps);
      if (NOT_IN_BATCH.has(method.toLowerCase())) {
        error = SystemErrors.batchMethod();
      } else {
        // Inner calls run with the batch caller's identity and rights; they are not rate-limited separately.
        const run = await runMethod(ctx.portal, ctx.registry, ctx.caller, method, isRecord(params) ? params : {}, 'batch-inner');
        if (run.ok) {
          maps.result.push([key, run.output.result]);
          if (run.output.next !== undefined) maps.next.push([key, run.output.next]);
          if (run.output.total !== undefined) maps.total.push([key, run.output.total]);
          maps.time.push([key, run.time]);
        } else error = run.error;
      }
    }
    if (error) {
      maps.error.push([key, error.toBody()]);
      if (halt) break;
    }
  }
  return {
    result: {
      result: phpAssoc(maps.result),
      result_error: phpAssoc(maps.error),
      result_total: phpAssoc(maps.total),
      result_next: phpAssoc(maps.next),
      result_time: phpAssoc(maps.time),
    },
  };
}

export const batchMethods: MethodDef[] = methods(null, { batch });
