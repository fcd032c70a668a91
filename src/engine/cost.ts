// The cost table: what each primitive would cost on KylinX (or on a baseline the paper compares with),
// in microseconds of modeled latency per unit. Commands report sums of these; they never measure the
// host running the simulator. Each engine reads the table through its CostModel (cost-model.ts), where
// `cost NAME=VALUE` and `--costs FILE` override entries and every charge is counted so a latency can be
// explained as the primitives it is made of.
//
// Every constant names its source. A constant fitted to a cell of `bench` lists that cell's row id in
// `calibrates` (the fewest cells that fix it): those rows are reproductions, every other row with a
// paper value is a prediction. The rest are orders of magnitude from the cited work, or figures taken
// from outside the rows `bench` shows (the source says which).

export interface CostEntry {
  /** Modeled µs per unit. */
  us: number;
  /** What one unit is (µs per `per`). */
  per: string;
  source: string;
  /** Ids of the bench rows this constant was fitted to (bench/types.ts); none: not fitted to a row. */
  calibrates?: readonly string[];
}

export const COSTS = {
  hypercall: {
    us: 0.5,
    per: 'call',
    source: 'one Xen hypercall round trip, order of magnitude (Xen docs, LightVM §5)',
  },
  shell_create: {
    us: 600,
    per: 'domain',
    source:
      'empty domain shell: domctl create, max_vcpus, memory reservation; order of magnitude of LightVM (SOSP17) split toolstack',
  },
  page_populate: {
    us: 0.35,
    per: 'page',
    source:
      'allocate and map one 4 KiB page at create; with shell_create and guest_boot gives LightVM-like ~4.5 ms noxs boots of an 8 MiB appliance (LightVM, outside the bench rows)',
  },
  guest_boot: {
    us: 3000,
    per: 'boot',
    source:
      'KylinX §4.1: about 3 ms from start of day to the appliance running (a figure of the text, not a bench row)',
  },
  // XenStore (xs/store.ts): what xenstored does per request, priced by two constants fitted to Fig. 5 at
  // 100 and 1000 pVMs (scripts/calibrate.mjs solves for them); the 500 point, the one-pVM boot and every
  // other count are predictions.
  xs_op: {
    us: 459.8,
    per: 'message',
    source:
      'one XenStore message: a request and its reply, or a watch event, between a client and xenstored (socket or ring round trip, parse, database access); calibrated: Fig. 5, 100 and 1000 pVMs booted in sequence',
    calibrates: ['fig5.xs.100', 'fig5.xs.1000'],
  },
  xs_visit: {
    us: 0.03768,
    per: 'entry',
    source:
      'xenstored touches one entry of a list it walks: a connection its main loop polls per request (core.c), a connection or watch fire_watches checks per change (watch.c), a node a transaction start copies (before Xen 4.9); calibrated: Fig. 5, 100 and 1000 pVMs booted in sequence',
    calibrates: ['fig5.xs.100', 'fig5.xs.1000'],
  },
  xencloned_node: {
    us: 300,
    per: 'node',
    source:
      "Nephele's xencloned clones one XenStore node of the parent for a clone (read it, write it with the clone's domid; the devices connect as at boot); calibrated: Nephele's clone median 30.7 ms (EuroSys'23, 1000 sequential clones)",
    calibrates: ['fork.nephele'],
  },
  page_share: {
    us: 0.25,
    per: 'page',
    source:
      'grant one page to the child, per page of the parent (KylinX do_fork); calibrated: redis forks in about 1.3 ms (KylinX §3.2.1), fitted when the redis image had 2114 pages (8 MiB and libm); with its Fig. 6 libraries it has 1728',
    calibrates: ['fork.redis'],
  },
  state_pass: {
    us: 80,
    per: 'fork',
    source: 'pass basic state and registers to the child (KylinX do_fork); order of magnitude',
  },
  unpause: {
    us: 50,
    per: 'domain',
    source: 'unpause a domain: hypercall plus scheduling the vCPUs; order of magnitude',
  },
  fork_entry: {
    us: 58,
    per: 'fork',
    source: 'setjmp, save registers, call into dom0 do_fork and return the child id; order of magnitude',
  },
  pause: {
    us: 20,
    per: 'domain',
    source: 'pause a domain: hypercall, wait for its vCPUs to be descheduled (order of magnitude)',
  },
  destroy_base: {
    us: 250,
    per: 'domain',
    source: 'domain destruction: relinquish resources, free the shell (LightVM, order of magnitude)',
  },
  page_free: { us: 0.05, per: 'page', source: 'return one page to the free list at destroy (order of magnitude)' },
  cow_break: {
    us: 1.2,
    per: 'page',
    source: 'write fault, allocate a frame, copy 4 KiB and remap (On-demand-fork measures ~1 us per copied page)',
  },
  page_write: { us: 0.02, per: 'page', source: 'a write to a page mapped once: no fault (order of magnitude)' },
  rename: { us: 30, per: 'call', source: 'toolstack bookkeeping plus a hypercall (order of magnitude)' },
  signal_default: {
    us: 40,
    per: 'signal',
    source: 'a signal from the toolstack: write the shared page and notify (order of magnitude of Table 3 kill)',
  },
  // Libraries (KylinX §3.3; Fig. 7 is libm 1.16 -> 1.18: 111 functions, 111 variables, eager).
  lib_link: {
    us: 15,
    per: 'library',
    source:
      "dom0 reads a library's program headers, checks the restrictions, sets GOT[1..2] (order of magnitude; in Fig. 7 stage 1)",
  },
  lib_map: {
    us: 180,
    per: 'library',
    source:
      'map a library into dom0 the first time (open, read dynamic symbol and string tables); calibrated: Fig. 7 stage 1 (load and share libm 1.18, 272 KiB text) about 280 us',
    calibrates: ['fig7.stage1'],
  },
  lib_load_page: {
    us: 1.0,
    per: 'page',
    source: 'read one 4 KiB page of library text into dom0 memory (a page-cache copy, order of magnitude)',
  },
  got_reset: {
    us: 8.8,
    per: 'slot',
    source:
      'reset one .got.plt slot to its PLT stub: dom0 maps the guest page and writes it (KylinX §3.3.2); calibrated: Fig. 7 stage 2, about 1000 us for 111 slots with the pause',
    calibrates: ['fig7.stage2'],
  },
  symbol_resolve: {
    us: 25.2,
    per: 'function',
    source:
      "resolve one function: the PLT stub traps to dom0, which finds the symbol in the library's hash table and patches the slot; calibrated: Fig. 7 stage 3, about 2800 us for 111 functions",
    calibrates: ['fig7.stage3'],
  },
  var_copy: {
    us: 9.9,
    per: 'variable',
    source:
      're-resolve one variable in the new library and copy its value from the old one; calibrated: Fig. 7 stage 4, about 1150 us for 111 variables with the unpause',
    calibrates: ['fig7.stage4'],
  },
  static_reloc: {
    us: 10.72,
    per: 'symbol',
    source:
      "relocate one function or variable of a library linked into the image, at boot (MiniOS, the paper's baseline, create --static: a lookup in the image's symbol tables and a patch); calibrated: MiniOS boots about 9 ms slower than KylinX (133 vs 124 ms, KylinX §4.1)",
    calibrates: ['boot.minios-over-kylinx'],
  },
  plt_call: {
    us: 0.01,
    per: 'call',
    source: 'a call through a bound .got.plt slot: one indirect jump (order of magnitude)',
  },
  checkpoint_restore: {
    us: 150,
    per: 'domain',
    source:
      'restore a checkpointed empty domain: vCPU context and event channels, no domain build (KylinX §3.3.3; order of magnitude of xc_domain_restore without memory)',
  },
  page_restore: {
    us: 0.6,
    per: 'page',
    source: 'populate one page and copy it from the checkpoint: page_populate plus a 4 KiB memcpy (order of magnitude)',
  },
  // IpC (KylinX Table 2, Table 3): one event channel plus shared pages per pair. Each lineal cell of Table 3
  // but shm fixes one constant below; first contact (trust_verify + 2 evtchn_op + grant_access + grant_map)
  // is fixed by the non-lineal kill cell, and the other four non-lineal cells are predictions.
  ipc_call: {
    us: 2,
    per: 'call',
    source: 'enter and leave the KylinX IpC library in the guest (Mini-OS: no kernel crossing; order of magnitude)',
  },
  evtchn_notify: {
    us: 35,
    per: 'event',
    source:
      'EVTCHNOP_send, upcall in the peer, wake and schedule its vCPU; calibrated: lineal kill 41 us = ipc_call + shared_page_write + evtchn_notify + signal_handler (Table 3)',
    calibrates: ['table3.lineal.kill'],
  },
  evtchn_op: {
    us: 3,
    per: 'call',
    source:
      'one event-channel set-up hypercall (alloc_unbound, bind_interdomain, close); a hypercall plus table work (order of magnitude)',
  },
  shared_page_write: {
    us: 1,
    per: 'write',
    source: "write a record (signal, exit status, ring ref) into a pair's shared page (order of magnitude)",
  },
  signal_handler: {
    us: 3,
    per: 'signal',
    source: "dispatch a caught signal from the upcall to the image's handler and return (order of magnitude)",
  },
  grant_access: {
    us: 1,
    per: 'entry',
    source: 'fill one grant entry: a guest-side write of domid, frame, then flags (xen-reference.md Grant tables)',
  },
  grant_map: {
    us: 10,
    per: 'page',
    source:
      'GNTTABOP_map_grant_ref: hypercall, page-table update and TLB flush; calibrated: lineal pipe (create + write + read) 55 us (Table 3)',
    calibrates: ['table3.lineal.pipe'],
  },
  grant_unmap: { us: 4, per: 'page', source: 'GNTTABOP_unmap_grant_ref: hypercall and TLB flush (order of magnitude)' },
  ring_byte: { us: 0.001, per: 'byte', source: 'copy one byte through a vchan ring (memcpy at about 1 GB/s)' },
  msg_op: {
    us: 3,
    per: 'call',
    source:
      'find, copy into or out of a System V message queue (guest-side); calibrated: lineal msgrcv + msgsnd 43 us (Table 3)',
    calibrates: ['table3.lineal.msgq'],
  },
  reap: {
    us: 3,
    per: 'child',
    source:
      "wait() reads the child's status from the shared page and frees its record; calibrated: lineal exit/wait 43 us (Table 3)",
    calibrates: ['table3.lineal.exit-wait'],
  },
  trust_verify: {
    us: 178,
    per: 'contact',
    source:
      'first contact: Domain-0 verifies both pVMs are of one family (request, family lookup, reply); calibrated: non-lineal kill 236 us (Table 3) is lineal kill plus first contact',
    calibrates: ['table3.nonlineal.kill'],
  },
  // Linux processes (the paper's Ubuntu row of Table 3, linux-baseline.ts): what the kernel does per call
  // for a pair of processes. One constant, the wake-up every exchange pays once, is fitted to the pipe
  // cell (the one the paper describes); the others are public orders of magnitude, so the other four
  // Ubuntu cells are predictions.
  linux_syscall: {
    us: 0.25,
    per: 'call',
    source:
      'enter and leave the Linux kernel for one system call (lmbench lat_syscall null: about 0.1 us on 2010s Xeons, a few tenths with page-table isolation; order of magnitude)',
  },
  linux_ctxsw: {
    us: 3,
    per: 'switch',
    source:
      'switch from one process to another, address space included (lmbench lat_ctx 2 processes, 0 KiB: a few us on 2010s x86 Linux; order of magnitude)',
  },
  linux_wakeup: {
    us: 48.225,
    per: 'wake-up',
    source:
      'wake a process blocked in the kernel on another core: try_to_wake_up, the reschedule IPI, the idle core leaving a deep C-state (the intel_idle driver lists Xeon E5 C3/C6 exit latencies from tens of us to over 100); calibrated: Ubuntu pipe (create + write + read) 54 us (Table 3)',
    calibrates: ['table3.ubuntu.pipe'],
  },
  linux_pipe_create: {
    us: 2,
    per: 'pipe',
    source: 'pipe(): a pipe inode, two files, two fds installed (order of magnitude of a pipe() + close() pair)',
  },
  linux_copy_kib: {
    us: 0.2,
    per: 'KiB',
    source: 'copy_from_user / copy_to_user of 1 KiB (about 5 GB/s for small copies; order of magnitude)',
  },
  linux_sysv_op: {
    us: 1,
    per: 'call',
    source:
      "a System V IPC call's own work: look the key or id up in the namespace's idr under its lock, check permissions, queue or dequeue the message (ipc/msg.c, ipc/shm.c; order of magnitude)",
  },
  linux_signal: {
    us: 1.5,
    per: 'signal',
    source:
      'deliver a caught signal: queue it, build the signal frame on the user stack, run the handler (lmbench lat_sig catch: 1-2 us on 2010s x86 Linux)',
  },
  linux_exit: {
    us: 25,
    per: 'process',
    source:
      "a small process's exit: unmap its address space and free its page tables, close its files, notify the parent (about a third of lmbench lat_proc fork's fork + exit + wait, 60-100 us on 2010s x86 Linux; order of magnitude)",
  },
  linux_reap: {
    us: 1,
    per: 'child',
    source: 'wait4 reaps a zombie: copy its status and rusage, release_task (order of magnitude)',
  },
  linux_vma_map: {
    us: 2,
    per: 'mapping',
    source: 'shmat: do_mmap of a new VMA for the segment (order of magnitude of a small mmap())',
  },
  linux_page_fault: {
    us: 0.5,
    per: 'page',
    source: 'a minor fault mapping a page already in memory (shmem_fault; lmbench lat_pagefault: tenths of a us)',
  },
  linux_stack_packet: {
    us: 1.5,
    per: 'packet',
    source:
      "Linux's TCP/IP (or UDP) stack handles one segment in or out: ip_rcv to tcp_v4_rcv and the socket's queue, or tcp_transmit_skb to dev_queue_xmit (order of magnitude of per-packet kernel cost on 2010s Xeons); used by bench apps' Ubuntu processes (net/linux-path.ts)",
  },
  // The network path (net/path.ts): Xen's split drivers. A packet from the wire is taken by the NIC driver
  // in Domain-0, forwarded by the Linux bridge to the pVM's vif, copied into the guest's granted buffer by
  // netback (GNTTABOP_copy) and announced by an event; netfront in the guest takes it off the ring and
  // lwIP handles the segment. Replies go back the same way. Domain-0's share runs on its vCPUs, the
  // guest's on the pVM's. Orders of magnitude from the cited sources; one app constant per application
  // is fitted to one bench cell (bench/apps.ts), the rest are predictions.
  nic_packet: {
    us: 1,
    per: 'packet',
    source:
      'Domain-0 NIC driver: receive or transmit one frame with interrupt coalescing (order of magnitude of a 1 GbE driver, e.g. igb, per packet)',
  },
  bridge_forward: {
    us: 1,
    per: 'packet',
    source:
      'Linux bridge in Domain-0 forwards one frame between the NIC and a vif (br_handle_frame, FDB lookup, br_forward; order of magnitude)',
  },
  netback_packet: {
    us: 1.5,
    per: 'packet',
    source:
      "xen-netback's per-packet work: take a ring request, build or free the skb, post the response (drivers/net/xen-netback; order of magnitude)",
  },
  grant_copy: {
    us: 1.5,
    per: 'packet',
    source:
      'GNTTABOP_copy of one packet between Domain-0 and the guest: a batched hypercall share, grant checks and a memcpy of up to 1500 bytes (Xen netback design: copy for guest receive and transmit since Linux 3.18; order of magnitude)',
  },
  net_notify: {
    us: 1,
    per: 'event',
    source:
      'EVTCHNOP_send and the upcall that takes it, when a ring has new work (RING_PUSH_*_AND_CHECK_NOTIFY); without the wake and reschedule evtchn_notify includes (order of magnitude)',
  },
  netfront_packet: {
    us: 1,
    per: 'packet',
    source:
      'Mini-OS netfront: take one response off the ring and refill it with a granted page, or grant a page and push a request (order of magnitude)',
  },
  lwip_packet: {
    us: 2,
    per: 'packet',
    source:
      'lwIP handles one TCP or UDP segment in or out in the guest (tcp_input/tcp_output, pbufs, checksums; order of magnitude)',
  },
  wire_rtt: {
    us: 40,
    per: 'round trip',
    source:
      "a round trip over 1 GbE between the client machine and the host's NIC, the client's own stack included (the paper's two-machine testbed; order of magnitude of a LAN ping)",
  },
  redis_op: {
    us: 26.5,
    per: 'request',
    source:
      'redis-server parses one command, runs it and builds the reply in the guest (SET: dict insert in the heap); calibrated: KylinX 1 server, 29k SET/s (Fig. 8a): the cell is bound by the guest vCPU: 1e6/29000 us per request minus its packet work (2 packets of netfront_packet + lwip_packet + net_notify)',
    calibrates: ['apps.redis.kylinx.1'],
  },
  http_op: {
    us: 19.4,
    per: 'request',
    source:
      "the web server accepts a connection, parses a GET and writes the response (Mini-OS threads, lwIP sockets); calibrated: KylinX 9 clients, 20.4k req/s (Fig. 8b), solved in bench apps' load generator (the cell is not the guest's alone: Domain-0's vCPU serving the vif is busy too)",
    calibrates: ['apps.web.kylinx.9'],
  },
  dns_op: {
    us: 10,
    per: 'query',
    source:
      'an authoritative server parses a query, looks up the RRset and writes the answer (order of magnitude of NSD per query; the paper gives no DNS throughput)',
  },
  daytime_op: { us: 2, per: 'request', source: 'format the time and write it (RFC 867; order of magnitude)' },
  rdb_entry: {
    us: 1,
    per: 'key',
    source:
      "a BGSAVE child serializes one key and value into the snapshot and writes it out (order of magnitude of Redis's RDB save rate, about a million small keys per second)",
  },
} as const satisfies Record<string, CostEntry>;

export type Primitive = keyof typeof COSTS;

export const PRIMITIVES = Object.keys(COSTS) as Primitive[];

export function isPrimitive(name: string): name is Primitive {
  return Object.hasOwn(COSTS, name);
}

/** The constants fitted to a bench row, by row id (the inverse of each entry's `calibrates`). */
export function calibratorsOf(rowId: string): Primitive[] {
  return PRIMITIVES.filter((p) => (COSTS[p] as CostEntry).calibrates?.includes(rowId) ?? false);
}

/** Round a modeled latency for display and JSON (0.1 us). */
export function roundUs(t: number): number {
  return Math.round(t * 10) / 10;
}
