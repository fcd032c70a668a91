// `kylinx-sh sign <manifest> --key <private.pem> [--out FILE]`: a library author signs a manifest, writing
// the detached signature <manifest>.sig (or FILE) (src/dl-io.ts does the crypto). Exit 0 on success, 1 on an error,
// 2 on bad usage.

import { Command, CommanderError } from 'commander';
import { errorOf } from './commands/shell.js';
import { signManifest } from './dl-io.js';

export function runSign(args: string[], out: (s: string) => void, err: (s: string) => void): number {
  const cmd = new Command()
    .name('kylinx-sh sign')
    .description('Sign a library manifest with a private key (Ed25519 or RSA PEM); writes <manifest>.sig')
    .argument('<manifest>', 'a library manifest, e.g. images/lib/libm-1.18.json')
    .requiredOption(
      '--key <private.pem>',
      'the signer’s private key (the demo one: images/trust/demo-signer.private.pem)',
    )
    .option('--out <file>', 'where to write the signature (default: <manifest>.sig beside the manifest)')
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: err })
    .allowExcessArguments(false);
  try {
    cmd.parse(args, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  const manifest = cmd.args[0]!;
  try {
    const o = cmd.opts<{ key: string; out?: string }>();
    const s = signManifest(manifest, o.key, { out: o.out });
    out(`signed ${manifest} as ${s.signer} (${s.algorithm}, sha256 ${s.sha256}): wrote ${s.sigFile}\n`);
    if (s.matchesTrust === false)
      err(
        `kylinx-sh sign: warning: this key is not the one in trust/${s.signer}.pem, so the signature will not verify there\n`,
      );
    return 0;
  } catch (e) {
    err(`kylinx-sh sign: ${errorOf(e).message}\n`);
    return 1;
  }
}
