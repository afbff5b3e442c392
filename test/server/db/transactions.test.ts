import { openTestDatabase } from '../../helpers/db';
import type { Database } from '../../../server/src/db/database';
import { allUserIds, updateUserIfUnchanged } from '../../../server/src/db/testing';
import { insertUser, type User } from '../../../server/src/db/users';
import { newId } from '../../../server/src/ids';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function user(name: string): User {
  const now = Date.now();
  return {
    id: newId(),
    mpOpenid: `mp-${name}`,
    unionid: null,
    oaOpenid: null,
    displayName: name,
    phone: null,
    status: 'active',
    createdAt: now,
    updatedAt: now,
  };
}

describe('transactions under concurrency (../shared/notes/typeorm.md)', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(() => db.close());

  test("one transaction's rollback touches nobody else's rows", async () => {
    const a = user('a-rolled-back');
    const b = user('b-committed');
    const c = user('c-plain');
    const failing = db.transaction(async (tx) => {
      await insertUser(tx, a);
      await sleep(30);
      throw new Error('A fails after B and C have written');
    });
    const committing = db.transaction(async (tx) => {
      await insertUser(tx, b);
    });
    const plain = db.read((tx) => insertUser(tx, c));
    const results = await Promise.allSettled([failing, committing, plain]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    const ids = await db.read((tx) => allUserIds(tx));
    expect(ids).not.toContain(a.id);
    expect(ids).toEqual(expect.arrayContaining([b.id, c.id]));
  });

  test('50 concurrent conditional updates: exactly one wins, none errors', async () => {
    const u = user('contended');
    await db.read((tx) => insertUser(tx, u));
    const attempts = Array.from({ length: 50 }, (_, i) =>
      db.transaction((tx) => updateUserIfUnchanged(tx, u.id, u.updatedAt, { displayName: `winner-${i}`, updatedAt: u.updatedAt + 1 })),
    );
    const affected = await Promise.all(attempts);
    expect(affected.filter((n) => n === 1)).toHaveLength(1);
    expect(affected.filter((n) => n === 0)).toHaveLength(49);
  });
});
