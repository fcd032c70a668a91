// The family trust rule (KylinX §3.2.3): trust is all-or-nothing inside a family (every pVM forked,
// transitively, from one root). Only pVMs of one family may talk or share an object; anything else is
// EPERM naming both families, and changes nothing. Domain-0 (the toolstack) may signal anyone.

import { DOM0, type Domain } from '../domain.js';
import { fail } from '../errors.js';
import type { Hypervisor } from '../hypervisor.js';

/** The family a pVM belongs to, named by its root for messages: "family web". */
export function familyName(hv: Hypervisor, d: Domain): string {
  if (d.domid === DOM0) return 'Domain-0';
  const root = hv.domains.get(d.family);
  return `family ${root ? root.name : `#${d.family}`}`;
}

/** Only pVMs of one family may talk; Domain-0 (the toolstack) may signal anyone. */
export function requireTrust(hv: Hypervisor, from: Domain, to: Domain, what: string): void {
  if (from.domid === DOM0) return;
  if (from.family !== to.family) {
    fail(
      'EPERM',
      `${from.name} (${familyName(hv, from)}) may not ${what} ${to.name} (${familyName(hv, to)}): pVMs talk only inside their family`,
    );
  }
}

/** A pVM may use an object (queue, segment, pipe) of `family` only from inside that family. */
export function requireFamily(hv: Hypervisor, d: Domain, family: number, what: string): void {
  if (d.family === family) return;
  const root = hv.domains.get(family);
  const fam = root ? familyName(hv, root) : `family #${family}`;
  fail('EPERM', `${d.name} (${familyName(hv, d)}) may not use ${what} of ${fam}: pVMs talk only inside their family`);
}
