// Environment → a validated Config; a bad value stops the start with a message that names it.
import { z } from 'zod';

const url = z
  .string()
  .trim()
  .url()
  .refine((v) => /^https?:\/\//.test(v), 'must start with http:// or https://')
  .transform((v) => v.replace(/\/+$/, ''));

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PUBLIC_URL: url.optional(),
  DATA_DIR: z.string().trim().min(1).default('data'),
  B24_CLIENT_ID: z.string().trim().min(1).optional(),
  B24_CLIENT_SECRET: z.string().trim().min(1).optional(),
  B24_WEBHOOK_URL: url.optional(),
  B24_BOT_TOKEN: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{16,40}$/, 'must be 16 to 40 characters: letters, digits, - or _')
    .optional(),
  ADMIN_IDS: z
    .string()
    .trim()
    .regex(/^\d+(\s*,\s*\d+)*$/, 'must be user ids separated by commas, e.g. 1,17')
    .transform((v) => [...new Set(v.split(',').map((x) => Number(x.trim())))].filter((n) => n > 0))
    .optional(),
  B24_OAUTH_URL: url.default('https://oauth.bitrix24.tech'),
  BOT_LANG: z.enum(['en', 'ru']).default('en'),
  // No default here: it depends on the mode (see loadConfig).
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  // PostgreSQL instead of the files under DATA_DIR (src/store/pg).
  DATABASE_URL: z
    .string()
    .trim()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'must look like postgres://user:password@host:5432/database')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  // The schema the tables are in (default: the server's search_path, usually public).
  DATABASE_SCHEMA: z
    .string()
    .trim()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a plain lower-case name, e.g. study_groups')
    .optional(),
  // Several instances on one database: a dead instance's work moves to another after this (ms).
  LEASE_TTL_MS: z.coerce.number().int().min(1_000).max(60_000).default(30_000),
  // How often each instance looks for inbox queues nobody handles (ms).
  INBOX_SWEEP_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  // This instance's name in the lease rows (default: host name and process id).
  INSTANCE_NAME: z.string().trim().regex(/^[\w.:-]{1,100}$/, 'letters, digits, . : - _ only').optional(),
  // The portal's REST limit as the bot paces itself (bitrix24-api.md: 50 and 2/s; Enterprise 250 and 5/s).
  B24_RATE_BURST: z.coerce.number().int().min(1).max(10_000).default(50),
  B24_RATE_PER_SEC: z.coerce.number().min(0.1).max(10_000).default(2),
  // The scheduler's tick (announcements, reminders, membership sync), ms.
  SCHEDULE_INTERVAL_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
});

export type Mode = 'application' | 'webhook' | 'sandbox';

export interface Config {
  port: number;
  host: string;
  publicUrl: string | undefined;
  dataDir: string;
  clientId: string | undefined;
  clientSecret: string | undefined;
  webhookUrl: string | undefined;
  botToken: string | undefined;
  /** One-portal mode: people treated as portal admins besides the webhook's owner (nobody else can be checked). */
  adminIds: number[];
  oauthUrl: string;
  botLang: 'en' | 'ru';
  logLevel: string;
  sandboxPort: number;
  /** PostgreSQL store (absent: one JSON file per portal under dataDir). */
  database: { url: string; poolSize: number; schema?: string } | undefined;
  /** Several instances on one database (runtime.ts `instances`). */
  leaseTtlMs: number;
  inboxSweepMs: number;
  scheduleIntervalMs: number;
  instanceName: string | undefined;
  rateLimit: { burst: number; drainPerSec: number };
  /** application: OAuth app installed into portals; webhook: one portal via an inbound webhook; sandbox: the built-in emulator. */
  mode: Mode;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings count as unset: `PUBLIC_URL=` in a .env file means "none".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (Boolean(e.B24_CLIENT_ID) !== Boolean(e.B24_CLIENT_SECRET)) {
    throw new ConfigError('Invalid configuration:\n  B24_CLIENT_ID and B24_CLIENT_SECRET go together: set both or neither');
  }
  if (e.B24_WEBHOOK_URL && e.B24_CLIENT_ID) {
    throw new ConfigError('Invalid configuration:\n  set either B24_WEBHOOK_URL (one portal) or B24_CLIENT_ID/B24_CLIENT_SECRET (application), not both');
  }
  if (e.B24_WEBHOOK_URL && !/\/rest\/\d+\/[^/]+$/.test(e.B24_WEBHOOK_URL)) {
    throw new ConfigError('Invalid configuration:\n  B24_WEBHOOK_URL must look like https://your.bitrix24.com/rest/1/abcdef123456/');
  }
  if (e.B24_BOT_TOKEN && !e.B24_WEBHOOK_URL) {
    throw new ConfigError('Invalid configuration:\n  B24_BOT_TOKEN belongs to one-portal mode: set B24_WEBHOOK_URL too (an application needs no bot token)');
  }
  if (e.ADMIN_IDS && !e.B24_WEBHOOK_URL) {
    // In application mode admins are asked of Bitrix24; one list of ids for every portal would cross tenants.
    throw new ConfigError('Invalid configuration:\n  ADMIN_IDS belongs to one-portal mode: set B24_WEBHOOK_URL too');
  }
  const mode: Mode = e.B24_WEBHOOK_URL ? 'webhook' : e.B24_CLIENT_ID ? 'application' : 'sandbox';
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL,
    dataDir: e.DATA_DIR,
    clientId: e.B24_CLIENT_ID,
    clientSecret: e.B24_CLIENT_SECRET,
    webhookUrl: e.B24_WEBHOOK_URL,
    botToken: e.B24_BOT_TOKEN,
    adminIds: e.ADMIN_IDS ?? [],
    oauthUrl: e.B24_OAUTH_URL,
    botLang: e.BOT_LANG,
    // The sandbox is a console demo: request lines at info would bury its banner. An explicit LOG_LEVEL still wins.
    logLevel: e.LOG_LEVEL ?? (mode === 'sandbox' ? 'warn' : 'info'),
    sandboxPort: e.SANDBOX_PORT,
    database: e.DATABASE_URL
      ? { url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE, ...(e.DATABASE_SCHEMA ? { schema: e.DATABASE_SCHEMA } : {}) }
      : undefined,
    leaseTtlMs: e.LEASE_TTL_MS,
    inboxSweepMs: e.INBOX_SWEEP_MS,
    scheduleIntervalMs: e.SCHEDULE_INTERVAL_MS,
    instanceName: e.INSTANCE_NAME,
    rateLimit: { burst: e.B24_RATE_BURST, drainPerSec: e.B24_RATE_PER_SEC },
    mode,
  };
}
