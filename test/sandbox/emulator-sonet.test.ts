// Workgroups, feed posts and users over REST: string values, rights, invitations, visibility, workgroup chats.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callRest, startWorld, stopWorld, type World } from './helpers.js';

let world: World;

beforeEach(async () => {
  world = await startWorld();
});

afterEach(async () => {
  await stopWorld(world);
});

/** Calls as a given person with a fresh token of the installed app. */
const as = (userId: number) => (method: string, params: Record<string, unknown> = {}) =>
  callRest(world.base, method, { auth: world.portal.tokenFor(userId).accessToken, ...params });

describe('records as Bitrix returns them', () => {
  it('returns strings in sonet_group.get and user.get, never bots', async () => {
    const admin = as(world.ids.admin);
    const groups = await admin('sonet_group.get', { FILTER: { ID: world.ids.moderatorGroup } });
    const group = (groups.body.result as Array<Record<string, unknown>>)[0];
    expect(group).toMatchObject({ ID: String(world.ids.moderatorGroup), OWNER_ID: String(world.ids.moderators[0]), VISIBLE: 'Y', NUMBER_OF_MEMBERS: '5' });
    expect(Object.values(group ?? {}).every((v) => typeof v === 'string')).toBe(true);
    await callRest(world.base, 'imbot.v2.Bot.register', { auth: world.adminToken, fields: { code: 'b', properties: { name: 'B' } } });
    const users = await admin('user.get', { FILTER: { '@ID': [world.ids.learners[0], world.ids.learners[1]] } });
    const list = users.body.result as Array<Record<string, unknown>>;
    expect(list.map((u) => u.ID)).toEqual([String(world.ids.learners[0]), String(world.ids.learners[1])]);
    expect(list[0]).toMatchObject({ ACTIVE: true, USER_TYPE: 'employee', UF_DEPARTMENT: [3] });
    const everyone = await admin('user.get', { FILTER: { ACTIVE: true } });
    expect(everyone.body.total).toBe(10);
    const externals = await admin('user.get', { FILTER: { USER_TYPE: 'extranet' } });
    expect((externals.body.result as Array<{ ID: string }>).map((u) => u.ID)).toEqual([String(world.ids.external)]);
  });

  it('lists workgroups in the newer API with the dialog id, and finds users with user.search', async () => {
    const list = await as(world.ids.learners[0])('socialnetwork.api.workgroup.list', {
      select: ['ID', 'NAME'],
      params: { shouldSelectDialogId: 'Y' },
    });
    const groups = (list.body.result as { workgroups: Array<Record<string, unknown>> }).workgroups;
    const sales = groups.find((g) => g.id === String(world.ids.moderatorGroup));
    expect(sales).toMatchObject({ name: 'Sales onboarding', additionalData: { role: 'K' } });
    expect(String(sales?.dialogId)).toMatch(/^chat\d+$/);
    const found = await as(world.ids.admin)('user.search', { FIND: 'petro' });
    expect((found.body.result as Array<{ ID: string }>).map((u) => u.ID)).toEqual([String(world.ids.learners[0])]);
    const peers = await as(world.ids.external)('user.get', {});
    expect((peers.body.result as Array<{ ID: string }>).map((u) => u.ID)).toEqual([String(world.ids.external)]);
  });

  it('tells admins apart with user.admin and profile', async () => {
    expect((await as(world.ids.admin)('user.admin')).body.result).toBe(true);
    expect((await as(world.ids.moderators[0])('user.admin')).body.result).toBe(false);
    expect((await as(world.ids.moderators[0])('profile')).body.result).toMatchObject({ ADMIN: false, ID: String(world.ids.moderators[0]) });
  });
});

describe('membership rights', () => {
  it('refuses sonet_group.user.add to a non-admin with an empty code and HTTP 400', async () => {
    const reply = await as(world.ids.moderators[0])('sonet_group.user.add', { GROUP_ID: world.ids.moderatorGroup, USER_ID: [world.ids.learners[4]] });
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ error: '', error_description: 'No permissions to add users' });
    const byAdmin = await as(world.ids.admin)('sonet_group.user.add', { GROUP_ID: world.ids.moderatorGroup, USER_ID: [world.ids.learners[4], world.ids.learners[0]] });
    expect(byAdmin.body.result).toEqual([world.ids.learners[4]]);
  });

  it('invites with role Z; accepting turns it into K', async () => {
    const group = world.ids.moderatorGroup;
    const invite = await as(world.ids.moderators[1])('sonet_group.user.invite', { GROUP_ID: group, USER_ID: [world.ids.learners[5], world.ids.learners[0]] });
    expect(invite.body.result).toEqual([world.ids.learners[5]]);
    const details = await as(world.ids.moderators[0])('socialnetwork.api.workgroup.get', { params: { groupId: group, select: ['USER_DATA'] } });
    const info = details.body.result as Record<string, unknown>;
    expect(info.INVITED_MEMBERS).toEqual([world.ids.learners[5]]);
    expect(info).toMatchObject({ CHAT_ID: expect.any(Number), DIALOG_ID: `chat${String(info.CHAT_ID)}`, OWNER_ID: String(world.ids.moderators[0]), USER_DATA: { ROLE: 'A' } });
    const before = await as(world.ids.admin)('sonet_group.user.get', { ID: group });
    expect((before.body.result as Array<{ USER_ID: string }>).some((m) => m.USER_ID === String(world.ids.learners[5]))).toBe(false);

    await world.portal.as(world.ids.learners[5]).acceptInvitation(group);
    const after = await as(world.ids.admin)('sonet_group.user.get', { ID: group });
    expect(after.body.result).toContainEqual({ USER_ID: String(world.ids.learners[5]), ROLE: 'K' });
    const chatId = Number(info.CHAT_ID);
    expect(world.portal.state.chats.get(chatId)?.members.has(world.ids.learners[5])).toBe(true);
  });

  it("answers USER_DATA with the boolean false, not '', for a reader with no relation to the group", async () => {
    const id = world.portal.addWorkgroup({ name: 'Not the admin’s', ownerId: world.ids.moderators[0] }).id;
    const details = await as(world.ids.admin)('socialnetwork.api.workgroup.get', { params: { groupId: id, select: ['USER_DATA'] } });
    expect((details.body.result as Record<string, unknown>).USER_DATA).toEqual({ ROLE: false, INITIATED_BY_TYPE: false });
  });

  it('follows INITIATE_PERMS: members cannot invite into an E group (empty result, no error)', async () => {
    const reply = await as(world.ids.learners[0])('sonet_group.user.invite', { GROUP_ID: world.ids.moderatorGroup, USER_ID: world.ids.learners[5] });
    expect(reply.status).toBe(200);
    expect(reply.body.result).toEqual([]);
  });

  it('makes the creator the owner and ignores OWNER_ID from non-admins; extranet groups stay hidden', async () => {
    const created = await as(world.ids.moderators[0])('sonet_group.create', { NAME: 'Course A', OWNER_ID: world.ids.admin, VISIBLE: 'Y' });
    const id = created.body.result as number;
    const members = await as(world.ids.moderators[0])('sonet_group.user.get', { ID: id });
    expect(members.body.result).toEqual([{ USER_ID: String(world.ids.moderators[0]), ROLE: 'A' }]);
    const ext = await as(world.ids.external)('sonet_group.create', { NAME: 'Outside', VISIBLE: 'Y', OPENED: 'Y' });
    const extGroup = world.portal.state.workgroups.get(ext.body.result as number);
    expect(extGroup).toMatchObject({ visible: false, opened: false, initiatePerms: 'E' });
    const chat = await as(world.ids.moderators[0])('im.chat.get', { ENTITY_TYPE: 'SONET_GROUP', ENTITY_ID: String(id) });
    expect(chat.body.result).toEqual({ ID: expect.any(Number) });
    expect((await as(world.ids.moderators[0])('im.chat.get', { ENTITY_TYPE: 'SONET_GROUP', ENTITY_ID: '9999' })).body.result).toBeNull();
  });

  it('hides invisible groups from outsiders; admins see them with IS_ADMIN=Y', async () => {
    const hidden = world.portal.addWorkgroup({ name: 'Secret', ownerId: world.ids.moderators[0], visible: false });
    const outsider = await as(world.ids.learners[5])('sonet_group.get', { FILTER: { ID: hidden.id } });
    expect(outsider.body.result).toEqual([]);
    const adminPlain = await as(world.ids.admin)('sonet_group.get', { FILTER: { ID: hidden.id } });
    expect(adminPlain.body.result).toEqual([]);
    const adminAll = await as(world.ids.admin)('sonet_group.get', { FILTER: { ID: hidden.id }, IS_ADMIN: 'Y' });
    expect((adminAll.body.result as unknown[]).length).toBe(1);
    const notFound = await as(world.ids.learners[5])('sonet_group.user.get', { ID: hidden.id });
    expect(notFound.body).toEqual({ error: '', error_description: 'Socialnetwork group not found' });
    const viaApi = await as(world.ids.admin)('socialnetwork.api.workgroup.get', { params: { groupId: hidden.id } });
    expect(viaApi.status).toBe(200);
  });
});

describe('feed posts', () => {
  it('lets members and admins post to SG<id>, refuses others', async () => {
    const dest = [`SG${world.ids.moderatorGroup}`];
    const member = await as(world.ids.learners[0])('log.blogpost.add', { POST_TITLE: 'Week 1', POST_MESSAGE: 'Read chapter 1', DEST: dest });
    expect(typeof member.body.result).toBe('number');
    const admin = await as(world.ids.admin)('log.blogpost.add', { POST_MESSAGE: 'From the admin', DEST: dest });
    expect(admin.status).toBe(200);
    const outsider = await as(world.ids.learners[5])('log.blogpost.add', { POST_MESSAGE: 'Let me in', DEST: dest });
    expect(outsider.status).toBe(400);
    expect(outsider.body.error).toBe('SONET_CONTROLLER_LIVEFEED_BLOGPOST_ADD_ERROR');
    const access = await as(world.ids.learners[5])('sonet_group.feature.access', { GROUP_ID: world.ids.moderatorGroup, FEATURE: 'blog', OPERATION: 'write_post' });
    expect(access.body.result).toBe(false);
    const posts = await as(world.ids.learners[1])('log.blogpost.get', { LOG_RIGHTS: dest });
    expect((posts.body.result as Array<{ AUTHOR_ID: string }>).map((p) => p.AUTHOR_ID)).toEqual([String(world.ids.admin), String(world.ids.learners[0])]);
  });
});
