import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/engine/errors.js';
import { type Waiting, waitingFromSnapshot, waitingToSnapshot, waitsOn } from '../../src/engine/waiting.js';
import { makeShell, memoryIO, ok, stateOf } from '../helpers.js';

const WAITS: Waiting[] = [
  { call: 'wait', on: 'a child', child: null, destroyed: null },
  { call: 'wait', on: 'web.1', child: 4, destroyed: null },
  { call: 'read', on: 'pipe 2', pipe: 2, max: null },
  { call: 'read', on: 'pipe 2', pipe: 2, max: 7 },
  { call: 'write', on: 'pipe 3', pipe: 3, rest: Uint8Array.from([0, 104, 200, 255]), total: 1030 },
  { call: 'msgrcv', on: 'queue 1', msqid: 1, type: -3, size: 16, noerror: true },
  { call: 'msgsnd', on: 'queue 1', msqid: 1, type: 2, bytes: Uint8Array.from([226, 130, 172]) },
  // A child destroyed while its parent could not run, kept for the wait (lifecycle.ts finishWait).
  { call: 'wait', on: 'web.2', child: 5, destroyed: { name: 'web.2', domid: 5, ending: { signal: 'KILL' } } },
  { call: 'wait', on: 'a child', child: null, destroyed: { name: 'web.3', domid: 6, ending: { exited: 3 } } },
];

describe('a blocked call as a typed value', () => {
  it('every kind of wait round-trips through its saved form (JSON included)', () => {
    for (const w of WAITS) {
      const saved = JSON.parse(JSON.stringify(waitingToSnapshot(w))) as Record<string, unknown>;
      expect(waitingFromSnapshot(saved, 'w')).toEqual(w);
    }
  });

  it('waitsOn: wait matches its child or any child; pipes and queues match their own id and call', () => {
    const [any, one, read] = WAITS;
    expect(waitsOn(any, 'wait', 9)).toBe(any);
    expect(waitsOn(one, 'wait', 4)).toBe(one);
    expect(waitsOn(one, 'wait', 5)).toBeNull();
    expect(waitsOn(read, 'read', 2)).toBe(read);
    expect(waitsOn(read, 'write', 2)).toBeNull();
    expect(waitsOn(read, 'read', 3)).toBeNull();
    expect(waitsOn(null, 'read', 2)).toBeNull();
  });

  it('a saved wait of an unknown call or with a wrong field is refused with the field named', () => {
    const bad = (v: Record<string, unknown>) => () => waitingFromSnapshot(v, 'domains[1].waiting');
    expect(bad({ call: 'sleep', on: 'x', detail: {} })).toThrow(/domains\[1\]\.waiting\.call must be wait, read/);
    expect(bad({ call: 'read', on: 'pipe 1', detail: { pipe: 'x', max: null } })).toThrow(EngineError);
    expect(bad({ call: 'write', on: 'pipe 1', detail: { pipe: 1, rest: '€', total: 3 } })).toThrow(/latin1/);
    expect(bad({ call: 'msgrcv', on: 'q', detail: { msqid: 1, type: 0, size: 1, noerror: 2 } })).toThrow(/0 or 1/);
  });

  it('a state with a writer, a reader, a receiver and a waiting parent blocked restores to the same state and outputs', () => {
    const sh = makeShell();
    ok(sh, 'fork web 3; pipe web.1 web.2; write 1 x --repeat 1500; pipe web web.3; read 2');
    ok(sh, 'msgget redis 0x5 --create; fork redis; msgrcv redis 1 -2 --noerror; fork dns; wait dns');
    const saved = stateOf(sh);
    const io = memoryIO({ 's.json': saved });
    const back = makeShell({}, io);
    ok(back, 'snapshot restore s.json');
    expect(stateOf(back)).toBe(saved);
    for (const line of ['read 1 600', 'read 1', 'write 2 hi', 'msgsnd redis.1 1 2 hello', 'exit dns.1 3', 'list'])
      expect(ok(back, line).text).toBe(ok(sh, line).text);
    expect(stateOf(back)).toBe(stateOf(sh));
  });
});
