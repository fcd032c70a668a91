// What xl (libxl), the backends in dom0, xenconsoled and the guest do in XenStore for one domain, request
// by request, as Xen's sources do it for a PV domain with a console and one network interface (a
// KylinX appliance on Mini-OS and lwIP). Each step names the function it follows:
//   libxl_create.c   libxl__domain_make: the domain's directories, in one transaction, and its name,
//                    which libxl__domain_rename checks is unique by reading the name of every domain
//                    (libxl_name_to_domid, libxl_utils.c): the one part of creation that grows with the
//                    number of domains by itself;
//   libxl_dom.c      libxl__build_post: memory, store and vcpu entries, then XS_INTRODUCE;
//   libxl_console.c  libxl__device_console_add, and libxl_nic.c + libxl_device.c libxl__device_add_async:
//                    each device's frontend, backend and libxl copies via libxl__device_generic_add;
//   libxl_device.c   libxl__wait_device_connection: a watch on the backend's state, then the hotplug script;
//   netback          (the dom0 kernel's backend, watching backend/vif) reads the frontend and moves the
//                    backend through InitWait to Connected;
//   Mini-OS          netfront (netfront.c) writes its rings and event channel and watches the backend;
//                    shutdown.c watches control/shutdown;
//   xenconsoled      (tools/console/daemon/io.c) on @introduceDomain reads the console entries and
//                    watches them.
// Persistent watches and connections per live domain: the guest's ring (2 watches), xl's monitoring
// process (`xl create` stays to handle the domain's death: a watch on @releaseDomain), xenconsoled's
// watch on the console. Costs follow in the store (store.ts).

import type { XsPerm, XsStore } from './store.js';

/** XenbusState values written to state nodes (xen/include/public/io/xenbus.h). */
const INITIALISING = '1';
const INIT_WAIT = '2';
const CONNECTED = '4';

/** The store's clients in dom0: the kernel (backends), xenconsoled; xl's monitor per domain (xlConn). */
export const KERNEL = 'dom0:kernel';
export const CONSOLED = 'dom0:xenconsoled';

export function xlConn(domid: number): string {
  return `dom0:xl-${domid}`;
}

export function guestConn(domid: number): string {
  return `domain:${domid}`;
}

/** What a domain's entries say about it. */
export interface XsDomain {
  domid: number;
  name: string;
  uuid: string;
  vcpus: number;
  memKiB: number;
  /** The image, as libxl records the kernel path. */
  image: string;
  /** Store ring page and port, console ring page and port (the values xl writes). */
  storeMfn: number;
  consoleMfn: number;
  mac: string;
}

export function domainPath(domid: number): string {
  return `/local/domain/${domid}`;
}

/** Dom0's own entries and the daemons' connections and watches, as a booted host has them (xencommons). */
export function bootDom0(s: XsStore): void {
  s.connect(KERNEL, 0);
  s.connect(CONSOLED, 0);
  s.write('/tool/xenstored', '');
  s.write('/local/domain/0/name', 'Domain-0');
  s.write('/local/domain/0/domid', '0');
  s.mkdir('/vm');
  s.mkdir('/libxl');
  s.watch(KERNEL, '/local/domain/0/backend/vif', 'backend/vif');
  s.watch(CONSOLED, '@introduceDomain', 'domlist');
  s.watch(CONSOLED, '@releaseDomain', 'domlist');
  s.takeWork();
}

function mknod(s: XsStore, path: string, perms: XsPerm[]): void {
  s.write(path, '');
  s.setPerms(path, perms);
}

function writev(s: XsStore, dir: string, kvs: [string, string][], perms?: XsPerm[]): void {
  for (const [k, v] of kvs) {
    s.write(`${dir}/${k}`, v);
    if (perms) s.setPerms(`${dir}/${k}`, perms);
  }
}

/** libxl__device_generic_add: libxl's copy, the frontend directory, the backend directory. */
function deviceAdd(
  s: XsStore,
  dev: { libxl: string; front: string; back: string; frontPerms: XsPerm[]; backPerms: XsPerm[] },
  kvs: { back: [string, string][]; front: [string, string][]; roFront: [string, string][] },
  roPerms: XsPerm[],
): void {
  s.rm(dev.libxl);
  s.write(`${dev.libxl}/frontend`, dev.front);
  s.write(`${dev.libxl}/backend`, dev.back);
  s.rm(dev.front);
  s.mkdir(dev.front);
  s.setPerms(dev.front, dev.frontPerms);
  s.write(`${dev.front}/backend`, dev.back);
  writev(s, dev.front, kvs.front, dev.frontPerms);
  writev(s, dev.front, kvs.roFront, roPerms);
  s.rm(dev.back);
  s.mkdir(dev.back);
  s.setPerms(dev.back, dev.backPerms);
  s.write(`${dev.back}/frontend`, dev.front);
  writev(s, dev.back, kvs.back);
  writev(s, dev.libxl, kvs.back);
}

/** Everything creating domain `d` does in the store: xl, libxl, the backends, xenconsoled, the guest. */
export function createDomain(s: XsStore, d: XsDomain, liveDomains: number): void {
  const N = d.domid;
  const dom = domainPath(N);
  const vm = `/vm/${d.uuid}`;
  const lx = `/libxl/${N}`;
  const ro: XsPerm[] = [
    { perm: 'n', domid: 0 },
    { perm: 'r', domid: N },
  ];
  const rw: XsPerm[] = [{ perm: 'n', domid: N }];
  const none: XsPerm[] = [{ perm: 'n', domid: 0 }];
  // xl create stays as the domain's monitor: its connection and its death watch.
  s.connect(xlConn(N), 0);
  s.watch(xlConn(N), '@releaseDomain', 'domain-death');
  // libxl__domain_make: one transaction.
  s.transactionStart();
  s.rm(dom);
  mknod(s, dom, ro);
  s.rm(vm);
  mknod(s, vm, ro);
  s.rm(lx);
  mknod(s, lx, none);
  mknod(s, `${lx}/device`, none);
  s.write(`${dom}/vm`, vm);
  // libxl__domain_rename -> libxl_name_to_domid: every domain's name is read (outside the transaction),
  // the new one's included (libxl_list_domain lists it).
  s.reads(liveDomains);
  s.write(`${dom}/name`, d.name);
  s.write(`${vm}/name`, d.name);
  for (const dir of ['cpu', 'memory', 'device']) mknod(s, `${dom}/${dir}`, ro);
  mknod(s, `${dom}/device/suspend/event-channel`, rw);
  mknod(s, `${dom}/control`, ro);
  for (const c of ['shutdown', 'feature-poweroff', 'feature-reboot', 'feature-suspend', 'sysrq'])
    mknod(s, `${dom}/control/${c}`, rw);
  for (const dir of ['data', 'drivers', 'feature', 'attr', 'error']) mknod(s, `${dom}/${dir}`, rw);
  s.write(`${vm}/uuid`, d.uuid);
  s.write(`${vm}/name`, d.name);
  s.write(`${dom}/control/platform-feature-multiprocessor-suspend`, '1');
  s.write(`${dom}/control/platform-feature-xs_reset_watches`, '1');
  s.write(`${lx}/type`, 'pv');
  s.transactionEnd();
  // libxl__build_post: the domain's own entries, then the guest's connection.
  s.read(`${dom}/vm`);
  s.transactionStart();
  const ents: [string, string][] = [
    ['memory/static-max', String(d.memKiB)],
    ['memory/target', String(d.memKiB)],
    ['memory/videoram', '-1'],
    ['domid', String(N)],
    ['store/port', '1'],
    ['store/ring-ref', String(d.storeMfn)],
  ];
  for (let v = 0; v < d.vcpus; v++) ents.push([`cpu/${v}/availability`, 'online']);
  writev(s, dom, ents);
  writev(s, vm, [
    ['image/ostype', 'linux'],
    ['image/kernel', d.image],
    ['start_time', '0.00'],
  ]);
  s.transactionEnd();
  s.introduce(guestConn(N), N);
  consoleAdd(s, d, ro);
  nicAdd(s, d, ro);
  guestBoot(s, d);
  // xenconsoled's @introduceDomain: the new domain's console entries, and a watch on them.
  for (const k of ['type', 'ring-ref', 'port', 'limit']) s.read(`${dom}/console/${k}`);
  s.watch(CONSOLED, `${dom}/console`, String(N));
  s.write(`${dom}/console/tty`, `/dev/pts/${N}`);
}

/** libxl__device_console_add: console 0, backend xenconsoled in dom0. */
function consoleAdd(s: XsStore, d: XsDomain, ro: XsPerm[]): void {
  const N = d.domid;
  const back = `/local/domain/0/backend/console/${N}/0`;
  const back2: XsPerm[] = [
    { perm: 'n', domid: 0 },
    { perm: 'r', domid: N },
  ];
  s.transactionStart();
  deviceAdd(
    s,
    {
      libxl: `/libxl/${N}/device/console/0`,
      front: `${domainPath(N)}/console`,
      back,
      frontPerms: ro,
      backPerms: back2,
    },
    {
      back: [
        ['frontend-id', String(N)],
        ['online', '1'],
        ['state', INITIALISING],
        ['protocol', 'vt100'],
      ],
      front: [['backend-id', '0']],
      roFront: [
        ['limit', '1048576'],
        ['type', 'xenconsoled'],
        ['output', 'pty'],
        ['tty', ''],
        ['port', '2'],
        ['ring-ref', String(d.consoleMfn)],
      ],
    },
    ro,
  );
  s.transactionEnd();
}

/** libxl__device_add_async for vif 0 (libxl_nic.c's entries), then waiting for the backend and hotplug. */
function nicAdd(s: XsStore, d: XsDomain, ro: XsPerm[]): void {
  const N = d.domid;
  const back = `/local/domain/0/backend/vif/${N}/0`;
  const front = `${domainPath(N)}/device/vif/0`;
  const rw: XsPerm[] = [
    { perm: 'n', domid: N },
    { perm: 'r', domid: 0 },
  ];
  const bents: [string, string][] = [
    ['frontend-id', String(N)],
    ['online', '1'],
    ['state', INITIALISING],
    ['script', '/etc/xen/scripts/vif-bridge'],
    ['mac', d.mac],
    ['bridge', 'xenbr0'],
    ['handle', '0'],
    ['type', 'vif'],
    ['hotplug-status', ''],
  ];
  s.transactionStart();
  s.read(`${back}/state`); // libxl__device_exists
  deviceAdd(
    s,
    { libxl: `/libxl/${N}/device/vif/0`, front, back, frontPerms: rw, backPerms: ro },
    {
      back: bents,
      front: [
        ['backend-id', '0'],
        ['state', INITIALISING],
        ['handle', '0'],
        ['mac', d.mac],
        ['trusted', '1'],
      ],
      roFront: [],
    },
    ro,
  );
  s.transactionEnd();
  // libxl__wait_device_connection: watch the backend's state until InitWait.
  s.watch(xlConn(N), `${back}/state`, 'backend-state');
  // netback (its watch on backend/vif fired): reads the frontend, offers its features, InitWait.
  for (const k of ['frontend', 'frontend-id', 'script', 'handle']) s.read(`${back}/${k}`);
  for (const f of ['feature-sg', 'feature-gso-tcpv4', 'feature-rx-copy', 'feature-split-event-channels'])
    s.write(`${back}/${f}`, '1');
  s.write(`${back}/state`, INIT_WAIT);
  s.read(`${back}/state`);
  s.unwatch(xlConn(N), `${back}/state`, 'backend-state');
  // The hotplug script (vif-bridge, run by libxl in dom0) reads its parameters and says it is done.
  for (const k of ['script', 'bridge', 'mac', 'type', 'handle']) s.read(`${back}/${k}`);
  s.write(`${back}/hotplug-status`, 'connected');
}

/** Mini-OS starting: netfront connects to the backend; the guest watches control/shutdown. */
function guestBoot(s: XsStore, d: XsDomain): void {
  const N = d.domid;
  const g = guestConn(N);
  const front = `${domainPath(N)}/device/vif/0`;
  const back = `/local/domain/0/backend/vif/${N}/0`;
  s.watch(g, `${domainPath(N)}/control/shutdown`, 'control/shutdown');
  for (const k of ['backend', 'backend-id', 'mac']) s.read(`${front}/${k}`);
  s.transactionStart();
  writev(s, front, [
    ['tx-ring-ref', String(d.storeMfn + 1)],
    ['rx-ring-ref', String(d.storeMfn + 2)],
    ['event-channel', '3'],
    ['request-rx-copy', '1'],
    ['state', CONNECTED],
  ]);
  s.transactionEnd();
  s.watch(g, `${back}/state`, 'backend-state');
  // netback connects the rings and says so; the guest's watch fires and it reads the state.
  for (const k of ['tx-ring-ref', 'rx-ring-ref', 'event-channel', 'request-rx-copy']) s.read(`${front}/${k}`);
  s.write(`${back}/state`, CONNECTED);
  s.read(`${back}/state`);
}

/** Destroying domain `domid`: libxl__destroy_domid and devices_destroy, then XS_RELEASE; xl's monitor exits. */
export function destroyDomain(s: XsStore, domid: number, uuid: string): void {
  const dom = domainPath(domid);
  s.read(`${dom}/vm`);
  for (const kind of ['vif', 'console']) {
    s.transactionStart();
    s.rm(`/local/domain/0/backend/${kind}/${domid}`);
    s.transactionEnd();
  }
  s.unwatch(CONSOLED, `${dom}/console`, String(domid));
  s.release(guestConn(domid));
  s.transactionStart();
  s.rm(dom);
  s.rm(`/vm/${uuid}`);
  s.rm(`/libxl/${domid}`);
  s.transactionEnd();
  s.disconnect(xlConn(domid));
}
