import type { EntitySchemaColumnOptions, ValueTransformer } from 'typeorm';

/**
 * Column shapes shared by the entities. Ids are strings (ULIDs): TypeORM inlines numbers into the
 * SQL text on SQLite, so numeric ids would fill and churn the prepared-statement cache
 * (../shared/notes/performance.md) — and strings are harder to enumerate.
 */

/** bigint comes back as a number on SQLite and a string from mysql2: money and times must be numbers on both. */
export const bigintAsNumber: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | number | null) => (v === null || v === undefined ? v : Number(v)),
};

const jsonText: ValueTransformer = {
  to: (v: unknown) => (v === undefined ? undefined : v === null ? null : JSON.stringify(v)),
  from: (v: string | null) => (v === null || v === undefined ? v : (JSON.parse(v) as unknown)),
};

const boolAsInt: ValueTransformer = {
  to: (v: boolean | null | undefined) => (v === undefined || v === null ? v : v ? 1 : 0),
  from: (v: number | string | boolean | null) => (v === null || v === undefined ? v : Number(v) === 1 || v === true),
};

export const col = {
  id: (): EntitySchemaColumnOptions => ({ type: 'varchar', length: 26, primary: true }),
  ref: (nullable = false): EntitySchemaColumnOptions => ({ type: 'varchar', length: 26, nullable }),
  str: (length: number, nullable = false): EntitySchemaColumnOptions => ({ type: 'varchar', length, nullable }),
  text: (nullable = true): EntitySchemaColumnOptions => ({ type: 'text', nullable }),
  json: (nullable = true): EntitySchemaColumnOptions => ({ type: 'text', nullable, transformer: jsonText }),
  /** Integer fen (分): money is never a float. */
  fen: (nullable = false): EntitySchemaColumnOptions => ({ type: 'bigint', nullable, transformer: bigintAsNumber }),
  /** A UTC instant as epoch milliseconds: the same on every database, comparable with plain integers. */
  ms: (nullable = false): EntitySchemaColumnOptions => ({ type: 'bigint', nullable, transformer: bigintAsNumber }),
  int: (nullable = false): EntitySchemaColumnOptions => ({ type: 'int', nullable }),
  bool: (): EntitySchemaColumnOptions => ({ type: 'int', transformer: boolAsInt }),
  /** A calendar date in Asia/Shanghai, 'YYYY-MM-DD'. */
  date: (nullable = true): EntitySchemaColumnOptions => ({ type: 'varchar', length: 10, nullable }),
  version: (): EntitySchemaColumnOptions => ({ type: 'int', default: 1 }),
};
