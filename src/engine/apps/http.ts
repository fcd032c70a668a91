// The web appliance's HTTP/1.1 server: a small static site in its image (read-only, like its text) and
// one dynamic page, /status, that reads the request counter the server keeps on heap page 0. A request it
// serves (200) counts itself there, a write of that page; an error response (400, 404, 405) writes
// nothing. Status lines and headers as RFC 9110/9112 give them.

import { httpDate } from './vclock.js';

/** The static site built into the image: path -> [content type, body]. */
export const SITE: Record<string, [string, string]> = {
  '/': [
    'text/html',
    '<!DOCTYPE html>\n<html><head><title>KylinX</title></head>\n<body><h1>It works!</h1>\n<p>Served by a pVM: Mini-OS, lwIP and a small HTTP server.</p></body></html>\n',
  ],
  '/about.html': [
    'text/html',
    '<!DOCTYPE html>\n<html><head><title>About</title></head>\n<body><p>KylinX treats a Unikernel appliance as a process: it forks, talks over IpC and links libraries at run time.</p></body></html>\n',
  ],
  '/hello.txt': ['text/plain', 'hello from a pVM\n'],
};
SITE['/index.html'] = SITE['/']!;

export const STATS_PAGE = 0;

export interface HttpResponse {
  status: number;
  reason: string;
  headers: [string, string][];
  body: string;
  /** Whether serving it counts a request on the stats page (a 200). */
  counts: boolean;
}

const REASONS: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
};

function response(
  status: number,
  type: string,
  body: string,
  nowNs: number,
  extra: [string, string][] = [],
): HttpResponse {
  const headers: [string, string][] = [
    ['Server', 'kylinx-web/1.0 (Mini-OS; lwIP)'],
    ['Date', httpDate(nowNs)],
    ['Content-Type', type],
    ['Content-Length', String(new TextEncoder().encode(body).length)],
    ...extra,
  ];
  return { status, reason: REASONS[status]!, headers, body, counts: status === 200 };
}

function errorPage(status: number, nowNs: number, extra: [string, string][] = []): HttpResponse {
  const title = `${status} ${REASONS[status]!}`;
  return response(
    status,
    'text/html',
    `<html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>\n`,
    nowNs,
    extra,
  );
}

/** Serve one request; `served` is the counter on the stats page before this request. */
export function serveHttp(method: string, target: string, served: number, nowNs: number): HttpResponse {
  if (!/^[A-Z]+$/.test(method) || !target.startsWith('/') || /\s/.test(target)) return errorPage(400, nowNs);
  if (method !== 'GET' && method !== 'HEAD') return errorPage(405, nowNs, [['Allow', 'GET, HEAD']]);
  const path = target.split('?')[0]!;
  const page: [string, string] | undefined =
    path === '/status' ? ['text/plain', `requests: ${served + 1}\n`] : SITE[path];
  if (!page) return errorPage(404, nowNs);
  const r = response(200, page[0], page[1], nowNs);
  return method === 'HEAD' ? { ...r, body: '' } : r;
}

/** The response as it travels: status line, headers, a blank line, the body. */
export function responseText(r: HttpResponse): string {
  return [`HTTP/1.1 ${r.status} ${r.reason}`, ...r.headers.map(([k, v]) => `${k}: ${v}`), '', r.body].join('\r\n');
}
