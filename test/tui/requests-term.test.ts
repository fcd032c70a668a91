// The requests panel and the appliances' answers in a real terminal: the BUILT binary in a
// pseudo-terminal read by a terminal emulator (test/term.ts), at 80x24, 120x40 and 200x60. After
// `run 5s` the panel shows Domain-0's netback and redis serving a non-zero rate (at 80x24 it takes turns
// with the libraries and the scheduler: Alt+7 shows it) while the sharing graph keeps its place;
// redis-cli's reply, an HTTP body of several lines and dig's answer section are read whole in the
// output pane.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONSOLE_SIZES, consoleReady, runAtPrompt, startTerm } from '../term.js';

/** A row of the requests panel: the pVM's name, its rate, and a bar. */
const rateRow = (name: string) => new RegExp(`│? ${name.replace('.', '\\.')} +(\\d+\\.\\d)/s [█░]`);

describe('requests and answers at 80x24, 120x40 and 200x60 in a pseudo-terminal', () => {
  for (const [cols, rows] of CONSOLE_SIZES) {
    it(`${cols}x${rows}`, async () => {
      const home = mkdtempSync(join(tmpdir(), 'kylinx-rq-'));
      const t = startTerm({ cols, rows, cwd: home, env: { HOME: home } });
      try {
        await consoleReady(t);
        expect(t.screen()).not.toMatch(/requests: /);
        await runAtPrompt(t, 'animate off');
        await runAtPrompt(t, 'run 5s');
        let s = t.screen();
        if (!/ requests: /.test(s)) {
          t.keys('M-7');
          s = await t.until('the requests panel', (x) => / requests: /.test(x));
        }
        expect(s).toMatch(/requests: \d+\.\d\/s, 3 pVMs +last 5 s/);
        const redis = s.split('\n').find((l) => rateRow('redis').test(l));
        expect(redis, s).toBeDefined();
        expect(Number(rateRow('redis').exec(redis!)![1])).toBeGreaterThan(0);
        // Domain-0's netback heads it: each vCPU's jobs per second and its queue.
        expect(s).toMatch(/ netback v0 \d+\.\d\/s q\d+( [\d.]+ µs)? · v1 \d+\.\d\/s q\d+/);
        // The sharing graph keeps its place beside the tree.
        expect(s).toMatch(/│ sharing: family web/);
        for (const l of s.split('\n')) expect(l.length).toBeLessThanOrEqual(cols);

        // The appliances' answers, whole, in the output pane.
        await runAtPrompt(t, 'redis-cli redis SET greeting hello');
        await runAtPrompt(t, 'redis-cli redis GET greeting');
        s = t.screen();
        expect(s).toMatch(/^kylinx> redis-cli redis GET greeting\n"hello"$/m);
        await runAtPrompt(t, 'http web GET /');
        s = t.screen();
        expect(s).toMatch(/^<html><head><title>KylinX<\/title><\/head>$/m);
        expect(s).toMatch(/^<body><h1>It works!<\/h1>$/m);
        await runAtPrompt(t, 'dig dns www.example.org');
        s = t.screen();
        expect(s).toMatch(/^www\.example\.org\. +60 +IN +CNAME +example\.org\.$/m);
        expect(s).toMatch(/^example\.org\. +3600 +IN +A +93\.184\.215\.14$/m);
        expect(s).not.toMatch(/\?IN\?/);
        t.keys('C-d');
        expect((await t.waitExit()).exitCode).toBe(0);
      } finally {
        t.close();
      }
    }, 120_000);
  }
});
