/** Driver errors the use cases react to, recognised the same way on both databases (TypeORM wraps the driver's error). */
interface DriverishError {
  code?: unknown;
  errno?: unknown;
  message?: unknown;
  driverError?: { code?: unknown; errno?: unknown };
}

/** A unique or primary key already holds the value: ER_DUP_ENTRY (1062) on MySQL/MariaDB, SQLITE_CONSTRAINT_* on SQLite. */
export function isDuplicateKey(err: unknown): boolean {
  const e = (err ?? {}) as DriverishError;
  const code = e.driverError?.code ?? e.code;
  const errno = e.driverError?.errno ?? e.errno;
  return (
    code === 'ER_DUP_ENTRY' ||
    errno === 1062 ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    (typeof e.message === 'string' && /UNIQUE constraint failed|Duplicate entry/.test(e.message))
  );
}

/**
 * The database could not be reached or dropped the connection: nothing the caller did, and nothing
 * to retry at once. mysql2's network and protocol errors, MariaDB's "too many connections" and "server
 * shutting down", TypeORM's pool giving up; SQLite's disk errors.
 */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_SERVER_GONE_ERROR',
  'SQLITE_IOERR',
  'SQLITE_FULL',
  'SQLITE_CANTOPEN',
]);
const UNAVAILABLE_ERRNOS = new Set([1040, 1053, 2002, 2003, 2006, 2013]);

export function isUnavailable(err: unknown): boolean {
  if (err instanceof DatabaseUnavailableError) return true;
  const e = (err ?? {}) as DriverishError & { fatal?: unknown };
  const code = e.driverError?.code ?? e.code;
  const errno = e.driverError?.errno ?? e.errno;
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('SQLITE_IOERR'))) return true;
  if (typeof errno === 'number' && UNAVAILABLE_ERRNOS.has(errno)) return true;
  // mysql2 marks errors after which the connection is unusable as fatal.
  if (e.fatal === true) return true;
  return (
    typeof e.message === 'string' &&
    /Pool is closed|Connection lost|Can't add new command when connection is in closed state|connect ETIMEDOUT/.test(e.message)
  );
}

/** What the data layer throws when the database cannot be reached: answered 503 with Retry-After. */
export class DatabaseUnavailableError extends Error {
  constructor(cause: unknown) {
    super('database unavailable', { cause });
    this.name = 'DatabaseUnavailableError';
  }
}
