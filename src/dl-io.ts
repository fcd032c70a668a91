// The file side of libraries: reading manifests (images/lib/<name>-<version>.json), their detached
// signatures (<file>.sig) and the signers' public keys (images/trust/<signer>.pem), and verifying each
// signature with node:crypto. The engine gets a LibraryStore of manifests with a verdict each and never
// touches files or crypto itself. Also signing, for `kylinx-sh sign` and scripts/make-libs.mjs.
//
// A signature covers the manifest's canonical serialization (keys sorted, no whitespace), so
// reformatting a manifest keeps it valid and changing any value breaks it. Ed25519 keys are the
// default; RSA keys (the paper signed an SHA-1 digest with RSA) verify with RSA-SHA256.

import { createHash, createPrivateKey, createPublicKey, KeyObject, sign, verify } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fail } from './engine/errors.js';
import { canonical, LibraryEntry, Manifest, validateManifest, Verdict } from './engine/dl/manifest.js';
import { LibraryStore } from './engine/dl/store.js';
import { readText, writeAtomic } from './host-io.js';
import { shippedPath, userPath } from './package-paths.js';

export const SIG_FORMAT = 'kylinx-sig';

/** A detached signature file (<manifest>.sig). */
export interface SignatureFile {
  format: typeof SIG_FORMAT;
  version: 1;
  signer: string;
  algorithm: 'ed25519' | 'rsa-sha256';
  /** SHA-256 of the canonical manifest, hex (informative; the signature is what counts). */
  sha256: string;
  /** The signature, base64. */
  signature: string;
}

const PRIVATE_SUFFIX = '.private.pem';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function algorithmOf(key: KeyObject): SignatureFile['algorithm'] {
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  if (key.asymmetricKeyType === 'rsa') return 'rsa-sha256';
  fail('EINVAL', `keys of type ${key.asymmetricKeyType ?? 'unknown'} are not supported (use Ed25519 or RSA)`);
}

/** Public keys of the trust store: <dir>/<signer>.pem (private keys beside them are skipped). */
export function loadTrust(dir: string): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  if (!existsSync(dir)) return keys;
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith('.pem') || f.endsWith(PRIVATE_SUFFIX)) continue;
    const path = join(dir, f);
    try {
      keys.set(basename(f, '.pem'), createPublicKey(readText(path)));
    } catch (e) {
      fail('EINVAL', `${path}: not a public key in PEM (${(e as Error).message.split('\n')[0]})`);
    }
  }
  return keys;
}

/** Judge one manifest's detached signature against the trust store. */
export function verifyManifest(m: Manifest, sigText: string | null, trust: Map<string, KeyObject>): Verdict {
  const message = canonical(m);
  const sha256 = sha256Hex(message);
  if (sigText === null)
    return { status: 'unsigned', algorithm: '-', sha256, detail: 'no detached signature (.sig) beside the manifest' };
  let sig: SignatureFile;
  try {
    sig = JSON.parse(sigText) as SignatureFile;
  } catch {
    return { status: 'bad-signature', algorithm: '-', sha256, detail: 'the .sig file is not JSON' };
  }
  if (sig?.format !== SIG_FORMAT || typeof sig.signature !== 'string' || typeof sig.signer !== 'string') {
    return {
      status: 'bad-signature',
      algorithm: '-',
      sha256,
      detail: `the .sig file is not a ${SIG_FORMAT} signature`,
    };
  }
  const algorithm = String(sig.algorithm);
  if (sig.signer !== m.signer)
    return {
      status: 'bad-signature',
      algorithm,
      sha256,
      detail: `signed by ${sig.signer}, but the manifest names ${m.signer} as its signer`,
    };
  const key = trust.get(m.signer);
  if (!key)
    return {
      status: 'unknown-signer',
      algorithm,
      sha256,
      detail: `no public key for signer ${m.signer} in the trust store (trust/${m.signer}.pem)`,
    };
  const alg = algorithmOf(key);
  if (alg !== algorithm)
    return {
      status: 'bad-signature',
      algorithm,
      sha256,
      detail: `the signature is ${algorithm}, ${m.signer}'s key is ${alg}`,
    };
  let good = false;
  try {
    good = verify(
      alg === 'ed25519' ? null : 'sha256',
      Buffer.from(message, 'utf8'),
      key,
      Buffer.from(sig.signature, 'base64'),
    );
  } catch {
    good = false;
  }
  if (!good)
    return {
      status: 'bad-signature',
      algorithm,
      sha256,
      detail: `the ${algorithm} signature does not verify with ${m.signer}'s public key (the manifest changed after signing, or another key signed it)`,
    };
  return { status: 'valid', algorithm, sha256, detail: `${algorithm} signature by ${m.signer} verifies` };
}

/** Read a manifest file and validate it; its name must be <name>-<version>.json. */
export function readManifest(path: string): Manifest {
  let doc: unknown;
  try {
    doc = JSON.parse(readText(path));
  } catch (e) {
    if (e instanceof SyntaxError) fail('EINVAL', `${path}: not JSON (${e.message})`);
    throw e;
  }
  return validateManifest(doc, path);
}

/** Every library in <images>/lib, verified against <images>/trust. A missing lib/ is an empty store. */
export function loadLibraries(imagesDir: string): LibraryStore {
  const libDir = join(imagesDir, 'lib');
  if (!existsSync(libDir)) return new LibraryStore();
  const trust = loadTrust(join(imagesDir, 'trust'));
  const entries: LibraryEntry[] = [];
  for (const f of readdirSync(libDir)
    .filter((x) => x.endsWith('.json'))
    .sort()) {
    const path = join(libDir, f);
    const manifest = readManifest(path);
    if (f !== `${manifest.name}-${manifest.version}.json`)
      fail(
        'EINVAL',
        `${path}: holds ${manifest.name} ${manifest.version}, so it must be named ${manifest.name}-${manifest.version}.json`,
      );
    const sigPath = `${path}.sig`;
    const sigText = existsSync(sigPath) ? readText(sigPath) : null;
    entries.push(judgedOnUse(manifest, join('lib', f), () => verifyManifest(manifest, sigText, trust)));
  }
  return new LibraryStore(entries);
}

/**
 * A store entry whose verdict is judged when first read (a link's restrictions, `libs`, a saved state),
 * then kept. Judging all 32 shipped manifests (canonical form, SHA-256, the signature check) was 5% of the
 * instructions `kylinx-sh -c "fork web 4"` runs (cachegrind: 1,294 million, 1,231 without), and the booted
 * appliances link four of them. The files were read already, so the verdict is the one they had when the
 * shell started, as before.
 */
function judgedOnUse(manifest: Manifest, file: string, judge: () => Verdict): LibraryEntry {
  let verdict: Verdict | undefined;
  return {
    manifest,
    file,
    get verdict(): Verdict {
      return (verdict ??= judge());
    },
  };
}

export interface Signed {
  sigFile: string;
  signer: string;
  algorithm: string;
  sha256: string;
  /** Whether the key matches trust/<signer>.pem beside the manifest's lib/ (null: no such key there). */
  matchesTrust: boolean | null;
}

/**
 * Sign a manifest with a private key (PEM): writes `out`, by default <manifest>.sig beside it. A shipped
 * manifest named from another directory (package-paths) is read from the package, but its signature is
 * never written into the package: that needs `out`.
 */
export function signManifest(manifestPath: string, keyPath: string, o: { out?: string } = {}): Signed {
  if (o.out === undefined && shippedPath(manifestPath) !== undefined)
    fail(
      'EINVAL',
      `${manifestPath} is the package's own copy (there is no such file here): give --out FILE to write its signature`,
    );
  const source = userPath(manifestPath);
  const m = readManifest(source);
  let key: KeyObject;
  try {
    key = createPrivateKey(readText(keyPath));
  } catch (e) {
    if (e instanceof Error && 'code' in e && (e as { code: unknown }).code === 'ENOENT') throw e;
    fail('EINVAL', `${keyPath}: not a private key in PEM`);
  }
  const algorithm = algorithmOf(key);
  const message = canonical(m);
  const signature = sign(algorithm === 'ed25519' ? null : 'sha256', Buffer.from(message, 'utf8'), key).toString(
    'base64',
  );
  const sig: SignatureFile = {
    format: SIG_FORMAT,
    version: 1,
    signer: m.signer,
    algorithm,
    sha256: sha256Hex(message),
    signature,
  };
  const sigFile = o.out ?? `${manifestPath}.sig`;
  writeAtomic(sigFile, `${JSON.stringify(sig, null, 2)}\n`);
  const trustKey = join(dirname(dirname(source)), 'trust', `${m.signer}.pem`);
  let matchesTrust: boolean | null = null;
  if (existsSync(trustKey)) {
    const pub = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
    matchesTrust = createPublicKey(readText(trustKey)).export({ type: 'spki', format: 'pem' }).toString() === pub;
  }
  return { sigFile, signer: m.signer, algorithm, sha256: sig.sha256, matchesTrust };
}
