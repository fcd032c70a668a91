// System V IPC keys, per family in KylinX (pVMs share no file system, so a key names an object only
// inside its family): ftok(3), IPC_PRIVATE, and keys as a user types and reads them.

import { fail } from '../errors.js';

/** A key that always makes a new object (msgget/shmget with IPC_PRIVATE). */
export const IPC_PRIVATE = 0;

/** ftok(3): Linux's formula with the path's hash standing for its inode (pVMs share no file system). */
export function ftok(path: string, projid: number): number {
  if (path.length === 0) fail('EINVAL', 'ftok needs a path');
  if (!Number.isInteger(projid) || projid < 1 || projid > 255)
    fail('EINVAL', `projid must be 1-255 (its low 8 bits go in the key), not ${projid}`);
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 0x01000193) >>> 0;
  const inode = h & 0xffff;
  const dev = 0x01;
  return (((projid & 0xff) << 24) | (dev << 16) | inode) >>> 0;
}

/** A key as typed: decimal, 0x hex, or IPC_PRIVATE. */
export function parseKey(text: string): number {
  if (/^ipc_private$/i.test(text)) return IPC_PRIVATE;
  if (/^0x[0-9a-f]{1,8}$/i.test(text) || /^[0-9]{1,10}$/.test(text)) {
    const k = Number(text);
    if (k <= 0xffffffff) return k;
  }
  fail('EINVAL', `'${text}' is not a key (a number from ftok, like 0x0101a2b3, or IPC_PRIVATE)`);
}

export function hexKey(k: number): string {
  return `0x${k.toString(16).padStart(8, '0')}`;
}
