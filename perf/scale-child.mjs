// Run in a child process so its peak RSS is the engine's alone: fork the redis appliance into N live
// pVMs, then time the commands given (comma-separated) over them, wall and CPU time. Prints one JSON line.
import { join } from 'node:path';
import { ROOT } from './lib.mjs';

const n = Number(process.argv[2] ?? 100000);
const commands = (process.argv[3] ?? '').split(',').filter(Boolean);
const { newEngine } = await import(join(ROOT, 'dist', 'engine', 'index.js'));
const { create, fork } = await import(join(ROOT, 'dist', 'engine', 'lifecycle.js'));
const { loadImages, defaultImagesDir } = await import(join(ROOT, 'dist', 'host-io.js'));
const { Shell } = await import(join(ROOT, 'dist', 'commands', 'shell.js'));
const { loadLibraries } = await import(join(ROOT, 'dist', 'dl-io.js'));

const images = loadImages(defaultImagesDir());
const libs = loadLibraries(defaultImagesDir());

// Warm the commands' code up on a small host first, so the timings below (and the 100k/10k ratios
// of list_100k_ms) measure the work at scale, not the JIT compiling it.
if (commands.length > 0) {
  const warm = new Shell({ host: {}, images, io: null, libs });
  warm.run('fork redis 50; fork web 20');
  for (let i = 0; i < 3; i++) for (const c of commands) warm.run(c);
}
// redis links libm at create: the engine needs the library store, as the CLI loads it.
const hv = newEngine({ boot: [], max_domains: n + 10 }, { libs });
const redis = create(hv, images.get('redis')).domain;
for (let i = 0; i < n; i++) {
  fork(hv, redis, 1);
  if (i % 4096 === 0) hv.drainEvents();
}
hv.drainEvents();
const shell = new Shell({ host: {}, images, io: null, engine: hv });
const timings = {};
const cpuMs = {};
for (const c of commands) {
  let bytes = 0;
  const off = shell.onOutcome((o) => {
    if (!o.ok) throw new Error(`${c}: ${o.error.message}`);
    bytes += o.result.text.length;
  });
  // Each command starts on a collected heap, so a full collection made necessary by the garbage of the
  // commands before it is not charged to it (the parent runs this child with --expose-gc).
  globalThis.gc?.();
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  shell.run(c);
  timings[c] = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(c0);
  // CPU time of the process (garbage collection threads included): on a loaded machine the wall time
  // is what the process was given, not what it needed.
  cpuMs[c] = (cpu.user + cpu.system) / 1000;
  off();
  if (bytes === 0) throw new Error(`${c} printed nothing`);
}
const frames = hv.frames.used;
// Guest pages mapped by all pVMs together: the memory the host would need without sharing.
let mappedPages = 0;
for (const d of hv.domains.values()) for (const r of d.regions) mappedPages += r.pages;
process.stdout.write(
  JSON.stringify({
    n,
    pvms: hv.liveCount - 1,
    frames,
    mappedPages,
    maxRssKiB: process.resourceUsage().maxRSS,
    timings,
    cpuMs,
  }) + '\n',
);
