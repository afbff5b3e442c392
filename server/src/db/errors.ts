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
