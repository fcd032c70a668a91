// The paper's Linux baseline as a process cost model: what a pair of Ubuntu processes pays for each
// exchange of KylinX Table 3, as the sum of kernel primitives (cost.ts, the `linux_*` constants). No
// process, fd or System V object is modeled: the exchanges are fixed sequences of primitives, one per
// case, written to be the same exchange the pVM pair performs (commands/bench/ipc.ts), so the two rows
// of Table 3 compare like with like.
//
// Each exchange hands work from one process to the other exactly once, as each KylinX exchange sends
// exactly one event-channel notification: the peer is blocked in the kernel (read, msgrcv, pause, wait4,
// or waiting to learn that the segment is shared), and waking it (`linux_wakeup`: try_to_wake_up, the
// reschedule IPI, the idle core's exit from its C-state) and switching it in (`linux_ctxsw`) is the one
// term every case shares. The rest is what the kernel does per call:
//   pipe       pipe() (a pipe inode and two files), write of 64 bytes (copied in, reader woken), read
//              (copied out): the paper's "creating the pipe plus one write and one read"
//   msg queue  the receiver blocks in msgrcv; msgsnd looks the queue up, copies 64 bytes into a kernel
//              message and hands it to the sleeping receiver, who copies it out (opening the queue is
//              not counted, as for the pVMs)
//   kill       kill() sends SIGUSR1 to a process blocked in pause(); it is woken, its handler runs on a
//              signal frame and returns through rt_sigreturn
//   exit/wait  the parent blocks in wait4; the child's exit tears its address space and files down and
//              signals the parent, which is woken and reaps it
//   shm        the peer's shmget (key lookup) and shmat (a new VMA) of a one-page segment the other
//              created; System V maps the page on first touch (a minor fault), where KylinX's shmat maps
//              the granted page at once, so the touch is counted to make the page usable in both; and
//              the creator is woken to learn of it (a futex wake: one call), as KylinX's shmat notifies
//              the creator through the pair's shared page
// The paper does not say how it timed Ubuntu's row beyond the pipe; these sequences are this model's
// reading, and the four cells no constant was fitted to are its predictions.

import type { CostModel } from './cost-model.js';

export const LINUX_EXCHANGES = ['pipe', 'msg queue', 'kill', 'exit/wait', 'shm'] as const;
export type LinuxExchange = (typeof LINUX_EXCHANGES)[number];

/** Bytes a pipe or message exchange carries (as the pVMs' exchange: 64). */
export const LINUX_MESSAGE_BYTES = 64;

/** The peer, blocked in the kernel, is woken and switched in: the one hand-off of every exchange. */
function handOff(c: CostModel): number {
  return c.us('linux_wakeup') + c.us('linux_ctxsw');
}

/** Modeled µs of one exchange between two Linux processes, charged to the meter primitive by primitive. */
export function linuxExchange(c: CostModel, x: LinuxExchange, bytes = LINUX_MESSAGE_BYTES): number {
  switch (x) {
    case 'pipe':
      // pipe(), write() (copy in, wake the reader), read() (copy out).
      return (
        c.us('linux_syscall', 3) + c.us('linux_pipe_create') + c.us('linux_copy_kib', (2 * bytes) / 1024) + handOff(c)
      );
    case 'msg queue':
      // msgrcv() blocks, msgsnd() finds the queue and copies the message in; the receiver copies it out.
      return (
        c.us('linux_syscall', 2) + c.us('linux_sysv_op', 2) + c.us('linux_copy_kib', (2 * bytes) / 1024) + handOff(c)
      );
    case 'kill':
      // kill(), then in the target: the signal frame and handler, and rt_sigreturn (a call).
      return c.us('linux_syscall', 2) + handOff(c) + c.us('linux_signal');
    case 'exit/wait':
      // wait4() blocks, exit() tears the child down and signals the parent, which reaps it.
      return c.us('linux_syscall', 2) + c.us('linux_exit') + handOff(c) + c.us('linux_reap');
    case 'shm':
      // shmget() finds the key, shmat() maps a VMA, the first touch faults the page in, a futex wake.
      return (
        c.us('linux_syscall', 3) + c.us('linux_sysv_op') + c.us('linux_vma_map') + c.us('linux_page_fault') + handOff(c)
      );
  }
}
