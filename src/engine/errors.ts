// Engine errors carry a POSIX-style code (ENOENT, ENOMEM, EPERM, ...) so every mode can print one line
// and --json can report {code, message}. The engine never prints; the command layer adds the command name.

export type ErrorCode =
  | 'ENOENT'
  | 'EEXIST'
  | 'EINVAL'
  | 'ENOMEM'
  | 'EFAULT'
  | 'EPERM'
  | 'ECHILD'
  | 'EAGAIN'
  | 'EBUSY'
  | 'ENOSPC'
  | 'ESRCH'
  | 'E2BIG'
  | 'ENOMSG'
  | 'EPIPE'
  | 'EIDRM'
  | 'EACCES'
  | 'ENOSYS'
  | 'ERANGE'
  | 'EUSAGE'
  | 'EIO'
  | 'ENOEXEC'
  | 'EBADF'
  | 'EDEADLK'
  | 'EINTR'
  | 'ELOOP'
  | 'ENOTTY'
  | 'ECONNREFUSED';

export class EngineError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

export function fail(code: ErrorCode, message: string): never {
  throw new EngineError(code, message);
}
