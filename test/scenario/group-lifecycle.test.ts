// The rest of a group's life through the emulator: list and info per role, dates, describe, rename, archive, delete, bind, /moderator, tenants, Russian.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudyGroup } from '../../src/domain/model.js';
import { startWorld, type World } from '../helpers/world.js';
import { allText, buttons, cardRows, createGroup, last, roles, stored } from './group-helpers.js';

describe('group lifecycle', () => {
  let w: World;
  let admin: number;
  let mod: number;
  let namedOnly: number;
  let ext: number;
  let l: number[];
  let alpha: StudyGroup;
  let beta: StudyGroup;
  let sales: StudyGroup;

  beforeAll(async () => {
    w = await startWorld();
    admin = w.demo.admin;
    mod = w.demo.moderators[0];
    ext = w.demo.external;
    l = [...w.demo.learners];
    namedOnly = l[5]!;
    await w.say(admin, `/moderator add ${mod} ${namedOnly}`);
    alpha = await createGroup(w, admin, 'Alpha');
    await w.say(admin, `/group add #${alpha.id} ${l[0]} ${ext}`);
    beta = await createGroup(w, mod, 'Beta');
    await w.say(mod, `/group add #${beta.id} ${l[1]}`);
    await w.say(admin, `/group link ${w.demo.moderatorGroup}`);
    sales = (await w.data()).groups.find((g) => g.linked)!;
  });
  afterAll(async () => w?.close());

  const listed = (text: string) => [...text.matchAll(/^#(\d+) /gm)].map((m) => Number(m[1])).sort();

  describe('/group list', () => {
    it('an admin sees every group', async () => {
      const out = await w.say(admin, '/group list');
      expect(last(out).text).toMatch(/^All study groups \(3\):/);
      expect(listed(last(out).text)).toEqual([alpha.id, beta.id, sales.id].sort());
    });

    it('a named moderator sees the groups they manage: not a linked group they have no part in', async () => {
      const out = await w.say(namedOnly, '/group list');
      expect(listed(last(out).text)).toEqual([alpha.id, beta.id].sort());
    });

    it('a learner sees their own groups, invitations marked', async () => {
      expect(listed(last(await w.say(l[0]!, '/group list')).text)).toEqual([alpha.id, sales.id].sort());
      const invited = last(await w.say(l[1]!, '/group list')).text;
      expect(listed(invited)).toEqual([beta.id, sales.id].sort());
      expect(invited).toMatch(/Beta.*you are invited/);
      expect(last(await w.say(l[4]!, '/group list')).text).toBe('You are not in any study group yet.');
    });

    it('an external user sees only their own group', async () => {
      expect(listed(last(await w.say(ext, '/group list')).text)).toEqual([alpha.id]);
      expect(last(await w.say(ext, `/group info #${beta.id}`)).text).toMatch(/cannot find the group/);
    });

    it('the My groups button of /help works (a bare /group lists too)', async () => {
      const help = await w.say(l[0]!, '/help');
      const out = await w.press(l[0]!, last(help).id, 'My groups');
      expect(listed(last(out).text)).toEqual([alpha.id, sales.id].sort());
      expect(listed(last(await w.say(l[0]!, '/group')).text)).toEqual([alpha.id, sales.id].sort());
    });
  });

  describe('rights', () => {
    it('every sub-command that changes a group refuses a learner and an external user who are its members, changing nothing', async () => {
      const g = await createGroup(w, admin, 'Matrix');
      await w.say(admin, `/group add #${g.id} ${l[2]} ${ext}`);
      const snapshot = async () =>
        JSON.stringify([await stored(w, g.id), w.portal.snapshot().workgroups.find((x) => x.id === g.workgroupId)]);
      const before = await snapshot();
      const commands = [
        `add #${g.id} ${l[4]}`,
        `invite #${g.id} ${l[4]}`,
        `remove #${g.id} ${l[2]}`,
        `dates #${g.id} 2026-09-01 2026-09-30`,
        `describe #${g.id} Mine`,
        `rename #${g.id} Mine`,
        `privacy #${g.id} open`,
        `archive #${g.id}`,
        `delete #${g.id}`,
        `sync #${g.id}`,
      ];
      for (const who of [l[2]!, ext]) {
        for (const cmd of commands) {
          const out = await w.say(who, `/group ${cmd}`);
          expect(out, `${who}: ${cmd}`).toHaveLength(1);
          expect(last(out).text, `${who}: ${cmd}`).toMatch(/You cannot change the group "Matrix"/);
          expect(last(out).keyboard).toBeNull();
        }
      }
      expect(await snapshot()).toBe(before);
    });
  });

  describe('/group info', () => {
    it('shows a member the card without the buttons that change it', async () => {
      const out = await w.say(l[0]!, `/group info Alpha`);
      expect(last(out).text).toMatch(/\[b\]Alpha\[\/b\]/);
      expect(buttons(last(out))).toEqual(['Members', 'Courses']);
      expect(cardRows(last(out)).get('Members')).toBe('members: 3');
    });

    it('shows a moderator the card with its buttons', async () => {
      const out = await w.say(mod, `/group info #${beta.id}`);
      expect(buttons(last(out))).toContain('Add members');
      expect(cardRows(last(out)).get('Members')).toBe('members: 1, invited: 1');
    });
  });

  describe('/group dates', () => {
    it('refuses an end before the start, impossible dates and missing ones, changing nothing', async () => {
      expect(last(await w.say(admin, `/group dates #${alpha.id} 2026-09-01 2026-08-01`)).text).toBe(
        'The end date (2026-08-01) is before the start date (2026-09-01).',
      );
      expect(last(await w.say(admin, `/group dates #${alpha.id} 2026-13-01 2026-12-01`)).text).toMatch(/"2026-13-01" is not a date/);
      expect(last(await w.say(admin, `/group dates #${alpha.id} 31.04.2026 -`)).text).toMatch(/"31.04.2026" is not a date/);
      expect(last(await w.say(admin, `/group dates #${alpha.id} 2026-09-01`)).text).toMatch(/^Use: \/group dates/);
      expect(await stored(w, alpha.id)).toMatchObject({ accessFrom: null, accessTo: null });
    });

    it('saves the window; - leaves a side open', async () => {
      expect(last(await w.say(admin, `/group dates #${alpha.id} 1.9.2026 -`)).text).toMatch(/Access to .*: from 1 Sep 2026\./);
      expect(await stored(w, alpha.id)).toMatchObject({ accessFrom: '2026-09-01', accessTo: null });
      await w.say(admin, `/group dates #${alpha.id} - -`);
      expect(await stored(w, alpha.id)).toMatchObject({ accessFrom: null, accessTo: null });
    });

    it('refuses a learner', async () => {
      expect(last(await w.say(l[0]!, `/group dates #${alpha.id} 2026-09-01 2026-09-30`)).text).toMatch(/You cannot change the group/);
    });
  });

  describe('/group describe and /group rename', () => {
    it('saves a description (shown as text) and clears it with -', async () => {
      expect(last(await w.say(admin, `/group describe #${alpha.id}`)).text).toMatch(/^Use: \/group describe/);
      await w.say(admin, `/group describe #${alpha.id} Read [url=https://evil.example]this[/url] first`);
      expect((await stored(w, alpha.id))!.description).toBe('Read [url=https://evil.example]this[/url] first');
      expect(w.portal.state.workgroups.get(alpha.workgroupId)!.description).toBe('Read [url=https://evil.example]this[/url] first');
      const card = last(await w.say(l[0]!, `/group info #${alpha.id}`));
      expect(cardRows(card).get('Description')).toBe('Read ［url=https://evil.example］this［/url］ first');
      expect(last(await w.say(admin, `/group describe #${alpha.id} -`)).text).toMatch(/is cleared/);
      expect((await stored(w, alpha.id))!.description).toBe('');
    });

    it('refuses an over-long description', async () => {
      const out = await w.say(admin, `/group describe #${alpha.id} ${'d'.repeat(2001)}`);
      expect(last(out).text).toMatch(/description is too long: 2001 characters, at most 2000/);
    });

    it("goes through Bitrix24's rights: a named moderator may not edit another owner's workgroup", async () => {
      const out = await w.say(namedOnly, `/group describe #${beta.id} Mine now`);
      // The portal's own words with the caller's token; the same rule kept by the bot without one.
      expect(last(out).text).toMatch(
        /Bitrix24 refused the change: (User has no permissions to update group|only the workgroup's owner or a portal administrator may change it)\. Nothing was changed/,
      );
      expect((await stored(w, beta.id))!.description).toBe('');
    });

    it('renames, keeping the workgroup in step; refuses an empty or taken name', async () => {
      expect(last(await w.say(admin, `/group rename #${alpha.id} ""`)).text).toBe('The name is empty.');
      expect(last(await w.say(admin, `/group rename #${alpha.id} beta`)).text).toMatch(/already a group called/);
      expect(last(await w.say(admin, `/group rename #${alpha.id} Alpha 2026`)).text).toMatch(/now called \[b\]Alpha 2026/);
      expect(w.portal.state.workgroups.get(alpha.workgroupId)!.name).toBe('Alpha 2026');
    });
  });

  describe('/group archive and unarchive', () => {
    it('hides an archived group from its members but not from moderators', async () => {
      expect(last(await w.say(l[0]!, `/group archive #${alpha.id}`)).text).toMatch(/You cannot change the group/);
      expect(last(await w.say(admin, `/group archive #${alpha.id}`)).text).toMatch(/is archived/);
      expect(last(await w.say(admin, `/group archive #${alpha.id}`)).text).toMatch(/already archived/);
      expect(listed(last(await w.say(l[0]!, '/group list')).text)).toEqual([sales.id]);
      expect(last(await w.say(l[0]!, `/group info #${alpha.id}`)).text).toMatch(/cannot find the group/);
      expect(last(await w.say(admin, '/group list')).text).toMatch(/Alpha 2026.*archived/);
      await w.say(admin, `/group unarchive #${alpha.id}`);
      expect(listed(last(await w.say(l[0]!, '/group list')).text)).toEqual([alpha.id, sales.id].sort());
    });
  });

  describe('/group delete', () => {
    it('asks first; "Keep it" keeps the group; Delete removes it and its workgroup; old buttons answer politely', async () => {
      const card = last(await w.say(mod, `/group info #${beta.id}`));
      expect(last(await w.say(l[1]!, `/group delete #${beta.id}`)).text).toMatch(/You cannot change the group/);

      const first = last(await w.say(mod, `/group delete #${beta.id}`));
      expect(first.text).toMatch(/Delete the study group \[b\]Beta\[\/b\].*\?/);
      expect(first.text).toMatch(/Its Bitrix24 workgroup #\d+ will be deleted too/);
      expect(last(await w.press(mod, first.id, 'Keep it')).text).toMatch(/Nothing deleted/);
      expect(await stored(w, beta.id)).toBeDefined();

      const second = last(await w.say(mod, `/group delete #${beta.id}`));
      const done = await w.press(mod, second.id, 'Delete');
      expect(last(done).text).toMatch(/"Beta" \(#\d+\) and its Bitrix24 workgroup #\d+ are deleted/);
      expect(await stored(w, beta.id)).toBeUndefined();
      expect(w.portal.state.workgroups.has(beta.workgroupId)).toBe(false);
      // The confirmation cannot be pressed twice: Bitrix24 disables it.
      const pressed = w.portal.dialog(mod, String(w.botId)).find((m) => m.id === second.id)!;
      expect(pressed.keyboard!.find((b) => b.text === 'Delete')!.disabled).toBe(true);

      for (const button of ['Delete']) {
        expect(last(await w.press(mod, first.id, button)).text).toMatch(/This group no longer exists/);
      }
      for (const button of ['Description', 'Access dates', 'Hidden', 'Add members', 'Members']) {
        expect(last(await w.press(mod, card.id, button)).text).toMatch(/This group no longer exists/);
      }
      expect(last(await w.say(mod, `/group info #${beta.id}`)).text).toMatch(/cannot find the group/);
    });

    it('a question asked about a group deleted meanwhile is not answered into the void', async () => {
      const g = await createGroup(w, mod, 'Short-lived');
      const card = last(await w.say(mod, `/group info #${g.id}`));
      await w.press(mod, card.id, 'Description');
      // Someone else (an admin) deletes it in the meantime.
      const confirm = last(await w.say(admin, `/group delete #${g.id}`));
      await w.press(admin, confirm.id, 'Delete');
      const out = await w.say(mod, 'A description for nothing');
      expect(allText(out)).not.toMatch(/is saved/);
    });
  });

  describe('/group bind', () => {
    it('binds a group chat for a moderator; refuses learners and private chats', async () => {
      const chat = await w.portal.createChat({ title: 'Alpha chat', ownerId: admin, memberIds: [l[0]!, mod], withBot: w.botId });
      expect(last(await w.say(admin, `/group bind #${alpha.id}`)).text).toMatch(/in a group chat/);
      expect(last(await w.say(l[0]!, `/group bind #${alpha.id}`, chat.dialogId)).text).toMatch(/You cannot change the group/);
      expect(last(await w.say(admin, `/group bind #${alpha.id}`, chat.dialogId)).text).toMatch(/now gets the announcements/);
      expect((await stored(w, alpha.id))!.chatDialogIds).toEqual([chat.dialogId]);
      expect(last(await w.say(admin, `/group bind #${alpha.id}`, chat.dialogId)).text).toMatch(/already gets/);

      // In the bound chat the group may be left out.
      expect(last(await w.say(l[0]!, '/group info', chat.dialogId)).text).toMatch(/Alpha 2026/);
      const added = await w.say(admin, `/group add ${l[4]}`, chat.dialogId);
      expect(last(added).text).toMatch(/Added \(1\)/);
      expect(roles(w, alpha.workgroupId).get(l[4]!)).toBe('K');
    });
  });

  describe('/moderator', () => {
    it('is for admins only', async () => {
      for (const who of [mod, l[0]!, ext]) {
        expect(last(await w.say(who, `/moderator add ${l[3]}`)).text).toBe('Only a Bitrix24 administrator can do that.');
        expect(last(await w.say(who, '/moderator list')).text).toBe('Only a Bitrix24 administrator can do that.');
      }
      expect((await w.data()).moderators).not.toContain(l[3]);
    });

    it('adds, lists and removes; refuses external users and unknown people', async () => {
      expect(last(await w.say(admin, `/moderator add ${l[3]} ${mod}`)).text).toMatch(
        /Now training moderators \(1\): \[USER=\d+\]Daniel Evans.*\nAlready moderators \(1\)/s,
      );
      expect(last(await w.say(admin, `/moderator add ${ext}`)).text).toMatch(/External users cannot be moderators/);
      expect(last(await w.say(admin, '/moderator add 424242')).text).toMatch(/#424242/);
      const list = last(await w.say(admin, '/moderator list')).text;
      expect(list).toMatch(/\(3\):/);
      expect(list).toMatch(/Daniel Evans/);
      expect((await w.data()).moderators).not.toContain(ext);

      // A moderator now, so they may create groups.
      expect(last(await w.say(l[3]!, '/group create Daniel cohort')).text).toMatch(/Study group created/);
      expect(last(await w.say(admin, `/moderator remove ${l[3]} ${l[2]}`)).text).toMatch(/No longer moderators \(1\).*\nNot named moderators \(1\)/s);
      expect(last(await w.say(l[3]!, '/group create Another')).text).toMatch(/Only training moderators/);
    });
  });

  describe('tenants and languages', () => {
    it("a group of another portal is unknown here", async () => {
      const other = await startWorld({ emulator: w.emu, slug: 'globex' });
      try {
        const count = (await w.data()).counters.group;
        for (let i = 0; i <= count; i++) await other.say(other.demo.admin, `/group create "Globex ${i}"`);
        const foreignId = (await other.data()).counters.group;
        expect(foreignId).toBeGreaterThan(count);
        expect(last(await w.say(admin, `/group info #${foreignId}`)).text).toMatch(/cannot find the group/);
        expect(last(await w.say(admin, '/group info "Globex 0"')).text).toMatch(/cannot find the group "Globex 0"/);
        expect(last(await w.say(admin, `/group add #${foreignId} ${l[0]}`)).text).toMatch(/cannot find the group/);
        expect((await w.data()).groups.some((g) => g.name.startsWith('Globex'))).toBe(false);
      } finally {
        await other.close();
      }
    });

    it('answers in Russian on a Russian portal', async () => {
      const ru = await startWorld({ emulator: w.emu, slug: 'ru', language: 'ru' });
      try {
        const admin = ru.demo.admin;
        const card = last(await ru.say(admin, '/group create Весенний поток'));
        expect(card.text).toMatch(/Учебная группа создана/);
        expect(buttons(card)).toContain('Добавить участников');
        expect(cardRows(card).get('Вступление')).toBe('Закрытая: по приглашению');
        expect(last(await ru.say(admin, '/group dates #1 2026-02-30 2026-03-01')).text).toMatch(/«2026-02-30» — не дата/);
        expect(last(await ru.say(admin, '/group add #1 99999')).text).toMatch(/Ничего не изменено/);
        expect(last(await ru.say(admin, `/group add #1 ${ru.demo.learners[0]}`)).text).toMatch(/Добавлены \(1\)/);
        expect(last(await ru.say(ru.demo.learners[1], '/group list')).text).toBe('Вы пока не состоите ни в одной учебной группе.');
      } finally {
        await ru.close();
      }
    });
  });
});
