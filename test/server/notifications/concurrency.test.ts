import { openDatabase, type Database } from '../../../server/src/db/database';
import { insertUsers, notificationsWithKeyLike } from '../../../server/src/db/testing';
import type { User as UserRow } from '../../../server/src/db/users';
import { newId } from '../../../server/src/ids';
import { enqueueNotifications } from '../../../server/src/modules/notifications/outbox';
import type { OutboxWorker, RoundStats } from '../../../server/src/modules/notifications/worker';
import { onMysql, testConfig } from '../../helpers/db';
import { openBench, progressParams, type Bench } from './harness';

/**
 * Two workers over the same outbox — on MariaDB two connection pools, as two server instances
 * would have — must share the work without sending anything twice or losing anything.
 */
let b: Bench;
let second: Database;
beforeAll(async () => {
  b = await openBench();
  // SQLite mode is one process: the second worker shares its database (and its queue).
  second = onMysql() ? await openDatabase(testConfig(), { runMigrations: false }) : b.db;
});
afterAll(async () => {
  if (second !== b.db) await second.close();
  await b.close();
});

const N = 1_000;

async function runUntilIdle(w: OutboxWorker, totals: RoundStats, advance: () => void): Promise<void> {
  let idle = 0;
  while (idle < 3) {
    const s = await w.runOnce();
    for (const k of Object.keys(totals) as (keyof RoundStats)[]) totals[k] += s[k];
    idle = s.claimed === 0 ? idle + 1 : 0;
    advance();
  }
}

test(`two workers over ${N} notifications: none sent twice, none lost`, async () => {
  b.sandbox.control.configure({ strictSubscriptions: true });
  const users: UserRow[] = [];
  for (let i = 0; i < N; i++) {
    users.push({
      id: newId(),
      mpOpenid: `mp-race-${i}`,
      unionid: null,
      oaOpenid: `oa-race-${i}`,
      displayName: null,
      phone: null,
      status: 'active',
      createdAt: b.now(),
      updatedAt: b.now(),
    });
    // Two in three have a subscription; the others must fall back to the official account.
    if (i % 3 !== 0) b.sandbox.control.grantSubscription(`mp-race-${i}`, 'sbx-mp-progress', 1);
  }
  await b.db.transaction(async (tx) => {
    for (let i = 0; i < N; i += 200) await insertUsers(tx, users.slice(i, i + 200));
    for (const [i, u] of users.entries()) {
      await enqueueNotifications(
        tx,
        {
          eventKey: `race:${i}`,
          recipientUserIds: [u.id],
          template: 'application.status',
          params: progressParams(`YC2026R${i}`),
          channels: ['mp_subscribe', 'oa_template'],
        },
        b.now(),
      );
    }
  });

  const small = { batchSize: 50, concurrency: 16 };
  const w1 = b.worker({ settings: small });
  const w2 = b.worker({ settings: small, db: second });
  if (onMysql()) expect(w1.store.usesSkipLocked && w2.store.usesSkipLocked).toBe(true);
  const t1: RoundStats = { claimed: 0, sent: 0, retried: 0, skipped: 0, dead: 0, released: 0, lostClaims: 0, crashed: 0, swept: 0 };
  const t2: RoundStats = { ...t1 };
  await Promise.all([runUntilIdle(w1, t1, () => b.advance(100)), runUntilIdle(w2, t2, () => b.advance(100))]);

  // Both did part of the work.
  expect(t1.sent).toBeGreaterThan(0);
  expect(t2.sent).toBeGreaterThan(0);
  expect(t1.lostClaims + t2.lostClaims).toBe(0);

  // Each user got exactly one message, by one channel or the other.
  const perUser = new Map<string, number>();
  for (const m of b.sandbox.state.sent) {
    const i = m.touser.replace(/^(mp|oa)-race-/, '');
    perUser.set(i, (perUser.get(i) ?? 0) + 1);
  }
  expect(perUser.size).toBe(N);
  expect([...perUser.values()].every((n) => n === 1)).toBe(true);
  expect(b.sandbox.state.sent.filter((m) => m.kind === 'template')).toHaveLength(Math.ceil(N / 3));
  // No send is answered 43101 twice: a spent subscription is not retried.
  expect(b.sandbox.state.rejected.filter((r) => r.errcode === 43101)).toHaveLength(Math.ceil(N / 3));

  const raced = await b.db.read((tx) => notificationsWithKeyLike(tx, 'race:%'));
  const table: Record<string, number> = {};
  for (const r of raced) table[`${r.channel}/${r.status}`] = (table[`${r.channel}/${r.status}`] ?? 0) + 1;
  expect(table).toEqual({
    'inbox/sent': N,
    'mp_subscribe/sent': N - Math.ceil(N / 3),
    'mp_subscribe/skipped': Math.ceil(N / 3),
    'oa_template/sent': Math.ceil(N / 3),
    'oa_template/skipped': N - Math.ceil(N / 3),
  });
  // Every row was claimed exactly once.
  expect(raced.filter((r) => r.channel !== 'inbox' && r.attempts !== 1 && r.status === 'sent')).toHaveLength(0);
  // A thousand rows through two workers: about 10 s alone, up to three times that on a busy two-core machine.
}, 90_000);
