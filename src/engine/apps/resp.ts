// RESP, the Redis serialization protocol, as replies: what the appliance answers and the client prints.

const UTF8 = new TextEncoder();

export type RespReply =
  | { type: 'status'; text: string }
  | { type: 'error'; text: string }
  // Redis's integers are 64-bit: `text` holds the exact digits, `n` the nearest double (for --json).
  | { type: 'integer'; n: number; text: string }
  | { type: 'bulk'; text: string | null }
  | { type: 'array'; items: RespReply[] };

export const ok = (): RespReply => ({ type: 'status', text: 'OK' });
export const status = (text: string): RespReply => ({ type: 'status', text });
export const error = (text: string): RespReply => ({ type: 'error', text });
export const integer = (n: number | bigint): RespReply => ({ type: 'integer', n: Number(n), text: String(n) });
export const bulk = (text: string | null): RespReply => ({ type: 'bulk', text });

/** The reply on the wire (+OK\r\n, $1\r\n1\r\n, :3\r\n, -ERR ...\r\n, *2\r\n...). */
export function encode(r: RespReply): string {
  switch (r.type) {
    case 'status':
      return `+${r.text}\r\n`;
    case 'error':
      return `-${r.text}\r\n`;
    case 'integer':
      return `:${r.text}\r\n`;
    case 'bulk':
      return r.text === null ? '$-1\r\n' : `$${UTF8.encode(r.text).length}\r\n${r.text}\r\n`;
    case 'array':
      return `*${r.items.length}\r\n${r.items.map(encode).join('')}`;
  }
}

/** A bulk string quoted as redis-cli prints it in a terminal (sdscatrepr: escapes, \xNN for the rest). */
function repr(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c >= 0x20 && c < 0x7f) out += ch;
    else for (const b of UTF8.encode(ch)) out += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}

/** The reply as redis-cli prints it to a terminal (cliFormatReplyTTY). */
export function formatTTY(r: RespReply, prefix = ''): string {
  switch (r.type) {
    case 'status':
      return r.text;
    case 'error':
      return `(error) ${r.text}`;
    case 'integer':
      return `(integer) ${r.text}`;
    case 'bulk':
      return r.text === null ? '(nil)' : repr(r.text);
    case 'array': {
      if (r.items.length === 0) return '(empty array)';
      const w = String(r.items.length).length;
      return r.items
        .map((it, i) => {
          const head = `${String(i + 1).padStart(w)}) `;
          const body = formatTTY(it, prefix + ' '.repeat(head.length));
          return `${i === 0 ? '' : prefix}${head}${body}`;
        })
        .join('\n');
    }
  }
}
