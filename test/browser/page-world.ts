// The sandbox exactly as `npm start` runs it, opened in Debian's Chromium through playwright-core, with helpers that act like a person.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/start.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Skipped only on a developer's machine without Chromium; in CI a missing browser must fail loudly. */
export const SKIP_BROWSER = !existsSync(CHROMIUM) && !process.env.CI;
export const SKIP_REASON = `browser tests skipped: ${CHROMIUM} not found (apt-get install -y chromium; .ci/run installs it)`;

/** Set SANDBOX_SCREENSHOTS=docs/screenshots to refresh the README's pictures while the tests run. */
const SCREENSHOT_DIR = process.env.SANDBOX_SCREENSHOTS;

export interface PageWorld {
  sb: Sandbox;
  browser: Browser;
  page: Page;
  /** Problems the page reported (uncaught errors, console errors): a test fails on any. */
  pageErrors: string[];
  /** Picks a person in the "Acting as" switcher and waits for their dialog with the bot. */
  actAs(userId: number): Promise<void>;
  /** Types into the message field and presses Enter; resolves when the bot has answered. */
  say(text: string): Promise<Locator>;
  /** Presses a keyboard button of a message; resolves when the bot has reacted. */
  press(message: Locator, button: string): Promise<void>;
  /** The messages of the open dialog written by the bot. */
  botMessages(): Locator;
  openDialog(title: string): Promise<void>;
  openPanel(name: 'inspector' | 'controls'): Promise<void>;
  closePanel(): Promise<void>;
  /** Waits until the page is in step with the bot (every event handled, every push delivered). */
  settled(): Promise<void>;
  shot(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function until<T>(probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, what: string, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A keyboard button by its exact label ("Members" is not "Add members"). */
export function keyboardButton(message: Locator, label: string): Locator {
  const exact = new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
  return message.locator('[data-testid=kb-button]').filter({ hasText: exact }).first();
}

export async function openPageWorld(): Promise<PageWorld> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sgb-web-'));
  const started = Date.now();
  const sb = await startSandbox(loadConfig({ PORT: '0', SANDBOX_PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  const page = await browser.newPage({ viewport: { width: 1600, height: 960 }, deviceScaleFactor: 1 });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  page.on('dialog', (d) => void d.accept());
  page.setDefaultTimeout(8000);
  await page.goto(sb.webUrl);
  await page.locator('[data-testid=message][data-author=bot]').first().waitFor();
  const readyMs = Date.now() - started;

  const botMessages = () => page.locator('#messages [data-testid=message][data-author=bot]');
  const settled = async () => {
    await sb.portal.flush();
    await sb.runtime.bot.idle();
    // Then the push, the page's short debounce and its reload: the open dialog shows the portal's newest message.
    const as = Number(await page.getByTestId('as-select').inputValue());
    const dialog = await page.locator('.dialog-item.active').getAttribute('data-dialog-id');
    const newest = dialog && !dialog.startsWith('feed') ? sb.portal.dialog(as, dialog).at(-1) : undefined;
    if (newest) await page.locator(`#messages [data-message-id="${newest.id}"]`).waitFor();
    await page.waitForTimeout(50);
  };
  const world: PageWorld = {
    sb,
    browser,
    page,
    pageErrors,
    async actAs(userId) {
      await page.getByTestId('as-select').selectOption(String(userId));
      await until(async () => (await page.locator('.dialog-item.active').getAttribute('data-dialog-id')) === String(sb.botId), 'the bot dialog');
      await settled();
      await botMessages().first().waitFor();
    },
    async say(text) {
      const before = await botMessages().count();
      const input = page.getByTestId('composer');
      await input.fill(text);
      await page.getByTestId('send').click();
      await until(async () => (await botMessages().count()) > before, `an answer to "${text}"`);
      await settled();
      return botMessages().last();
    },
    async press(message, button) {
      const before = sb.portal.events.length;
      await keyboardButton(message, button).click();
      await until(() => sb.portal.events.length > before, `the press of "${button}" to reach the bot`);
      await settled();
    },
    botMessages,
    async openDialog(title) {
      // By the title alone: a preview of another dialog may mention the same words.
      const item = page.locator('[data-testid=dialog]').filter({ has: page.locator('.title span').getByText(title, { exact: true }) }).first();
      const id = await item.getAttribute('data-dialog-id');
      await item.click();
      await until(async () => (await page.locator('.dialog-item.active').getAttribute('data-dialog-id')) === id, `dialog ${title}`);
      await settled();
    },
    async openPanel(name) {
      const tab = page.getByTestId(`tab-${name}`);
      if (!(await page.getByTestId(name).isVisible())) await tab.click();
      await page.getByTestId(name).waitFor();
    },
    async closePanel() {
      for (const name of ['inspector', 'controls'] as const) {
        if (await page.getByTestId(name).isVisible()) await page.getByTestId(`tab-${name}`).click();
      }
      await until(async () => !(await page.getByTestId('panel').isVisible()), 'the side panel to close');
    },
    settled,
    async shot(name) {
      if (!SCREENSHOT_DIR) return;
      await mkdir(SCREENSHOT_DIR, { recursive: true });
      await page.evaluate(() => document.getElementById('toasts')?.replaceChildren());
      await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
    },
    async close() {
      await browser.close();
      await sb.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  // How long a newcomer waits: sandbox start, browser start, first page with the bot's greeting.
  if (process.env.SANDBOX_TIMING) console.log(`sandbox ready with the welcome in the browser after ${readyMs} ms`);
  return world;
}
