import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { makeShell, memoryIO, ok, err } from '../helpers.js';

const hasDot = spawnSync('dot', ['-V']).status === 0;

describe('export', () => {
  it('tree and sharing as DOT render with Graphviz', () => {
    if (!hasDot) throw new Error('Graphviz (dot) is not installed: apt-get install graphviz (.ci/run does)');
    const io = memoryIO();
    const sh = makeShell({}, io);
    ok(sh, 'fork web 3; touch web.1 heap 200; fork web.1; export tree tree.dot; export sharing sharing.dot');
    for (const f of ['tree.dot', 'sharing.dot']) {
      const r = spawnSync('dot', ['-Tsvg'], { input: io.files.get(f), encoding: 'utf8' });
      expect(r.stderr, f).toBe('');
      expect(r.status, f).toBe(0);
      expect(r.stdout).toContain('<svg');
      expect(r.stdout).toContain('web.1.1 (7)');
    }
    expect(io.files.get('sharing.dot')).toContain('d1 -- d4 [label="1914 pages"');
    expect(io.files.get('sharing.dot')).toContain('d5 -- d6 [label="2114 pages", style=dashed');
  });

  it('sharing as JSON gives parent and sibling edges weighted by shared pages', () => {
    const sh = makeShell();
    ok(sh, 'fork web 2; touch web.2 heap 100');
    const g = JSON.parse(ok(sh, 'export sharing --format json --pvm web.1').data.content as string).families[0];
    expect(g.family).toBe('web');
    expect(g.nodes.map((n: { name: string }) => n.name)).toEqual(['web', 'web.1', 'web.2']);
    expect(g.edges).toEqual([
      // web's 2048 pages plus libm 1.16 (64 text + 2 data pages) linked at boot, shared by fork.
      { from: 'web', to: 'web.1', kind: 'parent', pages: 2114 },
      { from: 'web', to: 'web.2', kind: 'parent', pages: 2014 },
      { from: 'web.1', to: 'web.2', kind: 'sibling', pages: 2014 },
    ]);
  });

  it('mermaid, and clear errors', () => {
    const sh = makeShell();
    expect(ok(sh, 'export tree --format mermaid').text).toMatch(/^graph TD\n {2}d0\["Domain-0 \(0\)"\]/);
    err(sh, 'export trees', 'EUSAGE');
    err(sh, 'export tree --format png', 'EUSAGE');
    err(sh, 'export sharing --pvm Domain-0', 'EINVAL');
  });
});
