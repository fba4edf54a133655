// log.blogpost.add/get: Activity Stream posts, written only where the author may write (api doc §14).
import { RestError } from '../errors.js';
import { paginate } from '../envelope.js';
import { formatPostRecord } from '../format-classic.js';
import { toList } from '../php.js';
import { isYes, pick, toInt, toStr } from '../params.js';
import { methods, type CallContext, type MethodDef } from '../registry.js';
import type { PostRecord } from '../types.js';
import { featureAccess } from './sonet-group.js';

const addError = (text: string) => new RestError('SONET_CONTROLLER_LIVEFEED_BLOGPOST_ADD_ERROR', text, 400);

function destinations(value: unknown): string[] {
  const list = typeof value === 'string' ? value.split(',') : toList(value);
  return list.map((d) => String(d).trim()).filter((d) => d !== '');
}

function add(ctx: CallContext) {
  const state = ctx.portal.state;
  const caller = ctx.caller.user;
  const message = toStr(pick(ctx.params, 'POST_MESSAGE')) ?? '';
  if (message.trim() === '') throw addError("Blog post hasn't been added");
  const dest = destinations(pick(ctx.params, 'DEST', 'SPERM'));
  const targets = dest.length > 0 ? dest : ['UA'];
  // USER_ID (posting as somebody else) counts only for admins.
  const asUser = toInt(pick(ctx.params, 'USER_ID'));
  const authorId = caller.admin && asUser > 0 && state.isHuman(asUser) ? asUser : caller.id;
  for (const target of targets) {
    const group = /^SG(\d+)$/.exec(target);
    if (group) {
      const workgroup = state.workgroups.get(Number(group[1]));
      if (!workgroup) throw addError('No destination specified');
      if (!featureAccess(ctx, workgroup, authorId, 'blog', 'write_post')) throw addError('No permissions to write to the group feed');
      continue;
    }
    const user = /^U(\d+)$/.exec(target);
    if (user) {
      if (!state.isHuman(Number(user[1]))) throw addError('No destination specified');
      continue;
    }
    if (target === 'UA') {
      if (state.users.get(authorId)?.extranet) throw addError('No permissions to write to all employees');
      continue;
    }
    if (!/^DR?\d+$/.test(target)) throw addError('No destination specified');
  }
  const post: PostRecord = {
    id: state.nextId('post'),
    authorId,
    title: toStr(pick(ctx.params, 'POST_TITLE')) ?? '',
    message,
    dest: targets,
    important: isYes(pick(ctx.params, 'IMPORTANT')),
    date: ctx.portal.now(),
  };
  state.posts.set(post.id, post);
  for (const target of targets) {
    const group = /^SG(\d+)$/.exec(target);
    const workgroup = group ? state.workgroups.get(Number(group[1])) : undefined;
    if (workgroup) workgroup.activityAt = post.date;
  }
  return { result: post.id };
}

function canRead(ctx: CallContext, post: PostRecord): boolean {
  const state = ctx.portal.state;
  const caller = ctx.caller.user;
  if (caller.admin || post.authorId === caller.id) return true;
  return post.dest.some((target) => {
    if (target === 'UA') return !caller.extranet;
    if (target === `U${caller.id}`) return true;
    const group = /^SG(\d+)$/.exec(target);
    const workgroup = group ? state.workgroups.get(Number(group[1])) : undefined;
    return workgroup !== undefined && featureAccess(ctx, workgroup, caller.id, 'blog', 'view_post');
  });
}

function get(ctx: CallContext) {
  const state = ctx.portal.state;
  const postId = toInt(pick(ctx.params, 'POST_ID'));
  let posts = [...state.posts.values()].filter((p) => canRead(ctx, p));
  if (postId > 0) posts = posts.filter((p) => p.id === postId);
  else {
    const rights = destinations(pick(ctx.params, 'LOG_RIGHTS'));
    if (rights.length > 0) posts = posts.filter((p) => p.dest.some((d) => rights.includes(d)));
  }
  posts.sort((a, b) => b.id - a.id);
  const { page, ...paging } = paginate(posts, ctx.params.start);
  return { result: page.map((p) => formatPostRecord(p, state)), ...paging };
}

export const logMethods: MethodDef[] = methods(['log'], {
  'log.blogpost.add': add,
  'log.blogpost.get': get,
});
