// The REST method table: each method's name, the scopes that allow it and its implementation.
import type { MethodOutput } from './envelope.js';
import type { Portal } from './portal.js';
import type { InboundWebhook, Installation, UserRecord } from './types.js';

/** Who is calling: the token's (or webhook's) user, with the scopes of the app or webhook. */
export interface Caller {
  user: UserRecord;
  kind: 'oauth' | 'webhook';
  scopes: ReadonlySet<string>;
  installation?: Installation;
  webhook?: InboundWebhook;
}

export interface CallContext {
  portal: Portal;
  caller: Caller;
  params: Record<string, unknown>;
  /** The method name as registered (canonical spelling). */
  method: string;
  via: 'oauth' | 'webhook' | 'batch-inner';
  registry: MethodRegistry;
}

export interface MethodDef {
  name: string;
  /** Any of these scopes allows the call; null = basic scope, always allowed. */
  scopes: readonly string[] | null;
  run: (ctx: CallContext) => MethodOutput | Promise<MethodOutput>;
}

export class MethodRegistry {
  private readonly methods = new Map<string, MethodDef>();

  add(defs: MethodDef[]): this {
    for (const def of defs) this.methods.set(def.name.toLowerCase(), def);
    return this;
  }

  /** Method names are matched case-insensitively, as the portal does. */
  get(name: string): MethodDef | undefined {
    return this.methods.get(name.toLowerCase());
  }

  names(): string[] {
    return [...this.methods.values()].map((m) => m.name);
  }
}

/** Shorthand for a list of methods sharing one scope set. */
export function methods(scopes: readonly string[] | null, table: Record<string, MethodDef['run']>): MethodDef[] {
  return Object.entries(table).map(([name, run]) => ({ name, scopes, run }));
}
