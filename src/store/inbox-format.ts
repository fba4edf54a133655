// How kept events are laid out in an inbox file. A record is a header line and the body's bytes as
// they arrived, so keeping an event costs no escaping of its 4 KB body:
//
//   #<seq> <form|json> <body bytes>\n<body>\n
//
// Files written before this layout hold one JSON line per event ({"s":seq,"t":type,"b":body}); both
// are read, so an inbox left by an older version is handled after an upgrade.

/** One kept event: its number in the portal's inbox, how its body is encoded, the body as it arrived. */
export interface InboxEntry {
  seq: number;
  type: 'form' | 'json';
  body: string;
}

export function recordHead(seq: number, type: InboxEntry['type'], bodyBytes: number): string {
  return `#${seq} ${type} ${bodyBytes}\n`;
}

const NL = 0x0a;
const HASH = 0x23;
const HEAD = /^#(\d{1,15}) (form|json) (\d{1,10})$/;

/**
 * The records of an inbox file, each with where it ends, and `size`: where the last complete one
 * ends. The records end at the first zero byte (the file's space is made ahead with zeros, and no
 * record holds one: the intake refuses a body with a NUL). What follows the last complete record
 * unfinished is a torn tail (a crash mid-write, never acknowledged), left out. A complete line that
 * is not a record is counted in `bad` and skipped.
 */
export function parseInbox(file: Buffer | string): { entries: Array<InboxEntry & { end: number }>; lastSeq: number; bad: number; size: number } {
  const whole = typeof file === 'string' ? Buffer.from(file, 'utf8') : file;
  const zero = whole.indexOf(0);
  const buf = zero === -1 ? whole : whole.subarray(0, zero);
  const entries: Array<InboxEntry & { end: number }> = [];
  let lastSeq = 0;
  let bad = 0;
  let at = 0;
  let size = 0;
  const keep = (seq: number, type: InboxEntry['type'], body: string, end: number) => {
    entries.push({ seq, type, body, end });
    lastSeq = Math.max(lastSeq, seq);
  };
  while (at < buf.length) {
    const nl = buf.indexOf(NL, at);
    if (nl === -1) break; // a torn tail
    if (buf[at] === HASH) {
      const m = HEAD.exec(buf.toString('latin1', at, nl));
      if (m) {
        const start = nl + 1;
        const end = start + Number(m[3]);
        if (end >= buf.length) break; // the body (or its newline) is not all there: torn
        if (buf[end] === NL) {
          keep(Number(m[1]), m[2] as InboxEntry['type'], buf.toString('utf8', start, end), end + 1);
          at = size = end + 1;
          continue;
        }
      }
    } else if (nl > at) {
      try {
        const v = JSON.parse(buf.toString('utf8', at, nl)) as { s?: unknown; t?: unknown; b?: unknown };
        if (typeof v.s === 'number' && (v.t === 'form' || v.t === 'json') && typeof v.b === 'string') {
          keep(v.s, v.t, v.b, nl + 1);
          at = size = nl + 1;
          continue;
        }
      } catch {
        // counted below
      }
    }
    if (nl > at) bad++;
    at = size = nl + 1;
  }
  return { entries, lastSeq, bad, size };
}
