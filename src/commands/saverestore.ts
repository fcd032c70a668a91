// xl save and xl restore: ONE domain to a checkpoint file and back (engine/checkpoint.ts says what a
// checkpoint holds and what it refuses). The whole host's snapshot is `snapshot save|restore`.

import { checkpointOf, restoreCheckpoint, validateCheckpoint } from '../engine/checkpoint.js';
import { fail } from '../engine/errors.js';
import * as life from '../engine/lifecycle.js';
import { flag, one } from './args.js';
import { file, pvm } from './kinds.js';
import { command, type AnyCommand } from './types.js';

const save = command({
  name: 'save',
  family: 'lifecycle',
  summary: 'Save a domain state to restore later',
  usage: '[options] <Domain> <CheckpointFile>',
  args: { pvm: one(pvm, 'Domain'), file: one(file, 'CheckpointFile') },
  options: {
    checkpoint: flag('Leave domain running after creating the snapshot.', 'c'),
    paused: flag('Leave domain paused after creating the snapshot.', 'p'),
  },
  help: "The checkpoint holds the pVM's image, libraries, memory content, balloon, vCPUs, affinities, weight and cap. Refused for a pVM attached to shm, blocked in an IpC call, or linking other libraries than its image's. Without -c or -p the pVM is destroyed once the file is written, as xl does.",
  differs:
    "The checkpoint is the model's JSON, not libxc's stream; no <ConfigFile> (the image goes in the checkpoint). xl's progress lines (stderr) are not printed; -v or the console shows a confirmation.",
  run(ctx, a, o) {
    const hv = ctx.hv;
    const d = a.pvm;
    const cp = checkpointOf(hv, d);
    const doc = JSON.stringify(cp);
    ctx.io.writeAtomic(a.file, doc);
    let after: 'running' | 'paused' | 'destroyed' = 'running';
    let latencyUs = 0;
    if (o.paused) {
      if (!d.paused) latencyUs += life.pause(hv, d).latencyUs;
      after = 'paused';
    } else if (!o.checkpoint) {
      latencyUs += life.destroy(hv, d).latencyUs;
      after = 'destroyed';
    }
    return {
      text: `saved ${d.name} (domid ${d.domid}) to ${a.file} (${doc.length} bytes); ${after === 'running' ? 'it runs on' : after === 'paused' ? 'left paused' : 'destroyed'}`,
      data: { name: d.name, domid: d.domid, file: a.file, bytes: doc.length, after },
      latencyUs,
      confirmation: true,
    };
  },
});

const restore = command({
  name: 'restore',
  family: 'lifecycle',
  summary: 'Restore a domain from a saved state',
  usage: '[options] <CheckpointFile>',
  args: { file: one(file, 'CheckpointFile') },
  options: { paused: flag('Do not unpause domain after restoring it.', 'p') },
  help: 'The pVM comes back with its name (which must be free) and a new domid, a root of its own family.',
  differs: "xl's progress lines (stderr) are not printed; -v or the console shows a confirmation.",
  run(ctx, a, o) {
    const hv = ctx.hv;
    let doc: unknown;
    try {
      doc = JSON.parse(ctx.io.readText(a.file));
    } catch (e) {
      if (e instanceof SyntaxError) fail('EINVAL', `${a.file}: not a kylinx-sh checkpoint (not valid JSON)`);
      throw e;
    }
    const cp = (() => {
      try {
        return validateCheckpoint(doc);
      } catch (e) {
        fail('EINVAL', `${a.file}: ${(e as Error).message}`);
      }
    })();
    const r = restoreCheckpoint(hv, cp, a.file);
    let latencyUs = r.latencyUs;
    if (o.paused) latencyUs += life.pause(hv, r.domain).latencyUs;
    const d = r.domain;
    return {
      text: `restored ${d.name} (domid ${d.domid}) from ${a.file}${o.paused ? ', paused' : ''}`,
      data: { name: d.name, domid: d.domid, file: a.file, paused: d.paused },
      latencyUs,
      confirmation: true,
    };
  },
});

export const SAVE_RESTORE: AnyCommand[] = [save, restore];
