/**
 * SQL helpers shared by the aggregates. TypeORM's better-sqlite3 runner caches prepared statements
 * by their text (100 of them): an IN list of every length from 1 to 200 would make 200 texts and
 * churn that cache (../shared/notes/performance.md). Lists are padded to the next power of two by
 * repeating their last value — harmless in IN — so a handful of texts cover every size.
 */

/** `?,?,…` for `values`, padded; the values to bind with it. */
export function inList<T>(values: readonly T[]): { sql: string; params: T[] } {
  if (values.length === 0) throw new RangeError('inList of nothing');
  let size = 1;
  while (size < values.length) size *= 2;
  const params = [...values];
  while (params.length < size) params.push(values[values.length - 1]);
  return { sql: params.map(() => '?').join(','), params };
}
