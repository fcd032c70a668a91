// Library restrictions (KylinX §3.3.4) against an attacker who can write library files but holds no
// trusted private key: every field of a manifest tampered, the detached signature tampered or replayed,
// a same-named compromised library substituted, a signature made by another key under the trusted
// signer's name, a validly signed downgrade, each loader level, a dependency that fails verification,
// and forged library state smuggled in through a state file. Each refusal names the rule and the
// library, and err() proves nothing was mapped (the serialized state is byte-identical).

import { generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Shell } from '../../src/commands/shell.js';
import { loadState } from '../../src/commands/session.js';
import { loadLibraries, signManifest } from '../../src/dl-io.js';
import { newEngine } from '../../src/engine/index.js';
import { defaultImagesDir, loadImages } from '../../src/host-io.js';
import { err, IMAGES, LIBS, makeShell, memoryIO, ok, stateOf } from '../helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A copy of the shipped images/ (images, lib/, trust/) for the attacker to write into. */
function imagesCopy(): string {
  const d = mkdtempSync(join(tmpdir(), 'kx-sec-'));
  dirs.push(d);
  cpSync(defaultImagesDir(), d, { recursive: true });
  return d;
}

type Doc = Record<string, unknown> & {
  functions: Record<string, unknown>[];
  variables: Record<string, unknown>[];
  needs: string[];
};

function readDoc(dir: string, file: string): Doc {
  return JSON.parse(readFileSync(join(dir, 'lib', file), 'utf8')) as Doc;
}

function writeDoc(dir: string, file: string, doc: unknown): void {
  writeFileSync(join(dir, 'lib', file), `${JSON.stringify(doc, null, 2)}\n`);
}

/** A shell on a (tampered) images directory, as `kylinx-sh --images DIR` builds it. */
function shellOn(dir: string, boot?: string[]): Shell {
  return new Shell({ host: boot ? { boot } : {}, images: loadImages(dir), io: memoryIO(), libs: loadLibraries(dir) });
}

const LIBZ = 'libz-1.2.13.json';
const REFUSED_SIG = /^refused libz 1\.2\.13 by rule 'signature': .*; nothing was mapped$/;

describe('every field of a manifest is covered by its signature', () => {
  // daytime has no restrictions of its own, so the signature rule is the only one that can refuse.
  const tampers: [string, (d: Doc) => void][] = [
    ['soname', (d) => (d.soname = 'libz.so.9')],
    ['text size', (d) => (d.text_kb = (d.text_kb as number) + 4)],
    ['data size', (d) => (d.data_kb = (d.data_kb as number) + 4)],
    ['a function renamed', (d) => (d.functions[0]!.name = 'deflate_evil')],
    ['a function signature changed', (d) => (d.functions[0]!.sig = 'int(void*)')],
    ['a faked symbol-table entry added', (d) => d.functions.push({ name: 'backdoor', sig: 'void(void)' })],
    ['a function removed', (d) => d.functions.pop()],
    [
      'a variable’s initial value',
      (d) =>
        d.variables.length ? (d.variables[0]!.init = 666) : d.variables.push({ name: 'evil', type: 'long', init: 1 }),
    ],
    ['a variable added', (d) => d.variables.push({ name: 'evil', type: 'long', init: 1 })],
    ['a dependency added', (d) => d.needs.push('libcrypto >=1.1')],
    ['a description added', (d) => (d.description = 'totally harmless')],
  ];
  for (const [what, change] of tampers) {
    it(`${what}: refused by rule 'signature', nothing mapped`, () => {
      const dir = imagesCopy();
      const doc = readDoc(dir, LIBZ);
      change(doc);
      writeDoc(dir, LIBZ, doc);
      const sh = shellOn(dir);
      ok(sh, 'create daytime');
      expect(err(sh, 'link daytime libz@1.2.13', 'EPERM')).toMatch(REFUSED_SIG);
      expect(err(sh, 'verify libz@1.2.13', 'EPERM')).toContain('bad-signature');
    });
  }

  it('the signer field: naming another trusted signer does not make the signature theirs', () => {
    const dir = imagesCopy();
    const doc = readDoc(dir, LIBZ);
    doc.signer = 'demo-thirdparty';
    writeDoc(dir, LIBZ, doc);
    const sh = shellOn(dir);
    ok(sh, 'create daytime');
    expect(err(sh, 'link daytime libz@1.2.13', 'EPERM')).toBe(
      "refused libz 1.2.13 by rule 'signature': signed by demo-signer, but the manifest names demo-thirdparty as its signer; nothing was mapped",
    );
  });

  it('the name and the version: a signed manifest renamed or re-versioned (file renamed to match) is refused', () => {
    const dir = imagesCopy();
    const doc = readDoc(dir, LIBZ);
    writeDoc(dir, 'libq-1.2.13.json', { ...doc, name: 'libq' });
    cpSync(join(dir, 'lib', `${LIBZ}.sig`), join(dir, 'lib', 'libq-1.2.13.json.sig'));
    writeDoc(dir, 'libz-1.2.99.json', { ...doc, version: '1.2.99' });
    cpSync(join(dir, 'lib', `${LIBZ}.sig`), join(dir, 'lib', 'libz-1.2.99.json.sig'));
    const sh = shellOn(dir);
    ok(sh, 'create daytime');
    expect(err(sh, 'link daytime libq', 'EPERM')).toMatch(
      /^refused libq 1\.2\.13 by rule 'signature': the ed25519 signature does not verify/,
    );
    expect(err(sh, 'link daytime libz@1.2.99', 'EPERM')).toMatch(/^refused libz 1\.2\.99 by rule 'signature'/);
    // With no version named, the newest *allowed* is picked: the forged 1.2.99 is passed over.
    expect(ok(sh, 'link daytime libz').data).toMatchObject({ linked: [{ lib: 'libz', version: '2.0' }] });
  });

  it('reformatting a manifest (key order, whitespace) keeps it valid: the signature covers values, not bytes', () => {
    const dir = imagesCopy();
    const doc = readDoc(dir, LIBZ);
    writeFileSync(join(dir, 'lib', LIBZ), JSON.stringify(Object.fromEntries(Object.entries(doc).reverse()), null, 7));
    const sh = shellOn(dir);
    ok(sh, 'create daytime; link daytime libz@1.2.13');
  });
});

describe('the detached signature itself', () => {
  const sigTampers: [string, (dir: string, sig: Record<string, unknown>) => string | null, RegExp][] = [
    [
      'one bit of the signature flipped',
      (_d, s) => JSON.stringify({ ...s, signature: flipBit(s.signature as string) }),
      /does not verify/,
    ],
    ['the signature emptied', (_d, s) => JSON.stringify({ ...s, signature: '' }), /does not verify/],
    ['the signature not base64', (_d, s) => JSON.stringify({ ...s, signature: '!!!not base64!!!' }), /does not verify/],
    [
      'a signature replayed from another library',
      (d) => readFileSync(join(d, 'lib', 'libz-1.2.11.json.sig'), 'utf8'),
      /does not verify/,
    ],
    [
      'the sha256 field forged to match the tampered manifest',
      (_d, s) => JSON.stringify({ ...s, sha256: '0'.repeat(64) }),
      /does not verify/,
    ],
    [
      'the signer in the .sig changed',
      (_d, s) => JSON.stringify({ ...s, signer: 'demo-thirdparty' }),
      /signed by demo-thirdparty, but the manifest names demo-signer/,
    ],
    [
      'the algorithm changed',
      (_d, s) => JSON.stringify({ ...s, algorithm: 'rsa-sha256' }),
      /the signature is rsa-sha256, demo-signer's key is ed25519/,
    ],
    ['not a kylinx-sig file', (_d, s) => JSON.stringify({ ...s, format: 'pgp' }), /not a kylinx-sig signature/],
    ['not JSON', () => '-----BEGIN PGP SIGNATURE-----', /the \.sig file is not JSON/],
    ['missing', () => null, /no detached signature \(\.sig\) beside the manifest/],
  ];
  for (const [what, make, why] of sigTampers) {
    it(`${what}: refused by rule 'signature' with the reason`, () => {
      const dir = imagesCopy();
      const sigPath = join(dir, 'lib', `${LIBZ}.sig`);
      // The manifest also gains a backdoor, so no signature that verifies an *unchanged* manifest can help.
      const doc = readDoc(dir, LIBZ);
      doc.functions.push({ name: 'backdoor', sig: 'void(void)' });
      writeDoc(dir, LIBZ, doc);
      const text = make(dir, JSON.parse(readFileSync(sigPath, 'utf8')) as Record<string, unknown>);
      if (text === null) rmSync(sigPath);
      else writeFileSync(sigPath, text);
      const sh = shellOn(dir);
      ok(sh, 'create daytime');
      const m = err(sh, 'link daytime libz@1.2.13', 'EPERM');
      expect(m).toMatch(REFUSED_SIG);
      expect(m).toMatch(why);
    });
  }
});

describe('substituted and re-signed libraries', () => {
  it('a compromised same-named libm 1.16 in place of the real one: web is not created, nothing is mapped', () => {
    const dir = imagesCopy();
    const doc = readDoc(dir, 'libm-1.16.json');
    doc.functions.push({ name: 'exfiltrate', sig: 'void(void)' });
    writeDoc(dir, 'libm-1.16.json', doc);
    const sh = shellOn(dir, []);
    expect(err(sh, 'create web', 'EPERM')).toMatch(/^refused libm 1\.16 by rule 'signature'/);
    expect(err(sh, 'create redis', 'EPERM')).toMatch(/^refused libm 1\.16 by rule 'signature'/);
    expect(sh.hv.liveCount).toBe(1);
    // A host whose boot list needs it does not start at all.
    expect(() => shellOn(dir)).toThrow(/refused libm 1\.16 by rule 'signature'/);
  });

  it('a library signed by another key under the trusted signer’s name (a replaced key) is refused', () => {
    const dir = imagesCopy();
    const doc = readDoc(dir, LIBZ);
    doc.functions.push({ name: 'backdoor', sig: 'void(void)' });
    writeDoc(dir, LIBZ, doc);
    const { privateKey } = generateKeyPairSync('ed25519');
    const mallory = join(dir, 'mallory.private.pem');
    writeFileSync(mallory, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect(signManifest(join(dir, 'lib', LIBZ), mallory).matchesTrust).toBe(false);
    const sh = shellOn(dir);
    ok(sh, 'create daytime');
    expect(err(sh, 'link daytime libz@1.2.13', 'EPERM')).toContain("does not verify with demo-signer's public key");
  });

  it('the trust store is the root of trust: replacing trust/demo-signer.pem makes every shipped library fail', () => {
    // Whoever can write images/trust/ decides what is trusted (file permissions protect it, not kylinx-sh);
    // a swapped key does not quietly keep the old libraries valid, it fails them all.
    const dir = imagesCopy();
    const { publicKey } = generateKeyPairSync('ed25519');
    writeFileSync(join(dir, 'trust', 'demo-signer.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
    const bad = loadLibraries(dir)
      .all()
      .filter((e) => e.manifest.signer === 'demo-signer' && e.verdict.status === 'valid');
    expect(bad).toEqual([]);
  });

  it('an unknown signer (no key in trust/) is refused by rule signature; a trusted one the image does not list by rule signer', () => {
    const dir = imagesCopy();
    rmSync(join(dir, 'trust', 'demo-thirdparty.pem'));
    const sh = shellOn(dir);
    ok(sh, 'create daytime');
    expect(err(sh, 'link daytime libfast', 'EPERM')).toContain(
      "by rule 'signature': no public key for signer demo-thirdparty",
    );
    const shipped = makeShell();
    expect(err(shipped, 'link web libfast', 'EPERM')).toContain(
      "by rule 'signer': signed by demo-thirdparty, and image web trusts only demo-signer",
    );
  });
});

describe('downgrades, the loader level and dependencies', () => {
  /** libm 1.15: a genuine, validly signed older release (the demo signer's key signs it). */
  function withLibm115(): string {
    const dir = imagesCopy();
    writeDoc(dir, 'libm-1.15.json', { ...readDoc(dir, 'libm-1.16.json'), version: '1.15' });
    signManifest(join(dir, 'lib', 'libm-1.15.json'), join(dir, 'trust', 'demo-signer.private.pem'));
    return dir;
  }

  it('a validly signed older version where the image requires a newer one: refused by rule version (link, update, create)', () => {
    const dir = withLibm115();
    const sh = shellOn(dir);
    ok(sh, 'verify libm@1.15');
    expect(err(sh, 'update web libm@1.15', 'EPERM')).toBe(
      "refused libm 1.15 by rule 'version': image web allows libm >=1.16 <2 (lib_versions); nothing was mapped",
    );
    expect(err(sh, 'update all libm@1.15', 'EPERM')).toContain("by rule 'version'");
    expect(err(sh, `create web name=w2 'libraries=["libm@1.15"]'`, 'EPERM')).toContain(
      "refused libm 1.15 by rule 'version'",
    );
    ok(sh, 'link web libz@1.2.13');
    expect(err(sh, 'update web libz@1.2.11', 'EPERM')).toBe(
      "refused libz 1.2.11 by rule 'version': image web allows libz >=1.2.12 (lib_versions); nothing was mapped",
    );
    // redis sets no version range: the downgrade is its operator's choice, and it goes through.
    ok(sh, 'update redis libm@1.15');
  });

  it("each loader level: 'self' refuses every other pVM, 'app' another image, 'any' lets any pVM ask", () => {
    const sh = makeShell();
    ok(sh, 'fork dns; fork web; create web name=web2');
    expect(err(sh, 'link dns libz --loader dns.1', 'EPERM')).toBe(
      'refused libz 2.0 by rule \'loader\': image dns lets only the pVM itself load libraries (lib_loader "self"), and dns.1 asked for dns; nothing was mapped',
    );
    err(sh, 'link dns libz --loader web', 'EPERM');
    expect(err(sh, 'link web libz --loader redis', 'EPERM')).toContain(
      'by rule \'loader\': image web lets only pVMs of the same application load libraries (lib_loader "app"), and redis runs redis',
    );
    err(sh, 'link web libz --loader dns.1', 'EPERM');
    // 'app' is the application, as the paper has it: another family of the same image may ask.
    ok(sh, 'link web libz@1.2.13 --loader web2');
    ok(sh, `create daytime name=open 'lib_loader="any"'`);
    ok(sh, 'link open libz --loader redis');
    // Loaders are pVMs: Domain-0 acts as the pVM itself and is not a loader to name; a gone pVM is not one.
    err(sh, 'link web libm@1.18 --loader Domain-0', 'EINVAL');
    err(sh, 'link open libssl --loader nosuch', 'ENOENT');
  });

  it('a dependency that fails verification refuses the whole tree, naming the dependency', () => {
    const dir = imagesCopy();
    const doc = readDoc(dir, 'libcrypto-1.1.json');
    doc.functions.push({ name: 'keylog', sig: 'void(void)' });
    writeDoc(dir, 'libcrypto-1.1.json', doc);
    const sh = shellOn(dir);
    ok(sh, 'create daytime');
    expect(err(sh, 'link daytime libssl', 'EPERM')).toMatch(
      /^refused libcrypto 1\.1 by rule 'signature': .*; nothing was mapped$/,
    );
    // libz, libssl's other dependency, was not mapped either (err() proved the state unchanged).
    expect(ok(sh, 'libs daytime').data).toMatchObject({ name: 'daytime', libraries: [] });
  });

  it('update to a tampered newer version leaves the old library linked and working', () => {
    const dir = imagesCopy();
    const doc = readDoc(dir, 'libm-1.18.json');
    doc.functions[0]!.sig = 'double(double, double)';
    writeDoc(dir, 'libm-1.18.json', doc);
    const sh = shellOn(dir);
    expect(err(sh, 'update web libm@1.18', 'EPERM')).toMatch(/^refused libm 1\.18 by rule 'signature'/);
    expect(ok(sh, 'call web libm.sqrt').data).toMatchObject({ version: '1.16' });
  });

  it('recycling links the application as a library: a tampered application is refused', () => {
    const dir = imagesCopy();
    const doc = readDoc(dir, 'app-web-1.0.json');
    doc.text_kb = (doc.text_kb as number) + 4;
    writeDoc(dir, 'app-web-1.0.json', doc);
    const sh = shellOn(dir);
    expect(err(sh, 'create web --recycle', 'EPERM')).toMatch(/^refused app-web 1\.0 by rule 'signature'/);
  });
});

describe('forged library state in a state file', () => {
  it('a faked symbol-table entry in a loaded library is refused when the state is restored', () => {
    const doc = JSON.parse(stateOf(makeShell())) as {
      subsystems: { dl: { masters: { key: string; manifest: Doc }[] } };
    };
    doc.subsystems.dl.masters
      .find((m) => m.key === 'libm@1.16')!
      .manifest.functions.push({ name: 'backdoor', sig: 'void(void)' });
    expect(() => loadState((h) => newEngine(h, { libs: LIBS }), JSON.stringify(doc), 's.json')).toThrow(
      's.json: state: loaded libm@1.16 differs from lib/libm-1.16.json; a state may hold only what a signature covers',
    );
  });

  it('a library the store does not verify now, or does not hold, is refused too', () => {
    const sh = makeShell();
    ok(sh, 'create daytime; link daytime libz@1.2.13');
    const text = stateOf(sh);
    // The same state against a store where libz 1.2.13 lost its signature, and one without it at all.
    const dir = imagesCopy();
    rmSync(join(dir, 'lib', `${LIBZ}.sig`));
    expect(() => loadState((h) => newEngine(h, { libs: loadLibraries(dir) }), text, 's.json')).toThrow(
      /state: libz@1\.2\.13 is loaded, but lib\/libz-1\.2\.13\.json does not verify now \(no detached signature/,
    );
    renameSync(join(dir, 'lib', LIBZ), join(dir, 'libz.bak'));
    expect(() => loadState((h) => newEngine(h, { libs: loadLibraries(dir) }), text, 's.json')).toThrow(
      's.json: state: libz@1.2.13 is loaded, but the library store has no libz@1.2.13',
    );
  });

  it('restore refuses such a file and keeps the current state', () => {
    const doc = JSON.parse(stateOf(makeShell())) as {
      subsystems: { dl: { masters: { key: string; manifest: Doc }[] } };
    };
    doc.subsystems.dl.masters[0]!.manifest.text_kb = 4;
    const io = memoryIO({ 'forged.json': JSON.stringify(doc) });
    const sh = new Shell({ host: {}, images: IMAGES, io, libs: LIBS });
    expect(err(sh, 'snapshot restore forged.json', 'EINVAL')).toContain(
      'a state may hold only what a signature covers',
    );
  });
});

function flipBit(b64: string): string {
  const buf = Buffer.from(b64, 'base64');
  buf[10] = buf[10]! ^ 1;
  return buf.toString('base64');
}
