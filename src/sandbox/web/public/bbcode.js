// Bitrix24 messenger BB-code → DOM nodes, built with createElement/textContent only (no innerHTML: user text stays text).

const PAIRED = new Set(['b', 'i', 'u', 's', 'size', 'color', 'url', 'user', 'chat', 'context', 'send', 'put', 'call', 'img', 'quote', 'code']);
const SINGLE = new Set(['br', 'icon', 'timestamp', 'disk']);
const TAG = /\[(\/?)([a-z]+)((?:=|\s)[^\]]*)?\]/gi;

/** Lines starting with `>>` and blocks between `------` lines become quotes, as in the messenger. */
function quotes(text) {
  const out = [];
  let inBlock = false;
  for (const line of text.split('\n')) {
    if (line.trim() === '------') {
      out.push(inBlock ? '[/quote]' : '[quote]');
      inBlock = !inBlock;
      continue;
    }
    if (!inBlock && line.startsWith('>>')) out.push(`[quote]${line.slice(2)}[/quote]`);
    else out.push(line);
  }
  if (inBlock) out.push('[/quote]');
  // A quote is a block of its own: the line breaks around it would only add empty lines.
  return out.join('\n').replace(/\[quote\]\n/g, '[quote]').replace(/\n?\[\/quote\]\n?/g, '[/quote]');
}

/**
 * Parses BB-code into a tree: { type: 'text', text } or { type: 'tag', name, value, children }.
 * Unknown tags and tags never closed stay literal text, as the messenger shows them.
 */
export function parseBbCode(source) {
  const text = quotes(String(source ?? '').replace(/\r\n?/g, '\n'));
  const root = { type: 'tag', name: 'root', value: '', children: [], raw: '' };
  const stack = [root];
  const top = () => stack[stack.length - 1];
  const pushText = (t) => {
    if (t === '') return;
    const children = top().children;
    const last = children[children.length - 1];
    if (last && last.type === 'text') last.text += t;
    else children.push({ type: 'text', text: t });
  };
  let pos = 0;
  TAG.lastIndex = 0;
  for (let m = TAG.exec(text); m; m = TAG.exec(text)) {
    const [raw, slash, rawName, rest] = m;
    const name = rawName.toLowerCase();
    pushText(text.slice(pos, m.index));
    pos = m.index + raw.length;
    if (!PAIRED.has(name) && !SINGLE.has(name)) {
      pushText(raw);
      continue;
    }
    const value = rest ? rest.replace(/^=/, '').trim() : '';
    if (slash) {
      const at = stack.map((n) => n.name).lastIndexOf(name);
      if (at <= 0) {
        pushText(raw);
        continue;
      }
      // Tags opened inside and never closed become text again.
      while (stack.length - 1 > at) unwrap(stack.pop(), stack[stack.length - 1]);
      stack.pop();
      continue;
    }
    if (SINGLE.has(name)) {
      top().children.push({ type: 'tag', name, value, children: [] });
      continue;
    }
    if (name === 'code') {
      // Code is literal up to its closing tag.
      const end = text.toLowerCase().indexOf('[/code]', pos);
      if (end === -1) {
        pushText(raw);
        continue;
      }
      top().children.push({ type: 'tag', name, value, children: [{ type: 'text', text: text.slice(pos, end) }] });
      pos = end + '[/code]'.length;
      TAG.lastIndex = pos;
      continue;
    }
    const node = { type: 'tag', name, value, children: [], raw };
    top().children.push(node);
    stack.push(node);
  }
  pushText(text.slice(pos));
  while (stack.length > 1) unwrap(stack.pop(), stack[stack.length - 1]);
  return root.children;
}

/** An unclosed tag: its opening text and its children take its place in the parent. */
function unwrap(node, parent) {
  const index = parent.children.indexOf(node);
  const replacement = [{ type: 'text', text: node.raw }, ...node.children];
  parent.children.splice(index, 1, ...replacement);
  // Merge neighbouring text nodes so the tree stays tidy.
  for (let i = parent.children.length - 1; i > 0; i -= 1) {
    const a = parent.children[i - 1];
    const b = parent.children[i];
    if (a.type === 'text' && b.type === 'text') {
      a.text += b.text;
      parent.children.splice(i, 1);
    }
  }
}

/** Absolute http(s) links and portal-relative paths only; anything else (javascript:, data:) is not a link. */
export function safeHref(value) {
  const v = String(value ?? '').trim();
  if (v.startsWith('/') && !v.startsWith('//')) return v;
  try {
    const url = new URL(v);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

function plain(nodes) {
  return nodes.map((n) => (n.type === 'text' ? n.text : plain(n.children))).join('');
}

function textWithBreaks(parent, text) {
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (i > 0) parent.appendChild(document.createElement('br'));
    if (line !== '') parent.appendChild(document.createTextNode(line.replace(/ {4}/g, '\u2003')));
  });
}

function el(tag, className) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  return node;
}

function attrOf(value, key) {
  const m = new RegExp(`(?:^|\\s)${key}=([^\\s]+)`).exec(value);
  return m ? m[1] : '';
}

/**
 * Renders BB-code into a DocumentFragment. `actions` receives clicks the messenger handles itself:
 * send(text), put(text), openDialog(dialogId), mention(userId).
 */
export function renderBbCode(source, actions = {}, opts = {}) {
  const fragment = document.createDocumentFragment();
  build(fragment, parseBbCode(source), actions, opts);
  return fragment;
}

function build(parent, nodes, actions, opts) {
  for (const node of nodes) {
    if (node.type === 'text') {
      textWithBreaks(parent, node.text);
      continue;
    }
    const out = element(node, actions, opts);
    if (out) parent.appendChild(out);
  }
}

/** `{ dialog, context }` of a BOT_CONTEXT link, or null. */
export function botContextOf(href) {
  try {
    const url = new URL(href, 'http://portal.invalid/');
    const dialog = url.searchParams.get('IM_DIALOG') ?? '';
    const raw = url.searchParams.get('BOT_CONTEXT');
    if (!/^\d+$/.test(dialog) || raw === null) return null;
    const context = JSON.parse(raw);
    return context !== null && typeof context === 'object' && !Array.isArray(context) ? { dialog, context } : null;
  } catch {
    return null;
  }
}

function clickable(node, className, onClick) {
  const a = el('a', className);
  a.href = '#';
  a.addEventListener('click', (e) => {
    e.preventDefault();
    onClick();
  });
  return a;
}

function element(node, actions, opts) {
  const { name, value, children } = node;
  const inner = (target) => {
    build(target, children, actions, opts);
    return target;
  };
  switch (name) {
    case 'b':
    case 'i':
    case 'u':
    case 's':
      return inner(el(name));
    case 'size': {
      const span = el('span');
      const px = Math.min(30, Math.max(8, Number.parseInt(value, 10) || 13));
      span.style.fontSize = `${px}px`;
      return inner(span);
    }
    case 'color': {
      const span = el('span');
      if (/^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(value)) span.style.color = value;
      return inner(span);
    }
    case 'url': {
      const href = safeHref(value || plain(children));
      if (!href) return inner(el('span'));
      // A Bitrix24 deep link into a bot (…/online/?IM_DIALOG=<bot>&BOT_CONTEXT=<json>): the portal
      // opens the chat with the bot and hands it the context; so does the sandbox.
      const deep = botContextOf(href);
      if (deep && actions.openWithContext) return inner(clickable(node, 'bb-link', () => actions.openWithContext(deep.dialog, deep.context)));
      const a = el('a', 'bb-link');
      a.href = href;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      return inner(a);
    }
    case 'user': {
      const span = el('span', 'bb-mention');
      span.dataset.userId = value;
      if (opts.me !== undefined && String(opts.me) === value) span.classList.add('me');
      return inner(span);
    }
    case 'chat': {
      const id = value.replace(/^imol\|/, '');
      if (!/^\d+$/.test(id) || !actions.openDialog) return inner(el('span', 'bb-chat'));
      return inner(clickable(node, 'bb-chat', () => actions.openDialog(`chat${id}`)));
    }
    case 'context': {
      const dialog = value.split('/')[0] ?? '';
      if (!actions.openDialog || !/^(chat\d+|\d+)$/.test(dialog)) return inner(el('span', 'bb-link'));
      return inner(clickable(node, 'bb-link', () => actions.openDialog(dialog)));
    }
    case 'send': {
      const text = value || plain(children);
      if (!actions.send) return inner(el('span', 'bb-send'));
      return inner(clickable(node, 'bb-send', () => actions.send(text)));
    }
    case 'put': {
      const text = value || plain(children);
      if (!actions.put) return inner(el('span', 'bb-put'));
      return inner(clickable(node, 'bb-put', () => actions.put(text)));
    }
    case 'call':
      return inner(el('span', 'bb-call'));
    case 'img': {
      // No internet in the sandbox: an image is shown as its link.
      const href = safeHref(plain(children).trim());
      const a = el(href ? 'a' : 'span', 'bb-link');
      if (href) {
        a.href = href;
        a.target = '_blank';
        a.rel = 'noopener noreferrer';
      }
      a.textContent = `🖼 ${plain(children).trim()}`;
      return a;
    }
    case 'quote':
      return inner(el('div', 'bb-quote'));
    case 'code': {
      const pre = el('pre', 'bb-code');
      pre.textContent = plain(children);
      return pre;
    }
    case 'br':
      return el('br');
    case 'timestamp': {
      const seconds = Number.parseInt(value, 10);
      const span = el('span', 'bb-time');
      const format = attrOf(value, 'format');
      span.textContent = Number.isFinite(seconds) ? formatStamp(seconds * 1000, format, opts) : value;
      return span;
    }
    case 'icon': {
      const title = attrOf(value, 'title');
      if (!title) return null;
      const span = el('span', 'bb-icon');
      span.textContent = title;
      return span;
    }
    case 'disk': {
      const span = el('span', 'bb-link');
      span.textContent = `📄 #${value}`;
      return span;
    }
    default:
      return inner(el('span'));
  }
}

function formatStamp(ms, format, opts) {
  const offset = (opts.utcOffsetMinutes ?? 0) * 60_000;
  const d = new Date(ms + offset);
  const pad = (n) => String(n).padStart(2, '0');
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  if (/TIME/.test(format) && !/DATE/.test(format)) return time;
  if (/DATE/.test(format) && !/TIME/.test(format)) return date;
  return `${date} ${time}`;
}
