// The sandbox page: acts as any demo person in a Bitrix24-like messenger, shows the raw traffic and drives the portal's controls.
import { renderBbCode, safeHref } from './bbcode.js';

const I18N = {
  en: {
    sandbox: 'Sandbox', actingAs: 'Acting as', inspector: 'Inspector', controls: 'Controls', search: 'Search',
    newChat: '+ Group chat with the bot', typeHere: 'Type a message, / for commands, @ to mention', send: 'Send',
    feedNote: "Posts of the workgroup's feed (Activity Stream). The bot posts announcements here with log.blogpost.add.",
    all: 'All', events: 'Events', errorsOnly: 'errors only', filterMethod: 'Filter: method, event, text', clear: 'Clear',
    tokensTitle: 'Tokens', tokensText: "Every access token expires now. The bot's next call gets expired_token and must refresh (see OAuth in the inspector).",
    expireNow: 'Expire tokens now', rateTitle: 'Rate limit', rateText: "The portal's leaky bucket: above the burst it answers 503 QUERY_LIMIT_EXCEEDED.",
    rateNormal: 'Normal: 50 burst, 2/s', rateTight: 'Tight: 5 burst, 0.5/s', rateOff: 'Off',
    groupsTitle: 'Workgroups', groupsText: "Change membership in Bitrix24 itself, behind the bot's back (add or remove people), or accept an invitation as the invited person.",
    addToGroup: 'Add to workgroup', clockTitle: 'Clock',
    clockText: "The portal's clock, which the bot follows: move it forward to see access windows open and close, schedules and reminders.",
    plusHour: '+1 hour', plusDay: '+1 day', resetTitle: 'Reset',
    resetText: 'A fresh demo company: every chat, group, course and log is dropped and the bot is installed again.',
    resetButton: 'Reset the demo company', newChatTitle: 'New group chat with the bot', chatName: 'Name', cancel: 'Cancel', create: 'Create',
    chats: 'Chats', feeds: 'Workgroup feeds', bot: 'bot', feed: 'feed', workgroupChat: 'workgroup',
    role_admin: 'portal admin', role_moderator: 'moderator', role_learner: 'learner', role_external: 'external user',
    today: 'Today', typing: '{name} is typing…', members: '{n} members', withBot: 'with the bot',
    emptyBot: 'Say hello, or type / to see the commands.', emptyChat: 'No messages yet.',
    emptyFeed: 'No posts yet. When a course is attached to this group, the bot announces it here.',
    expired: '{n} access tokens expired', level: 'bucket {level} of {burst}', levelOff: 'no limit',
    accept: 'accept', remove: 'remove', owner: 'owner', moderator: 'moderator', member: 'member', invited: 'invited',
    resetConfirm: 'Drop everything and start a fresh demo company?', resetDone: 'The demo company was reset',
    portalTime: 'Portal time', shifted: 'moved forward by {h} h', rows: '{shown} of {total}',
    addedBehind: '{name} added to {group} (the bot was not told)', accepted: '{name} accepted the invitation to {group}',
    removedBehind: '{name} removed from {group} (the bot was not told)',
    copied: 'Copied', call: 'Calls are not emulated', body: 'Request', response: 'Response', to: 'to',
    chatCreated: 'Chat created; the bot was added to it', as: 'as',
  },
  ru: {
    sandbox: 'Песочница', actingAs: 'Действую как', inspector: 'Инспектор', controls: 'Управление', search: 'Поиск',
    newChat: '+ Групповой чат с ботом', typeHere: 'Сообщение; / — команды, @ — упомянуть', send: 'Отправить',
    feedNote: 'Посты ленты рабочей группы (Живая лента). Бот публикует здесь объявления через log.blogpost.add.',
    all: 'Все', events: 'События', errorsOnly: 'только ошибки', filterMethod: 'Фильтр: метод, событие, текст', clear: 'Очистить',
    tokensTitle: 'Токены', tokensText: 'Все токены доступа истекают сейчас. Следующий вызов бота получит expired_token, и он должен обновить токен (см. OAuth в инспекторе).',
    expireNow: 'Истечь токены сейчас', rateTitle: 'Лимит запросов', rateText: 'Дырявое ведро портала: сверх лимита он отвечает 503 QUERY_LIMIT_EXCEEDED.',
    rateNormal: 'Обычный: 50 сразу, 2/с', rateTight: 'Жёсткий: 5 сразу, 0,5/с', rateOff: 'Без лимита',
    groupsTitle: 'Рабочие группы', groupsText: 'Измените состав прямо в Битрикс24, в обход бота (добавьте или уберите людей), или примите приглашение от имени приглашённого.',
    addToGroup: 'Добавить в группу', clockTitle: 'Часы',
    clockText: 'Часы портала, по которым живёт и бот: переведите их вперёд, чтобы увидеть открытие и закрытие доступа, расписания и напоминания.',
    plusHour: '+1 час', plusDay: '+1 день', resetTitle: 'Сброс',
    resetText: 'Новая демо-компания: все чаты, группы, курсы и журнал удаляются, бот устанавливается заново.',
    resetButton: 'Сбросить демо-компанию', newChatTitle: 'Новый групповой чат с ботом', chatName: 'Название', cancel: 'Отмена', create: 'Создать',
    chats: 'Чаты', feeds: 'Ленты рабочих групп', bot: 'бот', feed: 'лента', workgroupChat: 'группа',
    role_admin: 'администратор портала', role_moderator: 'модератор', role_learner: 'ученик', role_external: 'внешний пользователь',
    today: 'Сегодня', typing: '{name} печатает…', members: 'участников: {n}', withBot: 'с ботом',
    emptyBot: 'Поздоровайтесь или наберите /, чтобы увидеть команды.', emptyChat: 'Сообщений пока нет.',
    emptyFeed: 'Постов пока нет. Когда к группе прикрепят курс, бот объявит об этом здесь.',
    expired: 'Истекло токенов: {n}', level: 'в ведре {level} из {burst}', levelOff: 'без лимита',
    accept: 'принять', remove: 'убрать', owner: 'владелец', moderator: 'модератор', member: 'участник', invited: 'приглашён',
    resetConfirm: 'Удалить всё и начать с новой демо-компанией?', resetDone: 'Демо-компания сброшена',
    portalTime: 'Время портала', shifted: 'переведено вперёд на {h} ч', rows: '{shown} из {total}',
    addedBehind: '{name} добавлен(а) в {group} (бот не знает)', accepted: '{name} принял(а) приглашение в {group}',
    removedBehind: '{name} удалён(а) из {group} (бот не знает)',
    copied: 'Скопировано', call: 'Звонки не эмулируются', body: 'Запрос', response: 'Ответ', to: 'в',
    chatCreated: 'Чат создан, бот добавлен', as: 'от имени',
  },
};

const $ = (id) => document.getElementById(id);
const state = {
  instance: null,
  bot: null,
  people: [],
  portal: null,
  fetchedAt: Date.now(),
  me: null,
  dialogs: [],
  current: null,
  conversation: null,
  conversationKey: '',
  commands: [],
  suggest: { items: [], index: 0, kind: null },
  rows: [],
  seen: new Set(),
  lastSeq: 0,
  clearedBefore: 0,
  filter: { kind: 'all', errors: false, text: '' },
  openRows: new Set(),
  panel: localStorage.getItem('sb.panel') || 'inspector',
  /** "The bot is typing…": since when, and which bot message ends it. */
  wait: null,
  typingTimer: null,
  /** Scroll to the newest message at the next render (after one's own message or press). */
  stickOnce: false,
  appliedLang: null,
  refreshing: null,
  refreshAgain: false,
};

// ---------- small helpers ----------

function t(key, vars = {}) {
  const lang = state.portal?.language === 'ru' ? 'ru' : 'en';
  const text = I18N[lang][key] ?? I18N.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ''));
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

async function api(path, body) {
  const init = body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  const res = await fetch(path, init);
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.error || `HTTP ${res.status}`);
  return data;
}

function toast(message, error = false) {
  const node = el('div', `toast${error ? ' error' : ''}`, message);
  $('toasts').appendChild(node);
  setTimeout(() => node.remove(), error ? 6000 : 3500);
}

function guard(promise) {
  return promise.catch((e) => toast(e.message || String(e), true));
}

function portalNow() {
  return (state.portal?.now ?? Date.now()) + (Date.now() - state.fetchedAt);
}

function shifted(ms) {
  return new Date(ms + (state.portal?.utcOffsetMinutes ?? 0) * 60_000);
}

const pad = (n, w = 2) => String(n).padStart(w, '0');

function fmtTime(ms) {
  const d = shifted(ms);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

function fmtClock(ms) {
  const d = shifted(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${fmtTime(ms)}`;
}

function fmtPrecise(ms) {
  const d = shifted(ms);
  return `${fmtTime(ms)}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

function dayKey(ms) {
  const d = shifted(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function dayLabel(ms) {
  if (dayKey(ms) === dayKey(portalNow())) return t('today');
  const lang = state.portal?.language === 'ru' ? 'ru-RU' : 'en-GB';
  return new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(shifted(ms));
}

function initials(name) {
  return name.split(/\s+/).filter(Boolean).slice(0, 2).map((p) => p[0].toUpperCase()).join('') || '?';
}

function avatar(name, color, extra = '') {
  const node = el('div', `avatar ${extra}`, initials(name));
  node.style.background = color;
  return node;
}

function me() {
  return state.people.find((p) => p.id === state.me);
}

function bbActions() {
  return {
    send: (text) => guard(sendText(text)),
    put: (text) => putText(text),
    openDialog: (dialogId) => guard(openDialog(dialogId)),
    openWithContext: (dialogId, context) => guard(openWithContext(dialogId, context)),
  };
}

/** A deep link into the bot: its dialog opens, then the portal hands the bot the link's context. */
async function openWithContext(dialogId, context) {
  await openDialog(dialogId);
  const before = maxMessageId();
  await api('/api/context', { as: state.me, dialog: dialogId, context });
  wait('context', before);
  scheduleRefresh();
}

function bb(text) {
  return renderBbCode(text, bbActions(), { me: state.me, utcOffsetMinutes: state.portal?.utcOffsetMinutes ?? 0 });
}

// ---------- start-up and live updates ----------

async function bootstrap() {
  const boot = await api('/api/bootstrap');
  state.instance = boot.instance;
  state.bot = boot.bot;
  state.people = boot.people;
  setPortal(boot);
  renderPeople();
  const saved = Number(localStorage.getItem('sb.as'));
  const id = state.people.some((p) => p.id === saved) ? saved : boot.defaultUser;
  await selectUser(id);
}

function setPortal(info) {
  state.portal = { ...state.portal, ...info };
  state.fetchedAt = Date.now();
  applyLanguage();
  renderClock();
  renderControls();
}

function connectStream() {
  const source = new EventSource('/api/stream');
  source.addEventListener('hello', (e) => {
    const hello = JSON.parse(e.data);
    if (state.instance && hello.instance !== state.instance) {
      // The sandbox was restarted: start over.
      forgetRows();
      guard(loadInspector(0));
      guard(bootstrap());
      return;
    }
    guard(loadInspector());
    scheduleRefresh();
  });
  source.addEventListener('row', (e) => addRow(JSON.parse(e.data)));
  source.addEventListener('change', () => scheduleRefresh());
  source.addEventListener('reset', () => {
    forgetRows();
    renderRows();
    guard(loadInspector(0));
    guard(bootstrap());
  });
}

let refreshTimer = null;
function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => guard(refresh()), 30);
}

/** Reloads what may have changed; calls arriving during a reload run it once more afterwards. */
async function refresh() {
  if (state.refreshing) {
    state.refreshAgain = true;
    return state.refreshing;
  }
  state.refreshing = (async () => {
    try {
      do {
        state.refreshAgain = false;
        const [info] = await Promise.all([api('/api/portal'), loadDialogs(), loadConversation()]);
        setPortal(info);
      } while (state.refreshAgain);
    } finally {
      state.refreshing = null;
    }
  })();
  return state.refreshing;
}

// ---------- people ----------

function renderPeople() {
  const select = $('as-select');
  select.textContent = '';
  for (const p of state.people) {
    const option = el('option', '', `${p.name} — ${t(`role_${p.role}`)}`);
    option.value = String(p.id);
    select.appendChild(option);
  }
  if (state.me) select.value = String(state.me);
  for (const id of ['wg-user']) {
    const s = $(id);
    const keep = s.value;
    s.textContent = '';
    for (const p of state.people) {
      const o = el('option', '', p.name);
      o.value = String(p.id);
      s.appendChild(o);
    }
    if (keep) s.value = keep;
  }
}

async function selectUser(id) {
  state.me = id;
  localStorage.setItem('sb.as', String(id));
  $('as-select').value = String(id);
  const person = me();
  const badge = $('role-badge');
  badge.textContent = person ? t(`role_${person.role}`) : '';
  badge.className = `role-badge ${person?.role ?? ''}`;
  state.current = null;
  state.conversation = null;
  state.conversationKey = '';
  await loadDialogs();
  const remembered = localStorage.getItem(`sb.dialog.${id}`);
  const target = state.dialogs.some((d) => d.dialogId === remembered) ? remembered : String(state.bot.id);
  await openDialog(target);
}

// ---------- dialogs ----------

async function loadDialogs() {
  if (!state.me) return;
  state.dialogs = await api(`/api/dialogs?as=${state.me}`);
  renderDialogs();
}

function renderDialogs() {
  const list = $('dialogs');
  const filter = $('dialog-filter').value.trim().toLowerCase();
  list.textContent = '';
  const shown = state.dialogs.filter((d) => !filter || d.title.toLowerCase().includes(filter));
  const chats = shown.filter((d) => d.kind !== 'feed');
  const feeds = shown.filter((d) => d.kind === 'feed');
  const section = (title, items) => {
    if (items.length === 0) return;
    list.appendChild(el('div', 'section-title', title));
    for (const d of items) list.appendChild(dialogItem(d));
  };
  section(t('chats'), chats);
  section(t('feeds'), feeds);
}

function dialogItem(d) {
  const item = el('div', `dialog-item${d.dialogId === state.current ? ' active' : ''}`);
  item.dataset.dialogId = d.dialogId;
  item.dataset.kind = d.kind;
  item.dataset.testid = 'dialog';
  item.appendChild(avatar(d.title, d.color, d.kind === 'bot' ? 'bot' : d.kind === 'feed' ? 'feed' : ''));
  const meta = el('div', 'meta');
  const title = el('div', 'title');
  title.appendChild(el('span', '', d.title));
  if (d.kind === 'bot') title.appendChild(el('span', 'tag bot', t('bot')));
  if (d.kind === 'feed') title.appendChild(el('span', 'tag feed', t('feed')));
  if (d.kind === 'workgroupChat') title.appendChild(el('span', 'tag', t('workgroupChat')));
  meta.appendChild(title);
  meta.appendChild(el('div', 'preview', d.preview || ' '));
  item.appendChild(meta);
  if (d.lastAt && d.preview) item.appendChild(el('div', 'when', fmtTime(d.lastAt)));
  item.addEventListener('click', () => guard(openDialog(d.dialogId)));
  return item;
}

async function openDialog(dialogId) {
  const changed = state.current !== dialogId;
  state.current = dialogId;
  localStorage.setItem(`sb.dialog.${state.me}`, dialogId);
  if (changed) {
    state.conversationKey = '';
    $('messages').textContent = '';
    $('composer-input').value = '';
    hideSuggest();
    updateHint();
  }
  renderDialogs();
  if (!dialogId.startsWith('feed')) {
    const opened = await api('/api/open', { as: state.me, dialog: dialogId });
    if (opened.joined) wait('join', 0);
  }
  await Promise.all([loadConversation(), loadCommands()]);
  if (changed) $('composer-input').focus();
}

async function loadCommands() {
  if (!state.current || state.current.startsWith('feed')) {
    state.commands = [];
    return;
  }
  state.commands = await api(`/api/commands?as=${state.me}&dialog=${state.current}`);
  updateHint();
}

// ---------- the open conversation ----------

async function loadConversation() {
  const dialogId = state.current;
  const asId = state.me;
  if (!dialogId || !asId) return;
  let conversation;
  try {
    conversation = await api(`/api/conversation?as=${asId}&dialog=${dialogId}`);
  } catch (e) {
    // The person left the chat, or the company was reset: back to the bot.
    if (state.current === dialogId && dialogId !== String(state.bot.id)) return openDialog(String(state.bot.id));
    throw e;
  }
  if (state.current !== dialogId || state.me !== asId) return;
  state.conversation = conversation;
  const key = JSON.stringify(conversation) + state.portal?.language;
  if (key === state.conversationKey) return;
  state.conversationKey = key;
  renderConversation();
}

function renderHead(c) {
  const head = $('chat-head');
  head.textContent = '';
  head.appendChild(avatar(c.title, c.color, c.kind === 'bot' ? 'bot' : c.kind === 'feed' ? 'feed' : ''));
  const text = el('div');
  text.appendChild(el('div', 'title', c.title));
  const subtitle =
    c.kind === 'bot' ? c.subtitle : [t('members', { n: c.memberCount }), c.kind === 'feed' ? t('feed') : '', c.withBot ? t('withBot') : ''].filter(Boolean).join(' · ');
  text.appendChild(el('div', 'subtitle', subtitle));
  head.appendChild(text);
}

function renderConversation() {
  const c = state.conversation;
  if (!c) return;
  renderHead(c);
  const box = $('messages');
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  box.textContent = '';
  const isFeed = c.kind === 'feed';
  $('composer').hidden = isFeed || !c.canWrite;
  $('feed-note').hidden = !isFeed;
  if (isFeed) {
    if (c.posts.length === 0) box.appendChild(el('div', 'empty', t('emptyFeed')));
    for (const post of c.posts) box.appendChild(renderPost(post, c));
  } else {
    if (c.messages.length === 0) box.appendChild(el('div', 'empty', c.kind === 'bot' ? t('emptyBot') : t('emptyChat')));
    let lastDay = '';
    for (const m of c.messages) {
      const day = dayKey(m.date);
      if (day !== lastDay) {
        box.appendChild(el('div', 'day', dayLabel(m.date)));
        lastDay = day;
      }
      box.appendChild(renderMessage(m, c));
    }
  }
  // A press that only edits a message in place ends the wait at the first change.
  if (state.wait?.kind === 'press' && Date.now() - state.wait.since > 200) state.wait = null;
  updateTyping();
  if (atBottom || state.stickOnce) box.scrollTop = box.scrollHeight;
  state.stickOnce = false;
}

function renderMessage(m, c) {
  const kind = m.system ? 'system' : m.mine ? 'mine' : 'theirs';
  const wrap = el('div', `msg ${kind}${m.deleted ? ' deleted' : ''}`);
  wrap.dataset.messageId = String(m.id);
  wrap.dataset.testid = 'message';
  wrap.dataset.author = m.bot ? 'bot' : m.mine ? 'me' : 'other';
  if (!m.system && !m.mine) wrap.appendChild(avatar(m.authorName || '?', m.authorColor, `small${m.bot ? ' bot' : ''}`));
  const body = el('div', 'body');
  const bubble = el('div', 'bubble');
  if (!m.system && !m.mine && c.kind !== 'bot') {
    const author = el('div', 'author', m.authorName);
    author.style.color = m.authorColor;
    bubble.appendChild(author);
  }
  const text = el('div', 'text');
  text.dataset.testid = 'message-text';
  if (m.deleted) text.textContent = '(deleted)';
  else text.appendChild(bb(m.text));
  bubble.appendChild(text);
  const attach = m.deleted ? null : renderAttach(m.attach);
  if (attach) bubble.appendChild(attach);
  if (!m.deleted) for (const f of m.files || []) bubble.appendChild(renderFile(f));
  const stamp = el('div', 'stamp');
  if (m.edited) stamp.appendChild(el('span', 'edited', state.portal?.language === 'ru' ? 'изменено' : 'edited'));
  stamp.appendChild(document.createTextNode(fmtTime(m.date)));
  bubble.appendChild(stamp);
  body.appendChild(bubble);
  if (m.keyboard && !m.deleted) body.appendChild(renderKeyboard(m));
  wrap.appendChild(body);
  return wrap;
}

function renderKeyboard(m) {
  const keyboard = el('div', 'keyboard');
  keyboard.dataset.testid = 'keyboard';
  for (const row of m.keyboard) {
    const line = el('div', 'kb-row');
    for (const b of row) {
      const token = b.colorToken || 'base';
      const cls = `kb-btn ${token} display-${b.display}${b.kind === 'link' ? ' link' : ''}`;
      let node;
      const href = b.kind === 'link' ? safeHref(b.link) : null;
      if (href && !b.disabled) {
        node = el('a', cls, b.text);
        node.href = href;
        node.target = '_blank';
        node.rel = 'noopener noreferrer';
      } else {
        node = el('button', cls, b.text);
        node.type = 'button';
        node.disabled = b.disabled;
        node.addEventListener('click', () => guard(press(m, b, node)));
      }
      node.dataset.testid = 'kb-button';
      node.dataset.color = token;
      node.title = b.text;
      if (b.bgColor) node.style.background = b.bgColor;
      if (b.textColor) node.style.color = b.textColor;
      if (b.width) node.style.flex = `0 0 ${b.width}px`;
      line.appendChild(node);
    }
    keyboard.appendChild(line);
  }
  return keyboard;
}

async function press(m, b, node) {
  if (b.kind === 'action') {
    if (b.action === 'PUT') return putText(b.actionValue);
    if (b.action === 'COPY') {
      await navigator.clipboard?.writeText(b.actionValue).catch(() => undefined);
      return toast(t('copied'));
    }
    if (b.action === 'DIALOG') return openDialog(b.actionValue);
    if (b.action === 'CALL') return toast(t('call'));
  }
  node.classList.add('busy');
  node.disabled = true;
  try {
    const before = maxMessageId();
    const pressed = await api('/api/press', { as: state.me, messageId: m.id, button: b.index });
    // A command button usually answers with a new message or edits this one; either ends the wait.
    if (pressed.action !== 'client') wait('press', before);
    state.stickOnce = true;
  } finally {
    node.classList.remove('busy');
    node.disabled = b.disabled;
  }
  scheduleRefresh();
}

/** A file in a message, as Bitrix24 shows it: an image inline (opens full size), another file as a download link with its size. */
function renderFile(f) {
  const link = el('a', f.image ? 'file image' : 'file');
  link.href = f.url;
  link.target = '_blank';
  link.rel = 'noopener';
  link.dataset.testid = f.image ? 'file-image' : 'file';
  if (f.image) {
    const img = el('img');
    img.src = f.url;
    img.alt = f.name;
    link.appendChild(img);
  } else {
    link.download = f.name;
    link.appendChild(el('span', 'file-name', f.name));
    link.appendChild(el('span', 'file-size', fmtSize(f.size)));
  }
  return link;
}

function fmtSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function renderAttach(attach) {
  if (!attach || typeof attach !== 'object') return null;
  const blocks = Array.isArray(attach) ? attach : Array.isArray(attach.BLOCKS) ? attach.BLOCKS : [];
  if (blocks.length === 0) return null;
  const box = el('div', `attach ${attach.COLOR_TOKEN || 'primary'}`);
  box.dataset.testid = 'attach';
  if (typeof attach.COLOR === 'string') box.style.borderLeftColor = attach.COLOR;
  for (const block of blocks) {
    const node = attachBlock(block);
    if (node) box.appendChild(node);
  }
  return box;
}

function list(value) {
  if (Array.isArray(value)) return value;
  if (value && typeof value === 'object') return Object.values(value);
  return [];
}

function attachBlock(block) {
  if (typeof block.MESSAGE === 'string') {
    const node = el('div', 'att-message');
    node.appendChild(bb(block.MESSAGE));
    return node;
  }
  if (block.GRID !== undefined) {
    const items = list(block.GRID);
    const display = String(items[0]?.DISPLAY || 'BLOCK').toLowerCase();
    const grid = el('div', `grid ${display}`);
    grid.dataset.testid = 'grid';
    for (const item of items) {
      const cell = el('div', 'cell');
      if (item.WIDTH && display !== 'line' && display !== 'block') cell.style.width = `${Number(item.WIDTH)}px`;
      const name = el('div', 'name', String(item.NAME ?? ''));
      const value = el('div', 'value');
      if (item.COLOR) value.style.color = String(item.COLOR);
      value.appendChild(bb(String(item.VALUE ?? '')));
      cell.append(name, value);
      grid.appendChild(cell);
    }
    return grid;
  }
  if (block.LINK && typeof block.LINK === 'object') {
    const box = el('div', 'att-link');
    const a = el('a', '', String(block.LINK.NAME || block.LINK.LINK));
    a.href = safeHref(block.LINK.LINK) ?? '#';
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    box.appendChild(a);
    if (block.LINK.DESC) box.appendChild(el('div', 'desc', String(block.LINK.DESC)));
    return box;
  }
  if (block.USER && typeof block.USER === 'object') {
    const box = el('div', 'att-user');
    box.appendChild(avatar(String(block.USER.NAME), '#7b8a96', 'small'));
    box.appendChild(el('span', '', String(block.USER.NAME)));
    return box;
  }
  if (block.DELIMITER !== undefined) {
    const hr = el('hr', 'delimiter');
    const d = block.DELIMITER || {};
    if (d.SIZE) hr.style.width = `${Math.min(600, Number(d.SIZE))}px`;
    if (d.COLOR) hr.style.borderTopColor = String(d.COLOR);
    return hr;
  }
  for (const key of ['IMAGE', 'FILE']) {
    if (block[key] === undefined) continue;
    const box = el('div', 'att-link');
    for (const item of list(block[key].LINK ? [block[key]] : block[key])) {
      const a = el('a', '', `${key === 'IMAGE' ? '🖼' : '📄'} ${item.NAME || item.LINK}`);
      a.href = safeHref(item.LINK) ?? '#';
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      box.appendChild(a);
    }
    return box;
  }
  return null;
}

function renderPost(post, c) {
  const card = el('article', 'post');
  card.dataset.testid = 'post';
  card.dataset.postId = String(post.id);
  const head = el('div', 'post-head');
  head.appendChild(avatar(post.authorName, post.authorColor, 'small'));
  const who = el('div');
  who.appendChild(el('div', 'who', post.authorName));
  who.appendChild(el('div', 'to', `${t('to')} ${c.title} · ${dayLabel(post.date)} ${fmtTime(post.date)}`));
  head.appendChild(who);
  card.appendChild(head);
  if (post.title) card.appendChild(el('div', 'post-title', post.title));
  const text = el('div', 'text');
  text.appendChild(bb(post.message));
  card.appendChild(text);
  return card;
}

/** "The bot is typing…" from a send or a press until the bot answers (or a few seconds pass). */
function wait(kind, afterId) {
  state.wait = { kind, afterId, since: Date.now() };
  updateTyping();
}

function maxMessageId() {
  return (state.conversation?.messages ?? []).reduce((max, m) => Math.max(max, m.id), 0);
}

function updateTyping() {
  const box = $('typing');
  const c = state.conversation;
  const w = state.wait;
  if (w && c && c.messages.some((m) => m.bot && m.id > w.afterId)) state.wait = null;
  if (!state.wait || !c || c.kind === 'feed' || Date.now() - state.wait.since > 6000) {
    box.hidden = true;
    return;
  }
  box.textContent = t('typing', { name: state.bot.name });
  box.hidden = false;
  clearTimeout(state.typingTimer);
  state.typingTimer = setTimeout(updateTyping, 1000);
}

// ---------- writing ----------

async function sendText(text) {
  if (!text.trim() || !state.current || state.current.startsWith('feed')) return;
  const sent = await api('/api/send', { as: state.me, dialog: state.current, text });
  if (state.conversation?.withBot) wait('send', sent.messageId);
  state.stickOnce = true;
  scheduleRefresh();
}

function putText(text) {
  const input = $('composer-input');
  input.value = text;
  input.focus();
  input.setSelectionRange(text.length, text.length);
  updateSuggest();
  updateHint();
}

async function submitComposer() {
  const input = $('composer-input');
  const text = input.value;
  if (!text.trim()) return;
  $('send').disabled = true;
  try {
    await sendText(text);
    input.value = '';
    autosize();
    hideSuggest();
    updateHint();
  } finally {
    $('send').disabled = false;
    input.focus();
  }
}

function autosize() {
  const input = $('composer-input');
  input.style.height = 'auto';
  input.style.height = `${Math.min(160, input.scrollHeight + 2)}px`;
}

function updateSuggest() {
  const input = $('composer-input');
  const before = input.value.slice(0, input.selectionStart ?? input.value.length);
  const command = /^\/(\S*)$/.exec(before);
  const mention = /(?:^|\s)@([^\s@[\]]*)$/.exec(before);
  let items = [];
  let kind = null;
  if (command) {
    kind = 'command';
    items = state.commands.filter((c) => c.command.startsWith(`/${command[1].toLowerCase()}`));
  } else if (mention) {
    kind = 'mention';
    const q = mention[1].toLowerCase();
    items = state.people.filter((p) => p.id !== state.me && p.name.toLowerCase().split(/\s+/).some((w) => w.startsWith(q)));
  }
  if (!kind || items.length === 0) return hideSuggest();
  state.suggest = { items, index: 0, kind, query: kind === 'command' ? command[1] : mention[1] };
  renderSuggest();
}

function renderSuggest() {
  const box = $('suggest');
  box.textContent = '';
  state.suggest.items.forEach((item, i) => {
    const row = el('div', `item${i === state.suggest.index ? ' on' : ''}`);
    row.dataset.testid = 'suggest-item';
    if (state.suggest.kind === 'command') {
      const cmd = el('div', 'cmd', item.command);
      cmd.appendChild(el('span', 'title', item.title));
      row.appendChild(cmd);
      if (item.params) row.appendChild(el('div', 'params', item.params));
    } else {
      const cmd = el('div', 'cmd', item.name);
      cmd.appendChild(el('span', 'title', t(`role_${item.role}`)));
      row.appendChild(cmd);
    }
    row.addEventListener('mousedown', (e) => {
      e.preventDefault();
      chooseSuggest(i);
    });
    box.appendChild(row);
  });
  box.hidden = false;
}

function hideSuggest() {
  state.suggest = { items: [], index: 0, kind: null };
  $('suggest').hidden = true;
}

function chooseSuggest(index) {
  const { items, kind } = state.suggest;
  const item = items[index];
  if (!item) return;
  const input = $('composer-input');
  const caret = input.selectionStart ?? input.value.length;
  let at;
  if (kind === 'command') {
    const rest = input.value.replace(/^\/\S*\s?/, '');
    input.value = `${item.command} ${rest}`;
    at = item.command.length + 1;
  } else {
    const head = input.value.slice(0, caret).replace(/@([^\s@[\]]*)$/, `[USER=${item.id}]${item.name}[/USER] `);
    input.value = head + input.value.slice(caret);
    at = head.length;
  }
  input.focus();
  input.setSelectionRange(at, at);
  hideSuggest();
  updateHint();
  autosize();
}

function updateHint() {
  const hint = $('command-hint');
  const m = /^(\/\S+)\s/.exec($('composer-input').value);
  const command = m && state.commands.find((c) => c.command === m[1].toLowerCase());
  if (!command || !command.params) {
    hint.hidden = true;
    return;
  }
  hint.textContent = '';
  hint.appendChild(el('code', '', command.command));
  hint.appendChild(document.createTextNode(` ${command.params}`));
  hint.hidden = false;
}

// ---------- the inspector ----------

async function loadInspector(after = state.lastSeq) {
  const rows = await api(`/api/inspector?after=${after}`);
  for (const row of rows) addRow(row, false);
  renderRows();
}

/** Time first; on the same millisecond an event goes before calls (it caused them), then arrival order. */
function byTime(a, b) {
  return a.at - b.at || Number(b.kind === 'event') - Number(a.kind === 'event') || a.seq - b.seq;
}

/**
 * Rows come live from the stream and in bulk from the API, in any interleaving: each is kept once, in
 * the order things happened (an event is logged when the bot answered, but placed where it was sent).
 */
function addRow(row, live = true) {
  if (state.seen.has(row.seq)) return;
  state.seen.add(row.seq);
  const last = state.rows[state.rows.length - 1];
  const inOrder = !last || byTime(last, row) < 0;
  state.rows.push(row);
  state.lastSeq = Math.max(state.lastSeq, row.seq);
  if (!inOrder) state.rows.sort(byTime);
  if (state.rows.length > 3000) state.rows.splice(0, state.rows.length - 3000);
  if (!live) return;
  if (!inOrder) return renderRows(true);
  if (matches(row)) {
    const box = $('rows');
    const follow = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
    box.appendChild(rowNode(row));
    while (box.children.length > 1500) box.firstChild.remove();
    if (follow) box.scrollTop = box.scrollHeight;
  }
  renderCount();
}

function forgetRows() {
  state.rows = [];
  state.seen = new Set();
  state.lastSeq = 0;
  state.clearedBefore = 0;
}

function matches(row) {
  const f = state.filter;
  if (row.seq <= state.clearedBefore) return false;
  if (f.kind !== 'all' && row.kind !== f.kind) return false;
  if (f.errors && row.ok) return false;
  if (f.text) {
    const hay = `${row.name} ${row.summary} ${row.error ?? ''} ${row.userName ?? ''}`.toLowerCase();
    if (!hay.includes(f.text)) return false;
  }
  return true;
}

function renderRows(keepPlace = false) {
  const box = $('rows');
  const follow = !keepPlace || box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  const top = box.scrollTop;
  box.textContent = '';
  const shown = state.rows.filter(matches).slice(-1500);
  for (const row of shown) box.appendChild(rowNode(row));
  box.scrollTop = follow ? box.scrollHeight : top;
  renderCount();
}

function renderCount() {
  const total = state.rows.filter((r) => r.seq > state.clearedBefore).length;
  $('inspector-count').textContent = t('rows', { shown: $('rows').children.length, total });
}

function rowNode(row) {
  const node = el('div', `row ${row.kind}${row.ok ? '' : ' err'}${row.via === 'batch-inner' ? ' inner' : ''}`);
  node.dataset.testid = 'row';
  node.dataset.rowSeq = String(row.seq);
  node.dataset.rowKind = row.kind;
  node.dataset.rowName = row.name;
  node.dataset.rowStatus = String(row.status);
  const line = el('div', 'row-line');
  line.appendChild(el('span', 'time', fmtPrecise(row.at)));
  line.appendChild(el('span', `badge ${row.kind}`, row.kind === 'rest' ? 'REST' : row.kind.toUpperCase()));
  line.appendChild(el('span', 'name', row.via === 'batch-inner' ? `↳ ${row.name}` : row.name));
  line.appendChild(el('span', 'status', String(row.status)));
  line.appendChild(el('span', 'dur', row.durationMs !== undefined ? `${Math.round(row.durationMs)} ms` : ''));
  const sum = el('span', 'sum');
  if (row.error) sum.appendChild(el('span', 'err-text', row.error));
  // Whose token the call carried: the person who asked, or the installation (the installing admin's).
  if (row.userName && row.kind === 'rest') sum.appendChild(el('span', 'who', `${t('as')} ${row.userName}`));
  sum.appendChild(document.createTextNode(row.summary || ' '));
  line.appendChild(sum);
  line.title = row.summary;
  node.appendChild(line);
  if (state.openRows.has(row.seq)) node.appendChild(rowDetail(row));
  line.addEventListener('click', () => {
    if (state.openRows.has(row.seq)) {
      state.openRows.delete(row.seq);
      node.querySelector('.row-detail')?.remove();
    } else {
      state.openRows.add(row.seq);
      node.appendChild(rowDetail(row));
    }
  });
  return node;
}

function rowDetail(row) {
  const box = el('div', 'row-detail');
  box.dataset.testid = 'row-detail';
  box.appendChild(el('h4', '', `${t('body')}${row.via ? ` · ${row.via}` : ''}${row.userName ? ` · ${row.userName}` : ''}`));
  box.appendChild(el('pre', '', JSON.stringify(row.body, null, 2)));
  if (row.response !== undefined) {
    box.appendChild(el('h4', '', t('response')));
    box.appendChild(el('pre', '', typeof row.response === 'string' ? row.response : JSON.stringify(row.response, null, 2)));
  }
  return box;
}

// ---------- controls ----------

function renderClock() {
  if (!state.portal) return;
  const now = portalNow();
  const clock = $('clock');
  clock.textContent = `${t('portalTime')}: ${fmtClock(now)}`;
  const hours = Math.round((state.portal.clockOffsetMs ?? 0) / 3_600_000);
  clock.classList.toggle('shifted', hours > 0);
  clock.title = hours > 0 ? t('shifted', { h: hours }) : '';
  $('clock-big').textContent = fmtClock(now);
  $('portal-domain').textContent = state.portal.domain ?? '';
}

function renderControls() {
  const info = state.portal;
  if (!info) return;
  for (const radio of document.querySelectorAll('input[name=rate]')) radio.checked = radio.value === info.rateLimit.mode;
  const rl = info.rateLimit;
  $('rate-level').textContent = rl.settings ? t('level', { level: rl.level, burst: rl.settings.burst }) : t('levelOff');
  const groupSelect = $('wg-group');
  const keep = groupSelect.value;
  groupSelect.textContent = '';
  for (const g of info.workgroups) {
    const o = el('option', '', g.name);
    o.value = String(g.id);
    groupSelect.appendChild(o);
  }
  if (keep && info.workgroups.some((g) => String(g.id) === keep)) groupSelect.value = keep;
  const box = $('workgroups');
  const key = JSON.stringify(info.workgroups) + info.language;
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  box.textContent = '';
  for (const g of info.workgroups) {
    const wg = el('div', 'wg');
    wg.dataset.workgroupId = String(g.id);
    wg.appendChild(el('div', 'wg-name', `#${g.id} ${g.name}`));
    const members = el('div', 'wg-members');
    for (const m of g.members) {
      const chip = el('span', `member ${m.role}`, `${m.name} · ${t(m.role)}`);
      chip.dataset.userId = String(m.userId);
      chip.dataset.role = m.role;
      const body = { userId: m.userId, workgroupId: g.id };
      if (m.role === 'invited') {
        chip.appendChild(controlButton(t('accept'), 'accept-invitation', '/api/control/accept-invitation', body, t('accepted', { name: m.name, group: g.name })));
      }
      if (m.role === 'member' || m.role === 'moderator') {
        const remove = controlButton(t('remove'), 'remove-member', '/api/control/workgroup-remove', body, t('removedBehind', { name: m.name, group: g.name }));
        remove.className = 'remove';
        chip.appendChild(remove);
      }
      members.appendChild(chip);
    }
    wg.appendChild(members);
    box.appendChild(wg);
  }
}

function showPanel(name) {
  state.panel = name;
  localStorage.setItem('sb.panel', name ?? '');
  $('panel').hidden = !name;
  $('inspector').hidden = name !== 'inspector';
  $('controls').hidden = name !== 'controls';
  for (const b of document.querySelectorAll('.panel-tabs button')) b.classList.toggle('on', b.dataset.panel === name);
  if (name === 'inspector') renderRows();
}

function applyLanguage() {
  const lang = state.portal?.language === 'ru' ? 'ru' : 'en';
  if (document.documentElement.lang === lang && state.appliedLang === lang) return;
  state.appliedLang = lang;
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll('[data-i18n-placeholder]')) node.placeholder = t(node.dataset.i18nPlaceholder);
  for (const node of document.querySelectorAll('[data-i18n-title]')) node.title = t(node.dataset.i18nTitle);
  for (const b of document.querySelectorAll('.lang button')) b.classList.toggle('on', b.dataset.lang === lang);
  if (state.people.length > 0) {
    renderPeople();
    const person = me();
    if (person) $('role-badge').textContent = t(`role_${person.role}`);
    renderDialogs();
  }
}

// ---------- wiring ----------

function wire() {
  $('as-select').addEventListener('change', (e) => guard(selectUser(Number(e.target.value))));
  $('dialog-filter').addEventListener('input', renderDialogs);
  const input = $('composer-input');
  input.addEventListener('input', () => {
    autosize();
    updateSuggest();
    updateHint();
  });
  input.addEventListener('click', updateSuggest);
  input.addEventListener('blur', () => setTimeout(hideSuggest, 150));
  input.addEventListener('keydown', (e) => {
    const open = state.suggest.kind && state.suggest.items.length > 0;
    if (open && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
      e.preventDefault();
      const n = state.suggest.items.length;
      state.suggest.index = (state.suggest.index + (e.key === 'ArrowDown' ? 1 : n - 1)) % n;
      renderSuggest();
      return;
    }
    if (open && (e.key === 'Enter' || e.key === 'Tab')) {
      e.preventDefault();
      chooseSuggest(state.suggest.index);
      return;
    }
    if (open && e.key === 'Escape') return hideSuggest();
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      guard(submitComposer());
    }
  });
  $('send').addEventListener('click', () => guard(submitComposer()));

  for (const b of document.querySelectorAll('.panel-tabs button')) {
    b.addEventListener('click', () => showPanel(state.panel === b.dataset.panel ? null : b.dataset.panel));
  }
  for (const b of document.querySelectorAll('.lang button')) {
    b.addEventListener('click', () =>
      guard(
        api('/api/control/language', { language: b.dataset.lang }).then(async (info) => {
          setPortal(info);
          state.conversationKey = '';
          await Promise.all([loadCommands(), refresh()]);
        }),
      ),
    );
  }
  for (const b of document.querySelectorAll('#kind-filter button')) {
    b.addEventListener('click', () => {
      state.filter.kind = b.dataset.kind;
      for (const x of document.querySelectorAll('#kind-filter button')) x.classList.toggle('on', x === b);
      renderRows();
    });
  }
  $('errors-only').addEventListener('change', (e) => {
    state.filter.errors = e.target.checked;
    renderRows();
  });
  $('inspector-search').addEventListener('input', (e) => {
    state.filter.text = e.target.value.trim().toLowerCase();
    renderRows();
  });
  $('inspector-clear').addEventListener('click', () => {
    state.clearedBefore = state.lastSeq;
    renderRows();
  });

  $('expire-tokens').addEventListener('click', () =>
    guard(api('/api/control/expire-tokens', {}).then((r) => ($('expire-result').textContent = t('expired', { n: r.expired })))),
  );
  for (const radio of document.querySelectorAll('input[name=rate]')) {
    radio.addEventListener('change', () => guard(api('/api/control/rate-limit', { mode: radio.value }).then(setPortal)));
  }
  $('wg-add').addEventListener('click', () => {
    const userId = Number($('wg-user').value);
    const workgroupId = Number($('wg-group').value);
    const person = state.people.find((p) => p.id === userId);
    const group = state.portal.workgroups.find((g) => g.id === workgroupId);
    guard(
      api('/api/control/workgroup-add', { userId, workgroupId }).then(() => {
        toast(t('addedBehind', { name: person?.name, group: group?.name }));
        return refresh();
      }),
    );
  });
  for (const b of document.querySelectorAll('[data-hours]')) {
    b.addEventListener('click', () => guard(api('/api/control/clock', { hours: Number(b.dataset.hours) }).then(setPortal).then(refresh)));
  }
  $('reset').addEventListener('click', () => {
    if (!window.confirm(t('resetConfirm'))) return;
    guard(api('/api/control/reset', {}).then(() => toast(t('resetDone'))));
  });

  const dialog = $('chat-dialog');
  $('new-chat').addEventListener('click', () => {
    const box = $('chat-members');
    box.textContent = '';
    for (const p of state.people.filter((x) => x.id !== state.me)) {
      const label = el('label');
      const check = el('input');
      check.type = 'checkbox';
      check.value = String(p.id);
      label.append(check, document.createTextNode(` ${p.name}`));
      box.appendChild(label);
    }
    $('chat-form').reset();
    dialog.showModal();
  });
  $('chat-cancel').addEventListener('click', () => dialog.close());
  $('chat-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const title = new FormData(e.target).get('title');
    const members = [...$('chat-members').querySelectorAll('input:checked')].map((c) => Number(c.value));
    dialog.close();
    guard(
      api('/api/chat', { as: state.me, title: String(title), members }).then(async (r) => {
        toast(t('chatCreated'));
        await loadDialogs();
        await openDialog(r.dialogId);
      }),
    );
  });
  setInterval(renderClock, 1000);
}

wire();
showPanel(state.panel || null);
connectStream();
guard(bootstrap());

/** A small button of the controls panel: posts `body` to `path`, then says `message` and refreshes. */
function controlButton(text, testid, path, body, message) {
  const button = el('button', '', text);
  button.type = 'button';
  button.dataset.testid = testid;
  button.addEventListener('click', () =>
    guard(
      api(path, body).then(() => {
        toast(message);
        return refresh();
      }),
    ),
  );
  return button;
}
