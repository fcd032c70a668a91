// Signatures with real public-key crypto (node:crypto, Ed25519): the shipped store's verdicts, what
// breaks a signature and what does not, unknown signers, and `kylinx-sh sign`.

import { generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { loadLibraries, signManifest } from '../../src/dl-io.js';
import { defaultImagesDir } from '../../src/host-io.js';
import { err, LIBS, makeShell, ok } from '../helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A copy of the shipped images/ (lib and trust) to tamper with. */
function imagesCopy(): string {
  const d = mkdtempSync(join(tmpdir(), 'kx-dl-'));
  dirs.push(d);
  cpSync(join(defaultImagesDir(), 'lib'), join(d, 'lib'), { recursive: true });
  cpSync(join(defaultImagesDir(), 'trust'), join(d, 'trust'), { recursive: true });
  return d;
}

function status(dir: string, lib: string, version: string): string {
  return loadLibraries(dir).get(lib, version).verdict.status;
}

describe('the shipped library store', () => {
  it('verifies every shipped library except the tampered libm 1.17', () => {
    const bad = LIBS.all()
      .filter((e) => e.verdict.status !== 'valid')
      .map((e) => `${e.manifest.name}@${e.manifest.version}`);
    expect(bad).toEqual(['libm@1.17']);
    expect(LIBS.get('libm', '1.17').verdict.detail).toContain('does not verify');
    const libm = LIBS.get('libm', '1.16').manifest;
    expect([libm.functions.length, libm.variables.length]).toEqual([111, 111]);
    expect(libm.functions.at(-1)!.name).toBe('read_global');
    const m18 = LIBS.get('libm', '1.18').manifest;
    for (const f of libm.functions) expect(m18.functions.find((g) => g.name === f.name)?.sig).toBe(f.sig);
  });

  it('verify passes a good library and fails the tampered one with the reason', () => {
    const sh = makeShell();
    const r = ok(sh, 'verify libm@1.16');
    expect(r.data).toMatchObject({
      status: 'valid',
      algorithm: 'ed25519',
      signer: 'demo-signer',
      functions: 111,
      variables: 111,
    });
    expect(err(sh, 'verify libm@1.17', 'EPERM')).toContain('bad-signature');
    err(sh, 'verify libm', 'EINVAL');
    expect(err(sh, 'verify libmm@1.16', 'ENOENT')).toContain("did you mean 'libm'");
  });
});

describe('what a signature covers', () => {
  it('changing any value breaks it; reformatting the JSON does not', () => {
    const d = imagesCopy();
    const file = join(d, 'lib', 'libz-1.2.13.json');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify(doc));
    expect(status(d, 'libz', '1.2.13')).toBe('valid');
    writeFileSync(file, JSON.stringify({ ...doc, text_kb: 104 }));
    expect(status(d, 'libz', '1.2.13')).toBe('bad-signature');
  });

  it('an unknown signer, a missing signature and a key that is not the signer’s are each told apart', () => {
    const d = imagesCopy();
    rmSync(join(d, 'trust', 'demo-thirdparty.pem'));
    expect(status(d, 'libfast', '1.0')).toBe('unknown-signer');
    rmSync(join(d, 'lib', 'libz-2.0.json.sig'));
    expect(status(d, 'libz', '2.0')).toBe('unsigned');
    // Signed with another key under demo-signer's name: does not verify with demo-signer's public key.
    const { privateKey } = generateKeyPairSync('ed25519');
    const key = join(d, 'mallory.pem');
    writeFileSync(key, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const s = signManifest(join(d, 'lib', 'libz-2.0.json'), key);
    expect(s.matchesTrust).toBe(false);
    expect(status(d, 'libz', '2.0')).toBe('bad-signature');
    // And the real demo key makes it valid again.
    expect(
      signManifest(join(d, 'lib', 'libz-2.0.json'), join(d, 'trust', 'demo-signer.private.pem')).matchesTrust,
    ).toBe(true);
    expect(status(d, 'libz', '2.0')).toBe('valid');
  });
});

describe('kylinx-sh sign', () => {
  const bin = join(defaultImagesDir(), '..', 'bin', 'kylinx-sh.js');
  const built = existsSync(join(defaultImagesDir(), '..', 'dist', 'sign-cli.js'));
  it.skipIf(!built)('signs a manifest with a private key; bad usage exits 2, a bad key 1', () => {
    const d = imagesCopy();
    const file = join(d, 'lib', 'libssl-1.1.json');
    rmSync(`${file}.sig`);
    const r = spawnSync(process.execPath, [bin, 'sign', file, '--key', join(d, 'trust', 'demo-signer.private.pem')], {
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`wrote ${file}.sig`);
    expect(status(d, 'libssl', '1.1')).toBe('valid');
    expect(spawnSync(process.execPath, [bin, 'sign', file], { encoding: 'utf8' }).status).toBe(2);
    const bad = spawnSync(process.execPath, [bin, 'sign', file, '--key', join(d, 'trust', 'demo-signer.pem')], {
      encoding: 'utf8',
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe(`kylinx-sh sign: ${join(d, 'trust', 'demo-signer.pem')}: not a private key in PEM\n`);
  });

  it.skipIf(!built)(
    'signs a shipped manifest from another directory only with --out, giving the very .sig that ships',
    () => {
      const away = mkdtempSync(join(tmpdir(), 'kylinx-sign-'));
      const args = ['sign', 'images/lib/libz-1.2.13.json', '--key', 'images/trust/demo-signer.private.pem'];
      const refused = spawnSync(process.execPath, [bin, ...args], { cwd: away, encoding: 'utf8' });
      expect(refused.status).toBe(1);
      expect(refused.stderr).toBe(
        "kylinx-sh sign: images/lib/libz-1.2.13.json is the package's own copy (there is no such file here): give --out FILE to write its signature\n",
      );
      const r = spawnSync(process.execPath, [bin, ...args, '--out', 'libz.sig'], { cwd: away, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      // No warning: the key is the one in the package's trust/demo-signer.pem.
      expect(r.stderr).toBe('');
      expect(readFileSync(join(away, 'libz.sig'), 'utf8')).toBe(
        readFileSync(join(defaultImagesDir(), 'lib', 'libz-1.2.13.json.sig'), 'utf8'),
      );
    },
  );
});
