// Versions, ranges and manifest validation: the pure parts the store and restrictions stand on.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonical, validateManifest } from '../../src/engine/dl/manifest.js';
import { compareVersions, parseNeed, parseRange, satisfies } from '../../src/engine/dl/version.js';
import { LIBS } from '../helpers.js';

describe('versions and ranges', () => {
  it('compares numerically, part by part', () => {
    expect(compareVersions('1.16', '1.2')).toBe(1);
    expect(compareVersions('1.2.11', '1.2.13')).toBe(-1);
    expect(compareVersions('2', '2.0')).toBe(0);
  });

  it('a range is every comparator at once', () => {
    const r = parseRange('>=1.16 <2', 'test');
    expect(['1.16', '1.18', '1.99.9'].map((v) => satisfies(v, r))).toEqual([true, true, true]);
    expect(['1.12', '2', '2.0.1'].map((v) => satisfies(v, r))).toEqual([false, false, false]);
    expect(satisfies('3.1', parseRange('*', 't'))).toBe(true);
    expect(satisfies('1.2.13', parseRange('1.2.13', 't'))).toBe(true);
    expect(parseNeed('libz >=1.2', 't')).toMatchObject({ lib: 'libz', range: { text: '>=1.2' } });
    expect(() => parseRange('>=x', 'image web: lib_versions')).toThrow(
      "image web: lib_versions: '>=x' is not a version comparator",
    );
  });

  it('comparison is a total order (property)', () => {
    const v = fc.array(fc.nat(30), { minLength: 1, maxLength: 4 }).map((a) => a.join('.'));
    fc.assert(
      fc.property(v, v, v, (a, b, c) => {
        expect(Math.sign(compareVersions(a, b))).toBe(-Math.sign(compareVersions(b, a)) || 0);
        if (compareVersions(a, b) <= 0 && compareVersions(b, c) <= 0)
          expect(compareVersions(a, c)).toBeLessThanOrEqual(0);
      }),
    );
  });
});

describe('manifests', () => {
  const good = (): Record<string, unknown> =>
    JSON.parse(JSON.stringify(LIBS.get('libz', '1.2.13').manifest)) as Record<string, unknown>;

  it('the canonical form ignores key order and whitespace', () => {
    const m = good();
    const reordered = Object.fromEntries(Object.entries(m).reverse());
    expect(canonical(reordered)).toBe(canonical(m));
    expect(canonical({ b: [1, { d: 'x', c: null }], a: 2 })).toBe('{"a":2,"b":[1,{"c":null,"d":"x"}]}');
  });

  it('every error names the file and the field', () => {
    const bad = (patch: Record<string, unknown>) => () => validateManifest({ ...good(), ...patch }, 'lib/x.json');
    expect(bad({ version: '1.x' })).toThrow("lib/x.json: version '1.x' must be dotted whole numbers");
    expect(bad({ text_kb: 6 })).toThrow("lib/x.json: 'text_kb' must be a whole number of pages");
    expect(bad({ data_kb: 0 })).toThrow("'data_kb' must be at least 4");
    expect(bad({ needs: ['libz >=1'] })).toThrow('libz cannot need itself');
    expect(bad({ functions: [{ name: 'f', sig: 'int(void)', counts: 'nope' }] })).toThrow(
      "counts into 'nope', which is not one of its variables",
    );
    expect(bad({ colour: 'blue' })).toThrow("unknown field 'colour'");
    expect(() => validateManifest([], 'lib/x.json')).toThrow('a manifest is a JSON object');
  });
});
