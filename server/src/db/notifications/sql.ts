/** A small SQL helper for the outbox's hot path (the padded IN list it shares with other aggregates is in ../sql.ts). */
import { em } from '../orm';
import type { Tx } from '../tx';

/** Rows an UPDATE changed, on both drivers (TypeORM's plain query() answers SQLite's lastInsertRowid instead). */
export async function exec(tx: Tx, sql: string, params: unknown[]): Promise<number> {
  const m = em(tx);
  const own = m.queryRunner === undefined;
  const qr = m.queryRunner ?? m.connection.createQueryRunner();
  try {
    const result = await qr.query(sql, params, true);
    return result.affected ?? 0;
  } finally {
    if (own) await qr.release();
  }
}
