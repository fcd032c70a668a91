// The cost model: what each primitive would cost on KylinX, in microseconds of modeled latency.
// Commands report these; they never measure the host running the simulator.
//
// Every constant names its source. "Calibrated" constants were chosen so the default images reproduce
// the KylinX paper's figures (kylinx-reference.md); the rest are orders of magnitude from the cited
// work, and what is not calibrated follows from the primitives (a bigger pVM forks slower, a pool of
// shells takes shell creation off the fork path).

export interface CostEntry {
  us: number;
  source: string;
}

export const COSTS = {
  hypercall: { us: 0.5, source: 'one Xen hypercall round trip, order of magnitude (Xen docs, LightVM §5)' },
  shell_create: {
    us: 600,
    source:
      'empty domain shell: domctl create, max_vcpus, memory reservation; LightVM (SOSP17) split toolstack. Calibrated with page_share so redis forks in 1.3 ms',
  },
  page_populate: {
    us: 0.35,
    source:
      'allocate and map one 4 KiB page at create; with shell_create and guest_boot gives LightVM-like ~4.5 ms noxs boots of an 8 MiB appliance',
  },
  guest_boot: { us: 3000, source: 'KylinX §4.1: about 3 ms from start of day to the appliance running' },
  xs_fixed: {
    us: 119_650,
    source:
      'XenStore work of one domain creation on an empty host; calibrated: boot about 124 ms with toolstack="xs" (KylinX §4.1)',
  },
  xs_per_live: {
    us: 280,
    source:
      'XenStore cost growing with live domains (watches, directory size); calibrated to Fig. 5 (100/500/1000 pVMs: ~13/115/392 s)',
  },
  xs_per_live_sq: {
    us: 0.345,
    source: 'quadratic XenStore term (transactions retried under load); calibrated to Fig. 5 with xs_per_live',
  },
  page_share: {
    us: 0.25,
    source:
      'grant one page to the child, per page of the parent (KylinX do_fork); calibrated: redis (8 MiB) forks in about 1.3 ms',
  },
  state_pass: {
    us: 80,
    source: 'pass basic state and registers to the child (KylinX do_fork); calibrated with page_share',
  },
  unpause: { us: 50, source: 'unpause a domain: hypercall plus scheduling the vCPUs; calibrated with page_share' },
  fork_entry: {
    us: 58,
    source: 'setjmp, save registers, call into dom0 do_fork and return the child id; calibrated with page_share',
  },
  pause: { us: 20, source: 'pause a domain: hypercall, wait for its vCPUs to be descheduled (order of magnitude)' },
  destroy_base: {
    us: 250,
    source: 'domain destruction: relinquish resources, free the shell (LightVM, order of magnitude)',
  },
  page_free: { us: 0.05, source: 'return one page to the free list at destroy (order of magnitude)' },
  cow_break: {
    us: 1.2,
    source: 'write fault, allocate a frame, copy 4 KiB and remap (On-demand-fork measures ~1 us per copied page)',
  },
  page_write: { us: 0.02, source: 'a write to a page mapped once: no fault (order of magnitude)' },
  rename: { us: 30, source: 'toolstack bookkeeping plus a hypercall (order of magnitude)' },
  signal_default: {
    us: 40,
    source: 'a signal from the toolstack: write the shared page and notify (KylinX Table 3 kill, lineal)',
  },
  // Libraries (KylinX §3.3; Fig. 7 is libm 1.16 -> 1.18: 111 functions, 111 variables, eager).
  lib_link: {
    us: 15,
    source:
      "dom0 reads a library's program headers, checks the restrictions, sets GOT[1..2] (order of magnitude; in Fig. 7 stage 1)",
  },
  lib_map: {
    us: 180,
    source:
      'map a library into dom0 the first time (open, read dynamic symbol and string tables); calibrated: Fig. 7 stage 1 (load and share libm 1.18, 272 KiB text) about 280 us',
  },
  lib_load_page: {
    us: 1.0,
    source:
      'read one 4 KiB page of library text into dom0 memory (a page-cache copy, order of magnitude); with lib_map gives Fig. 7 stage 1',
  },
  got_reset: {
    us: 8.8,
    source:
      'reset one .got.plt slot to its PLT stub: dom0 maps the guest page and writes it (KylinX §3.3.2); calibrated: Fig. 7 stage 2, about 1000 us for 111 slots with the pause',
  },
  symbol_resolve: {
    us: 25.2,
    source:
      "resolve one function: the PLT stub traps to dom0, which finds the symbol in the library's hash table and patches the slot; calibrated: Fig. 7 stage 3, about 2800 us for 111 functions",
  },
  var_copy: {
    us: 9.9,
    source:
      're-resolve one variable in the new library and copy its value from the old one; calibrated: Fig. 7 stage 4, about 1150 us for 111 variables with the unpause',
  },
  plt_call: { us: 0.01, source: 'a call through a bound .got.plt slot: one indirect jump (order of magnitude)' },
  checkpoint_restore: {
    us: 150,
    source:
      'restore a checkpointed empty domain: vCPU context and event channels, no domain build (KylinX §3.3.3; order of magnitude of xc_domain_restore without memory)',
  },
  page_restore: {
    us: 0.6,
    source: 'populate one page and copy it from the checkpoint: page_populate plus a 4 KiB memcpy (order of magnitude)',
  },
  // IpC (KylinX Table 2, Table 3): one event channel plus shared pages per pair. The lineal row of Table 3
  // is built from ipc_call, shared_page_write, evtchn_notify and the per-op costs below; first contact
  // (trust_verify + 2 evtchn_op + grant_access + grant_map, about 197 us) is what the non-lineal row adds.
  ipc_call: {
    us: 2,
    source: 'enter and leave the KylinX IpC library in the guest (Mini-OS: no kernel crossing; order of magnitude)',
  },
  evtchn_notify: {
    us: 35,
    source:
      'EVTCHNOP_send, upcall in the peer, wake and schedule its vCPU; calibrated: lineal kill 41 us = ipc_call + shared_page_write + evtchn_notify + signal_handler (Table 3)',
  },
  evtchn_op: {
    us: 3,
    source:
      'one event-channel set-up hypercall (alloc_unbound, bind_interdomain, close); a hypercall plus table work (order of magnitude)',
  },
  shared_page_write: {
    us: 1,
    source: "write a record (signal, exit status, ring ref) into a pair's shared page (order of magnitude)",
  },
  signal_handler: {
    us: 3,
    source:
      "dispatch a caught signal from the upcall to the image's handler and return (order of magnitude; with evtchn_notify gives Table 3's lineal kill)",
  },
  grant_access: {
    us: 1,
    source: 'fill one grant entry: a guest-side write of domid, frame, then flags (xen-reference.md Grant tables)',
  },
  grant_map: {
    us: 10,
    source:
      'GNTTABOP_map_grant_ref: hypercall, page-table update and TLB flush; calibrated: lineal pipe (create + write + read) 55 us (Table 3)',
  },
  grant_unmap: { us: 4, source: 'GNTTABOP_unmap_grant_ref: hypercall and TLB flush (order of magnitude)' },
  ring_byte: { us: 0.001, source: 'copy one byte through a vchan ring (memcpy at about 1 GB/s)' },
  msg_op: {
    us: 3,
    source:
      'find, copy into or out of a System V message queue (guest-side); calibrated: lineal msgrcv + msgsnd 43 us (Table 3)',
  },
  reap: {
    us: 3,
    source:
      "wait() reads the child's status from the shared page and frees its record; calibrated: lineal exit/wait 43 us (Table 3)",
  },
  trust_verify: {
    us: 180,
    source:
      'first contact: Domain-0 verifies both pVMs are of one family (request, family lookup, reply); calibrated so first contact adds about 195 us, the non-lineal minus lineal rows of Table 3',
  },
} as const satisfies Record<string, CostEntry>;

export type Primitive = keyof typeof COSTS;

export function us(p: Primitive, n = 1): number {
  return COSTS[p].us * n;
}

/** XenStore cost of creating one domain when `live` domains (with Domain-0) already exist. */
export function xenstoreCreate(live: number): number {
  return us('xs_fixed') + us('xs_per_live', live) + us('xs_per_live_sq', live * live);
}

/** Modeled boot of an appliance of `pages` pages (KylinX §4.1: domain creation plus guest boot). */
export function bootCost(pages: number, toolstack: 'noxs' | 'xs', live: number, fromPool: boolean): number {
  let t = us('page_populate', pages) + us('guest_boot');
  if (!fromPool) t += us('shell_create');
  if (toolstack === 'xs') t += xenstoreCreate(live);
  return t;
}

/** Modeled fork (KylinX do_fork): every page of the parent is shared with the child. */
export function forkCost(pages: number, toolstack: 'noxs' | 'xs', live: number, fromPool: boolean): number {
  let t = us('fork_entry') + us('page_share', pages) + us('state_pass') + us('unpause');
  if (!fromPool) t += us('shell_create');
  if (toolstack === 'xs') t += xenstoreCreate(live);
  return t;
}

/** Modeled restore of a checkpointed domain of `pages` pages: no domain build, no XenStore, no guest boot (KylinX §3.3.3). */
export function restoreCost(pages: number): number {
  return us('checkpoint_restore') + us('page_restore', pages);
}

export function destroyCost(pages: number): number {
  return us('destroy_base') + us('page_free', pages);
}

/** Round a modeled latency for display and JSON (0.1 us). */
export function roundUs(t: number): number {
  return Math.round(t * 10) / 10;
}

/** Modeled time of a write burst: each CoW break faults and copies a page, other writes are plain stores. */
export function cowCost(copied: number, inPlace: number): number {
  return us('cow_break', copied) + us('page_write', inPlace);
}
