import { describe, expect, it } from 'vitest';
import { err, makeShell, ok } from '../helpers.js';

describe('try', () => {
  it("shows a refused command's error without failing, and changes nothing", () => {
    const sh = makeShell();
    const r = ok(sh, 'try kill -USR1 redis --from web');
    expect(r.text).toMatch(
      /^refused, as it should be: kill: web \(family web\) may not signal redis \(family redis\).*\[EPERM\]$/,
    );
    expect(r.data).toMatchObject({ ok: false, command: 'kill', error: { code: 'EPERM' } });
    expect(sh.hv.lookup('redis').shutdown).toBeNull();
  });

  it('passes a successful command through, and still refuses what is not a command', () => {
    const sh = makeShell();
    expect(ok(sh, 'try fork web').data).toMatchObject({ ok: true, command: 'fork' });
    expect(sh.hv.lookup('web.1').domid).toBe(4);
    err(sh, 'try frk web', 'ENOSYS');
    err(sh, 'try try fork web', 'EUSAGE');
    err(sh, 'try', 'EUSAGE');
  });
});
