// A zone in RFC 1035 master file format (§5.1): $ORIGIN and $TTL, `;` comments, parentheses that continue
// a record over lines, `@` for the origin, names relative to it unless they end in a dot, a blank owner
// for the previous one, an optional TTL and class before the type. Types: SOA, NS, A, AAAA, CNAME, MX,
// TXT. The dns image carries its zone file as a list of lines (images/dns.cfg, `zone`).

export const RR_TYPES = ['SOA', 'NS', 'A', 'AAAA', 'CNAME', 'MX', 'TXT'] as const;
export type RrType = (typeof RR_TYPES)[number];

export interface Rr {
  /** Absolute, lower case, ending in a dot. */
  owner: string;
  ttl: number;
  type: RrType;
  /** Presentation form, names made absolute. */
  rdata: string;
}

export interface Zone {
  origin: string;
  records: Rr[];
}

export class ZoneError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

function isType(w: string): w is RrType {
  return (RR_TYPES as readonly string[]).includes(w);
}

/** A name made absolute against the origin, lower case. */
function absolute(name: string, origin: string, line: number): string {
  if (name === '@') return origin;
  if (!/^[A-Za-z0-9_*.-]+$/.test(name) || name.includes('..'))
    throw new ZoneError(line, `'${name}' is not a domain name`);
  const abs = name.endsWith('.') ? name : `${name}.${origin === '.' ? '' : origin}`;
  return abs.toLowerCase();
}

/** Split a logical record into words (quoted strings kept whole), comments dropped. */
function words(text: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|([^\s"]+)/g;
  for (const m of text.matchAll(re)) out.push(m[1] !== undefined ? `"${m[1]}"` : m[2]!);
  return out;
}

function stripComment(line: string): string {
  let q = false;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"' && line[i - 1] !== '\\') q = !q;
    else if (line[i] === ';' && !q) return line.slice(0, i);
  }
  return line;
}

/** Logical records: [first line number, text starting with a space when the owner is blank]. */
function logical(lines: readonly string[]): [number, string][] {
  const out: [number, string][] = [];
  let open: [number, string] | null = null;
  let depth = 0;
  lines.forEach((raw, i) => {
    const t = stripComment(raw);
    if (open === null && t.trim() === '') return;
    const part = t.replace(/[()]/g, (p) => {
      depth += p === '(' ? 1 : -1;
      return ' ';
    });
    if (depth < 0) throw new ZoneError(i + 1, "')' without '('");
    if (open === null) open = [i + 1, part];
    else open[1] += ` ${part}`;
    if (depth === 0) {
      out.push(open);
      open = null;
    }
  });
  if (open !== null) throw new ZoneError((open as [number, string])[0], "'(' is not closed");
  return out;
}

function rdataOf(type: RrType, f: string[], origin: string, line: number): string {
  const need = (n: number): void => {
    if (f.length !== n) throw new ZoneError(line, `${type} takes ${n} field${n === 1 ? '' : 's'}, not ${f.length}`);
  };
  const name = (w: string): string => absolute(w, origin, line);
  const uint = (w: string, max: number): string => {
    if (!/^[0-9]+$/.test(w) || Number(w) > max) throw new ZoneError(line, `'${w}' is not a number 0-${max}`);
    return String(Number(w));
  };
  switch (type) {
    case 'A':
      need(1);
      if (!/^([0-9]{1,3}\.){3}[0-9]{1,3}$/.test(f[0]!) || f[0]!.split('.').some((o) => Number(o) > 255))
        throw new ZoneError(line, `'${f[0]}' is not an IPv4 address`);
      return f[0]!;
    case 'AAAA':
      need(1);
      if (!/^[0-9A-Fa-f:]+$/.test(f[0]!) || !f[0]!.includes(':'))
        throw new ZoneError(line, `'${f[0]}' is not an IPv6 address`);
      return f[0]!.toLowerCase();
    case 'NS':
    case 'CNAME':
      need(1);
      return name(f[0]!);
    case 'MX':
      need(2);
      return `${uint(f[0]!, 65535)} ${name(f[1]!)}`;
    case 'TXT':
      if (f.length === 0 || f.some((w) => !w.startsWith('"'))) throw new ZoneError(line, 'TXT takes "quoted" strings');
      return f.join(' ');
    case 'SOA':
      need(7);
      return [name(f[0]!), name(f[1]!), ...f.slice(2).map((w) => uint(w, 0xffffffff))].join(' ');
  }
}

/** Parse a zone file's lines; `origin` when the file sets none. */
export function parseZone(lines: readonly string[], origin = '.'): Zone {
  let ttl: number | null = null;
  let owner: string | null = null;
  const records: Rr[] = [];
  for (const [line, text] of logical(lines)) {
    const w = words(text);
    if (w[0] === '$ORIGIN') {
      if (w.length !== 2) throw new ZoneError(line, '$ORIGIN takes one name');
      origin = absolute(w[1]!.endsWith('.') ? w[1]! : `${w[1]}.`, '.', line);
      continue;
    }
    if (w[0] === '$TTL') {
      if (w.length !== 2 || !/^[0-9]+$/.test(w[1]!)) throw new ZoneError(line, '$TTL takes a number of seconds');
      ttl = Number(w[1]);
      continue;
    }
    if (w[0]?.startsWith('$')) throw new ZoneError(line, `${w[0]} is not supported ($ORIGIN and $TTL are)`);
    let i = 0;
    if (!/^\s/.test(text)) owner = absolute(w[i++]!, origin, line);
    if (owner === null) throw new ZoneError(line, 'the first record needs an owner name');
    let rrTtl = ttl;
    let cls = false;
    for (let k = 0; k < 2; k++) {
      if (/^[0-9]+$/.test(w[i] ?? '')) rrTtl = Number(w[i++]);
      else if (!cls && w[i]?.toUpperCase() === 'IN') {
        cls = true;
        i++;
      }
    }
    const type = (w[i++] ?? '').toUpperCase();
    if (!isType(type)) throw new ZoneError(line, `'${w[i - 1] ?? ''}' is not a record type (${RR_TYPES.join(', ')})`);
    if (rrTtl === null) throw new ZoneError(line, 'no TTL (give one, or $TTL)');
    records.push({ owner, ttl: rrTtl, type, rdata: rdataOf(type, w.slice(i), origin, line) });
  }
  if (!records.some((r) => r.type === 'SOA' && r.owner === origin))
    throw new ZoneError(1, `the zone has no SOA record at its origin ${origin}`);
  return { origin, records };
}
