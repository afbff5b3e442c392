import { measureOutboxThroughput } from '../../bench/throughput';
import { openTestDatabase } from '../helpers/db';
import { countNotificationsWithKeyLike } from '../../server/src/db/testing';

/** The benchmark's entry point works on this database; the figure itself belongs to `npm run bench`. */
test('measureOutboxThroughput delivers every notification once and reports a rate', async () => {
  const db = await openTestDatabase();
  try {
    const r = await measureOutboxThroughput({ count: 400, db });
    expect(r).toMatchObject({ database: db.kind, count: 400, sent: 400, duplicates: 0, lost: 0 });
    expect(r.perSecond).toBeGreaterThan(0);
    expect(r.baselinePerSecond).toBeGreaterThan(0);
    // Its rows are gone again.
    expect(await db.read((tx) => countNotificationsWithKeyLike(tx, 'throughput:%'))).toBe(0);
  } finally {
    await db.close();
  }
});
