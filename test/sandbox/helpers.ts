// Test helpers for the emulator: a REST caller over real HTTP and a tiny bot-side receiver of form POSTs.
import Fastify, { type FastifyInstance } from 'fastify';
import qs from 'qs';
import type { AddressInfo } from 'node:net';
import { startEmulator, type Emulator, type Portal } from '../../src/sandbox/emulator/index.js';

export interface RestReply {
  status: number;
  body: Record<string, unknown>;
  text: string;
}

/** POSTs JSON to `{base}{method}` (base ends with a slash) and returns status and parsed body. */
export async function callRest(base: string, method: string, params: Record<string, unknown> = {}): Promise<RestReply> {
  const response = await fetch(`${base}${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = {};
  }
  return { status: response.status, body, text };
}

export interface ReceivedPost {
  url: string;
  contentType: string;
  raw: string;
  /** The body decoded with bracket keys (every scalar a string). */
  parsed: Record<string, unknown>;
}

/** A bot-side HTTP endpoint that records every form POST and answers 200 (or a chosen status). */
export class Receiver {
  readonly posts: ReceivedPost[] = [];
  status = 200;
  private constructor(
    private readonly app: FastifyInstance,
    readonly url: string,
  ) {}

  static async start(): Promise<Receiver> {
    const app = Fastify({ logger: false });
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    let receiver: Receiver | undefined;
    app.post('/*', async (request, reply) => {
      const raw = String(request.body ?? '');
      receiver?.posts.push({
        url: request.url,
        contentType: String(request.headers['content-type'] ?? ''),
        raw,
        parsed: qs.parse(raw, { depth: 20, parameterLimit: 10_000, arrayLimit: 1000 }) as Record<string, unknown>,
      });
      return reply.code(receiver?.status ?? 200).send({ status: 'ok' });
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as AddressInfo).port;
    receiver = new Receiver(app, `http://127.0.0.1:${port}`);
    return receiver;
  }

  /** Posts whose top-level `event` is `name`. */
  byEvent(name: string): ReceivedPost[] {
    return this.posts.filter((p) => p.parsed.event === name);
  }

  close(): Promise<void> {
    return this.app.close();
  }
}

export const APP = {
  clientId: 'local.5f0a1b2c3d4e5f.12345678',
  clientSecret: 'S3cr3tS3cr3tS3cr3tS3cr3tS3cr3tS3cr3tS3cr3tS3cr3t',
  scope: ['imbot', 'im', 'sonet_group', 'socialnetwork', 'log', 'user'],
};

export interface World {
  emu: Emulator;
  portal: Portal;
  receiver: Receiver;
  base: string;
  adminToken: string;
  ids: ReturnType<Portal['seedDemo']>;
}

/** An emulator with one demo portal, the app installed by its admin, and a receiver for events. */
export async function startWorld(slug = 'acme'): Promise<World> {
  const emu = await startEmulator({ port: 0 });
  const receiver = await Receiver.start();
  const portal = emu.createPortal({ slug });
  portal.setRateLimit(null);
  const ids = portal.seedDemo();
  const install = await portal.installApp({
    ...APP,
    installUrl: `${receiver.url}/install`,
    installerId: ids.admin,
  });
  return { emu, portal, receiver, base: portal.endpoints().clientEndpoint, adminToken: install.accessToken, ids };
}

export async function stopWorld(world: World): Promise<void> {
  await world.emu.close();
  await world.receiver.close();
}

/** Registers a webhook-mode bot through OAuth and returns its id. */
export async function registerWebhookBot(world: World, code = 'study_bot'): Promise<number> {
  const reply = await callRest(world.base, 'imbot.v2.Bot.register', {
    auth: world.adminToken,
    fields: {
      code,
      eventMode: 'webhook',
      webhookUrl: `${world.receiver.url}/events`,
      properties: { name: 'StudyBot', workPosition: 'Study group assistant', color: 'mint' },
    },
  });
  if (reply.status !== 200) throw new Error(`Bot.register failed: ${reply.text}`);
  const bot = (reply.body.result as { bot: { id: number } }).bot;
  return bot.id;
}
