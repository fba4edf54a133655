// uploadBotFile: the exact imbot.v2.File.upload call of bot doc §10, and its upload errors as values.
import { describe, expect, it } from 'vitest';
import { UPLOAD_MAX_BASE64, uploadBotFile } from '../../src/bot/files.js';
import { NetworkError, PortalError, type RestClient } from '../../src/bot/portal.js';

function client(answer: () => unknown): RestClient & { calls: Array<{ method: string; params: Record<string, unknown> }> } {
  const calls: Array<{ method: string; params: Record<string, unknown> }> = [];
  return {
    calls,
    async call<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
      calls.push({ method, params });
      return answer() as T;
    },
    async batch() {
      throw new Error('no batch here');
    },
  };
}

const bytes = new TextEncoder().encode('Hello World!');

describe('uploadBotFile', () => {
  it('sends botId, dialogId and fields {name, content in Base64 without a data: prefix, message}; reads the ids back', async () => {
    const c = client(() => ({ file: { id: 138, chatId: 5, name: 'r.png', extension: 'png', size: 12 }, messageId: 123, chatId: 5, dialogId: 'chat5' }));
    const out = await uploadBotFile(c, { botId: 456, dialogId: 'chat5', file: { name: 'r.png', bytes, message: 'Here' } });
    expect(out).toEqual({ ok: true, fileId: 138, messageId: 123 });
    expect(c.calls).toEqual([
      { method: 'imbot.v2.File.upload', params: { botId: 456, dialogId: 'chat5', fields: { name: 'r.png', content: 'SGVsbG8gV29ybGQh', message: 'Here' } } },
    ]);
  });

  it('no caption: no message field', async () => {
    const c = client(() => ({ file: { id: '7' }, messageId: '9' }));
    expect(await uploadBotFile(c, { botId: 1, dialogId: '17', file: { name: 'a.csv', bytes } })).toEqual({ ok: true, fileId: 7, messageId: 9 });
    expect(c.calls[0]?.params.fields).toEqual({ name: 'a.csv', content: 'SGVsbG8gV29ybGQh' });
  });

  it.each([
    ['FILE_TOO_LARGE', 'too_large'],
    ['FILE_EMPTY', 'invalid'],
    ['FILE_INVALID_CONTENT', 'invalid'],
    ['ACCESS_DENIED', 'denied'],
    ['FILE_FOLDER_ERROR', 'failed'],
    ['FILE_UPLOAD_FAILED', 'failed'],
    ['FILE_SEND_FAILED', 'failed'],
  ])('%s → %s', async (code, reason) => {
    const c = client(() => {
      throw new PortalError('imbot.v2.File.upload', code, 400, '');
    });
    expect(await uploadBotFile(c, { botId: 1, dialogId: '17', file: { name: 'a.png', bytes } })).toEqual({ ok: false, reason });
  });

  it('bot errors and a lost answer are not upload outcomes: thrown', async () => {
    const bot = client(() => {
      throw new PortalError('imbot.v2.File.upload', 'BOT_NOT_FOUND', 400, '');
    });
    await expect(uploadBotFile(bot, { botId: 1, dialogId: '17', file: { name: 'a.png', bytes } })).rejects.toThrow(/BOT_NOT_FOUND/);
    const lost = client(() => {
      throw new NetworkError('imbot.v2.File.upload', 'timeout');
    });
    await expect(uploadBotFile(lost, { botId: 1, dialogId: '17', file: { name: 'a.png', bytes } })).rejects.toThrow(NetworkError);
  });

  it('an empty file or name, or more than 100 MB of Base64, is refused without a call', async () => {
    const c = client(() => ({}));
    expect(await uploadBotFile(c, { botId: 1, dialogId: '17', file: { name: 'a.png', bytes: new Uint8Array() } })).toEqual({ ok: false, reason: 'invalid' });
    expect(await uploadBotFile(c, { botId: 1, dialogId: '17', file: { name: ' ', bytes } })).toEqual({ ok: false, reason: 'invalid' });
    const big = new Uint8Array(Math.floor((UPLOAD_MAX_BASE64 / 4) * 3) + 3);
    expect(await uploadBotFile(c, { botId: 1, dialogId: '17', file: { name: 'big.bin', bytes: big } })).toEqual({ ok: false, reason: 'too_large' });
    expect(c.calls).toEqual([]);
  });
});
