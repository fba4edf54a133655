// The sandbox page in a real browser: a moderator builds a study group, learners ask for their courses, the inspector and the controls do their job.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyboardButton, openPageWorld, SKIP_BROWSER, SKIP_REASON, until, type PageWorld } from './page-world.js';

if (SKIP_BROWSER) console.warn(SKIP_REASON);

describe.skipIf(SKIP_BROWSER)('the sandbox page', () => {
  let w: PageWorld;
  // Ids of the demo company (stable: the seed is deterministic).
  let mark: number;
  let anna: number;
  let ben: number;
  let chloe: number;
  /** The group card's message id: the card is edited in place, so its text changes but its id does not. */
  let cardId = '';

  beforeAll(async () => {
    w = await openPageWorld();
    mark = w.sb.demo.moderators[0];
    [anna, ben, chloe] = w.sb.demo.learners;
  }, 30_000);
  afterAll(async () => w?.close());

  const text = (l: { textContent(): Promise<string | null> }) => l.textContent().then((t) => t ?? '');
  const rows = () => w.page.locator('#rows [data-testid=row]');
  const rowNames = async () => rows().evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.rowName ?? ''));

  it('opens as the moderator in the dialog with the bot, whose greeting has coloured, pressable buttons', async () => {
    const { page } = w;
    expect(await page.getByTestId('as-select').inputValue()).toBe(String(mark));
    expect(await text(page.getByTestId('role-badge'))).toBe('moderator');
    // The dialog list: the bot first, then the feed of the workgroup Mark owns.
    const dialogs = page.locator('[data-testid=dialog]');
    expect(await dialogs.first().getAttribute('data-dialog-id')).toBe(String(w.sb.botId));
    expect(await text(page.locator('[data-testid=dialog][data-kind=feed]'))).toContain('Sales onboarding');
    const welcome = w.botMessages().first();
    expect(await text(welcome.getByTestId('message-text'))).toContain('my courses');
    const myCourses = keyboardButton(welcome, 'My courses');
    expect(await myCourses.getAttribute('data-color')).toBe('primary');
    expect(await myCourses.evaluate((b) => getComputedStyle(b).backgroundColor)).toBe('rgb(47, 198, 246)');
    expect(await keyboardButton(welcome, 'Help').getAttribute('data-color')).toBe('base');
    // Pressing "Help" is a command click: the bot answers /help, whose title is bold BB-code.
    await w.press(welcome, 'Help');
    const help = w.botMessages().last();
    expect(await text(help.locator('[data-testid=message-text] b').first())).toBe('Study groups bot');
    expect(w.pageErrors).toEqual([]);
  });

  it('renders BB-code as the messenger does, and never turns text into markup', async () => {
    // A string, so that the test runner's transform leaves the page's own import() alone.
    const html = (source: string): Promise<string> =>
      w.page.evaluate(`import('/static/bbcode.js').then((bb) => {
        const box = document.createElement('div');
        box.append(bb.renderBbCode(${JSON.stringify(source)}));
        return box.innerHTML;
      })`);
    expect(await html('[b]bold[/b] [i]it[/i]\nline [br]break')).toBe('<b>bold</b> <i>it</i><br>line <br>break');
    expect(await html('[USER=5]Ben Carter[/USER]')).toBe('<span class="bb-mention" data-user-id="5">Ben Carter</span>');
    expect(await html('[url=https://example.com/a?b=1]site[/url]')).toBe(
      '<a class="bb-link" href="https://example.com/a?b=1" target="_blank" rel="noopener noreferrer">site</a>',
    );
    // Script links are not links; HTML stays text; a tag never closed stays as typed.
    expect(await html('[url=javascript:alert(1)]x[/url]')).toBe('<span>x</span>');
    expect(await html('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(await html('[b]open [i]both[/i]')).toBe('[b]open <i>both</i>');
    expect(await html('>>quoted\nplain')).toBe('<div class="bb-quote">quoted</div>plain');
    expect(await html('[code][b]raw[/b][/code]')).toBe('<pre class="bb-code">[b]raw[/b]</pre>');
  });

  it('offers the registered commands with their hints when / is typed, in the portal language', async () => {
    const { page } = w;
    const input = page.getByTestId('composer');
    await input.fill('');
    await input.pressSequentially('/');
    const items = page.getByTestId('suggest-item');
    await items.first().waitFor();
    const all = await items.allTextContents();
    for (const command of ['/course', '/group', '/help', '/mycourses']) expect(all.some((t) => t.startsWith(command))).toBe(true);
    expect(all.find((t) => t.startsWith('/group'))).toContain('create <name>');
    await input.pressSequentially('gr');
    expect(await items.count()).toBe(1);
    await input.press('Enter');
    expect(await input.inputValue()).toBe('/group ');
    expect(await text(page.getByTestId('command-hint'))).toContain('add|invite|remove <group> <users>');

    await page.getByTestId('lang-ru').click();
    await until(async () => (await text(page.getByTestId('command-hint'))).includes('<группа>'), 'the Russian hint');
    await input.fill('/');
    await input.dispatchEvent('input');
    expect(await items.allTextContents()).toContainEqual(expect.stringContaining('Учебные группы'));
    expect(await text(page.getByTestId('tab-controls'))).toBe('Управление');
    await page.getByTestId('lang-en').click();
    await until(async () => (await text(page.getByTestId('tab-controls'))) === 'Controls', 'English again');
    await input.fill('');
    await input.dispatchEvent('input');
  });

  it('lets the moderator create a group with /group create, press its buttons and add two learners', async () => {
    const { page } = w;
    const card = await w.say('/group create Physics 101');
    expect(await text(card.getByTestId('message-text'))).toContain('Study group created');
    const grid = card.getByTestId('grid');
    expect(await text(grid)).toContain('Description');
    expect(await text(grid)).toContain('Closed: by invitation');
    cardId = (await card.getAttribute('data-message-id')) ?? '';
    const button = (label: string) => keyboardButton(page.locator(`[data-message-id="${cardId}"]`), label);
    expect(await button('Closed').getAttribute('data-color')).toBe('primary');
    expect(await button('Add members').getAttribute('data-color')).toBe('primary');
    await w.closePanel();
    await w.shot('chat-group-card');
    // The same moment in the inspector: the command event with its body, then the calls it caused.
    await w.openPanel('inspector');
    const command = page.locator('#rows [data-testid=row][data-row-name=ONIMBOTV2COMMANDADD]').last();
    await command.locator('.row-line').click();
    expect(await text(command.getByTestId('row-detail'))).toContain('"params": "create Physics 101"');
    const calls = await rowNames();
    expect(calls.slice(calls.lastIndexOf('ONIMBOTV2COMMANDADD'))).toEqual(['ONIMBOTV2COMMANDADD', 'sonet_group.create', 'imbot.v2.Chat.Message.send']);
    await command.evaluate((row) => row.scrollIntoView({ block: 'start' }));
    await w.shot('inspector');
    await command.locator('.row-line').click();

    // "Description" asks for the text; what the moderator types is shown as typed, never as BB-code.
    await w.press(card, 'Description');
    expect(await text(w.botMessages().last())).toContain('Send the description');
    const saved = await w.say('Weekly [b]physics[/b] club');
    expect(await text(saved)).toContain('is saved');
    const mine = page.locator('[data-testid=message][data-author=me]').last();
    expect(await mine.locator('b').count()).toBe(1);

    // A privacy button edits the card in place: the same message, now with "Open" highlighted.
    const before = await w.botMessages().count();
    await w.press(page.locator(`[data-message-id="${cardId}"]`), 'Open');
    await until(async () => (await button('Open').getAttribute('data-color')) === 'primary', 'the card to be edited');
    expect(await button('Closed').getAttribute('data-color')).toBe('base');
    const grid2 = page.locator(`[data-message-id="${cardId}"] [data-testid=grid]`);
    expect(await text(grid2)).toContain('Open: anyone may join');
    // The bot escaped the description: the brackets stay text (as fullwidth lookalikes), nothing turns bold.
    expect(await text(grid2)).toContain('Weekly ［b］physics［/b］ club');
    expect(await grid2.locator('b').count()).toBe(0);
    expect(await w.botMessages().count()).toBe(before + 1); // only the "is now open" note is new

    // "Add members", then two mentions picked from the @ list.
    await w.press(page.locator(`[data-message-id="${cardId}"]`), 'Add members');
    expect(await text(w.botMessages().last())).toContain('Whom should I add');
    const input = page.getByTestId('composer');
    await input.fill('');
    await input.pressSequentially('@Ann');
    await page.getByTestId('suggest-item').filter({ hasText: 'Anna Petrova' }).click();
    await input.pressSequentially('@Be');
    await page.getByTestId('suggest-item').filter({ hasText: 'Ben Carter' }).click();
    expect(await input.inputValue()).toBe(`[USER=${anna}]Anna Petrova[/USER] [USER=${ben}]Ben Carter[/USER] `);
    const count = await w.botMessages().count();
    await page.getByTestId('send').click();
    await until(async () => (await w.botMessages().count()) > count, 'the answer to the mentions');
    await w.settled();
    const result = await text(w.botMessages().last());
    // Mark is not a portal admin: the portal only lets him invite.
    expect(result).toContain('Invited (2)');
    expect(await page.locator('[data-testid=message][data-author=me]').last().locator('.bb-mention').allTextContents()).toEqual(['Anna Petrova', 'Ben Carter']);
    expect(w.pageErrors).toEqual([]);
  });

  it('shows an invitation accepted in Bitrix24, and the feed post the bot makes when a course is attached', async () => {
    const { page } = w;
    await w.openPanel('controls');
    const group = page.locator('#workgroups .wg', { hasText: 'Physics 101' });
    expect(await group.locator(`[data-user-id="${anna}"]`).getAttribute('data-role')).toBe('invited');
    await group.locator(`[data-user-id="${anna}"] [data-testid=accept-invitation]`).click();
    await until(async () => (await group.locator(`[data-user-id="${anna}"]`).getAttribute('data-role')) === 'member', 'Anna to be a member');
    await w.shot('controls');
    // The control had the bot re-read the workgroup at once (its periodic membership sync, out of turn),
    // so the store already says member: "my courses" below needs no command first. "Members" shows it too.
    const physics = (await w.sb.runtime.store.get(w.sb.memberId))!.groups.find((g) => g.name === 'Physics 101')!;
    expect(physics.members.find((m) => m.userId === anna)?.status).toBe('member');
    await w.press(page.locator(`[data-message-id="${cardId}"]`), 'Members');
    const members = await text(w.botMessages().last());
    expect(members).toMatch(/Members \(2\)[\s\S]*Anna Petrova/);
    expect(members).toMatch(/Invited, not yet joined \(1\)[\s\S]*Ben Carter/);

    await w.say('/course add "Newton\'s laws" https://example.com/newton');
    const attached = await w.say('/course attach "Newton\'s laws" "Physics 101"');
    expect(await text(attached)).toContain("Newton's laws");
    await w.openDialog('Physics 101');
    const post = page.getByTestId('post').last();
    await post.waitFor();
    expect(await text(post)).toContain("Newton's laws");
    expect(await post.locator('a.bb-link').first().getAttribute('href')).toBe('https://example.com/newton');
    await w.shot('workgroup-feed');
    await w.openDialog('Study Groups');
  });

  it('answers "my courses" to a learner who joined with the closed course, and hides it from one who is only invited', async () => {
    const { page } = w;
    await w.actAs(anna);
    expect(await text(page.getByTestId('role-badge'))).toBe('learner');
    const answer = await w.say('my courses');
    expect(await text(answer)).toContain('My groups');
    expect(await text(answer)).toContain('Physics 101');
    expect(await answer.locator('a.bb-link', { hasText: "Newton's laws" }).getAttribute('href')).toBe('https://example.com/newton');

    await w.actAs(ben);
    const other = await w.say('my courses');
    // Ben is in Low risk (the demo company is placed into the default training groups), not in Physics 101.
    expect(await text(other)).toContain('My groups');
    expect(await text(other)).not.toContain('Physics 101');
    expect(await text(other)).not.toContain('Newton');
  });

  it("the feed post's link into the bot opens the chat with the bot on that group's courses", async () => {
    const { page } = w;
    await w.actAs(anna);
    await w.openDialog('Physics 101');
    const link = page.getByTestId('post').last().locator('a.bb-link', { hasText: 'in the chat with the bot' });
    await link.waitFor();
    await link.click();
    await until(async () => (await text(page.locator('#messages [data-testid=message][data-author=bot]').last())).includes("Newton's laws"), 'the group courses in the bot dialog');
    const shown = await text(w.botMessages().last());
    expect(shown).toContain('Physics 101');
    await w.shot('deep-link');
  });

  it('opens a group chat with the bot from the page; the bot greets it and binds it to the group', async () => {
    const { page } = w;
    await w.actAs(mark);
    await page.getByTestId('new-chat').click();
    await page.getByTestId('chat-title').fill('Physics club');
    for (const id of [anna, ben]) await page.locator(`#chat-members input[value="${id}"]`).check();
    await page.getByTestId('chat-create').click();
    await until(async () => (await page.locator('.dialog-item.active').getAttribute('data-kind')) === 'chat', 'the new chat to open');
    await w.settled();
    expect(await text(page.locator('#chat-head'))).toContain('4 members');
    await w.botMessages().first().waitFor();
    const bound = await w.say('/group bind "Physics 101"');
    expect(await text(bound)).toContain('This chat now gets the announcements of');
    // Anna sees the same chat in her list.
    await w.actAs(anna);
    expect(await page.locator('[data-testid=dialog][data-kind=chat]').allTextContents()).toContainEqual(expect.stringContaining('Physics club'));
  });

  it('lists every event and REST call in order, with tokens masked, filtered by type', async () => {
    const { page } = w;
    await w.openPanel('inspector');
    const names = await rowNames();
    // The install event first (the bot confirms it with the OAuth server, then registers itself while answering it).
    expect(names.slice(0, 3)).toEqual(['ONAPPINSTALL', 'oauth/token (refresh_token)', 'imbot.v2.Bot.register']);
    // Each command is an event first, then the bot's calls; the invitation went out with Mark's own token.
    const create = names.indexOf('ONIMBOTV2COMMANDADD');
    expect(create).toBeGreaterThan(0);
    expect(names.slice(create + 1)).toContain('imbot.v2.Chat.Message.send');
    const invite = page.locator('[data-testid=row][data-row-name="sonet_group.user.invite"]').first();
    expect(await text(invite)).toContain('Mark Moderator');
    expect(names).toContain('log.blogpost.add');

    await page.getByTestId('filter-event').click();
    const kinds = await rows().evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.rowKind));
    expect(kinds.length).toBeGreaterThan(5);
    expect(new Set(kinds)).toEqual(new Set(['event']));
    await page.getByTestId('filter-rest').click();
    expect(new Set(await rows().evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.rowKind)))).toEqual(new Set(['rest']));
    await page.locator('#kind-filter [data-kind=all]').click();

    // Bodies open on a click; secrets are '***' there and nowhere on the page or in the API.
    const event = page.locator('[data-testid=row][data-row-name=ONIMBOTV2COMMANDADD]').last();
    await event.locator('.row-line').click();
    const detail = await text(event.getByTestId('row-detail'));
    expect(detail).toContain('"access_token": "***"');
    expect(detail).toContain('"application_token": "***"');
    const secrets = w.sb.emulator.tokens.forPortal(w.sb.portal.slug).flatMap((t) => [t.accessToken, t.refreshToken]);
    const installation = [...w.sb.portal.state.installations.values()][0]!;
    secrets.push(installation.applicationToken, installation.clientSecret);
    expect(secrets.length).toBeGreaterThan(4);
    const api = await page.evaluate(() => fetch('/api/inspector').then((r) => r.text()));
    for (const secret of secrets) {
      expect(api).not.toContain(secret);
      expect(await page.content()).not.toContain(secret);
    }
  });

  it('exercises the controls: expired tokens are refreshed, a workgroup changes behind the bot, the clock moves', async () => {
    const { page } = w;
    await w.openPanel('controls');
    await page.getByTestId('expire-tokens').click();
    await until(async () => (await text(page.locator('#expire-result'))).includes('expired'), 'the tokens to expire');
    const reply = await w.say('/help');
    expect(await text(reply)).toContain('Study groups bot');
    await w.openPanel('inspector');
    const names = await rowNames();
    expect(names).toContain('oauth/token (refresh_token)');
    expect(await page.locator('[data-testid=row][data-row-status="401"]', { hasText: 'expired_token' }).count()).toBeGreaterThan(0);

    await w.openPanel('controls');
    // The panel is redrawn from the portal's state as it changes, which can put a radio back under a
    // click on a loaded machine: press again until the portal reports the new limit.
    const choose = async (id: string, shown: string, what: string) =>
      until(async () => {
        if ((await text(page.getByTestId('rate-level'))).trim().endsWith(shown)) return true;
        await page.getByTestId(id).click();
        return false;
      }, what);
    await choose('rate-tight', 'of 5', 'the tight limit');
    await choose('rate-normal', 'of 50', 'the normal limit');

    await page.getByTestId('wg-user').selectOption(String(chloe));
    await page.getByTestId('wg-group').selectOption({ label: 'Physics 101' });
    await page.getByTestId('wg-add').click();
    const group = page.locator('#workgroups .wg', { hasText: 'Physics 101' });
    await until(async () => (await group.locator(`[data-user-id="${chloe}"]`).getAttribute('data-role').catch(() => null)) === 'member', 'Chloe in the workgroup');
    // Added behind the bot's back, Chloe sees the group's closed course in "my courses".
    await w.actAs(chloe);
    expect(await text(await w.say('my courses'))).toContain("Newton's laws");
    // The owner has no "remove"; a member does. Removing Chloe behind the bot's back: the control's sync tells the store at once.
    await w.openPanel('controls');
    expect(await group.locator(`[data-user-id="${mark}"] [data-testid=remove-member]`).count()).toBe(0);
    await group.locator(`[data-user-id="${chloe}"] [data-testid=remove-member]`).click();
    await until(async () => (await group.locator(`[data-user-id="${chloe}"]`).count()) === 0, 'Chloe out of the workgroup');
    expect(await text(page.locator('#toasts'))).toContain('Chloe Davis removed from Physics 101 (the bot was not told)');
    const physics = (await w.sb.runtime.store.get(w.sb.memberId))!.groups.find((g) => g.name === 'Physics 101')!;
    expect(physics.members.some((m) => m.userId === chloe)).toBe(false);
    // No further step: her very next "my courses" no longer lists it.
    expect(await text(await w.say('my courses'))).not.toContain("Newton's laws");
    await w.openPanel('controls');

    const day = (s: string) => s.slice(0, 10);
    const before = await text(page.getByTestId('clock-big'));
    await page.getByTestId('clock-day').click();
    await until(async () => day(await text(page.getByTestId('clock-big'))) !== day(before), 'the clock to move');
    expect(Date.parse(day(await text(page.getByTestId('clock-big')))) - Date.parse(day(before))).toBe(86_400_000);
    expect(w.pageErrors).toEqual([]);
  });

  it('resets the demo company: the group is gone and the bot is installed afresh', async () => {
    const { page } = w;
    const oldMember = w.sb.memberId;
    await page.getByTestId('reset').click();
    await until(() => w.sb.memberId !== oldMember, 'a new portal');
    // The demo company's two workgroups and those of the three default training groups it is placed into.
    await until(async () => (await page.locator('#workgroups .wg').count()) === 5, 'the two demo workgroups and three training ones');
    expect(await text(page.locator('#workgroups'))).not.toContain('Physics 101');
    await w.openPanel('inspector');
    await until(async () => (await rowNames()).includes('ONAPPINSTALL'), 'the new install in the inspector');
    expect(await rowNames()).not.toContain('sonet_group.user.invite');
    expect(await w.sb.runtime.store.get(oldMember)).toBeUndefined();
    expect(w.pageErrors).toEqual([]);
  });
});
