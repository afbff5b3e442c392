/**
 * Reading values the two databases return differently, and writing LIKE patterns both read the same.
 */

/** mysql2 returns BIGINT sums as strings and SQLite as numbers: money must be a number either way. */
export function num(v: unknown): number {
  if (v === null || v === undefined) return 0;
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new RangeError(`not a safe integer: ${JSON.stringify(v)}`);
  return n;
}

export function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : num(v);
}

/** LIKE with '!' as the escape character: the same text on SQLite and MySQL (a backslash is not). */
export function likeContains(text: string): string {
  return `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;
}
