import { openTestDatabase } from '../../helpers/db';
import type { Database } from '../../../server/src/db/database';
import {
  auditRecordsMatching,
  countAuditHeads,
  countAuditRecords,
  deleteAuditChain,
  deleteAuditRecord,
  tamperAuditData,
} from '../../../server/src/db/testing';
import { AuditTrail, verifyAuditTrail } from '../../../server/src/modules/audit/audit';

const KEY = 'test-audit-key-0123456789abcdef-0123456789';

describe('audit trail: append-only, hash-chained per entity, tamper-evident', () => {
  let db: Database;
  const audit = new AuditTrail(KEY);
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(() => db.close());

  async function append(entityId: string, n: number) {
    for (let i = 0; i < n; i++) {
      await db.transaction((tx) =>
        audit.append(tx, { action: `step.${i}`, actorId: null, entityType: 'thing', entityId, data: { i, 名称: '测试' } }),
      );
    }
  }

  test('an untouched trail verifies, concurrent appends to many chains included', async () => {
    await Promise.all(['a', 'b', 'c', 'd'].map((id) => append(id, 5)));
    const result = await verifyAuditTrail(db, KEY, 3);
    expect(result.problems).toEqual([]);
    expect(result.rows).toBe(20);
    expect(result.chains).toBe(4);
  });

  test('concurrent appends to one chain keep it whole', async () => {
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        db.transaction((tx) => audit.append(tx, { action: 'race', actorId: null, entityType: 'thing', entityId: 'raced', data: { i } })),
      ),
    );
    const rows = await db.read((tx) => auditRecordsMatching(tx, { chain: 'thing:raced' }));
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect((await verifyAuditTrail(db, KEY)).problems).toEqual([]);
  });

  test('a rolled-back change leaves no audit row behind', async () => {
    await expect(
      db.transaction(async (tx) => {
        await audit.append(tx, { action: 'doomed', actorId: null, entityType: 'thing', entityId: 'rollback', data: {} });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await db.read((tx) => countAuditRecords(tx, { chain: 'thing:rollback' }))).toBe(0);
  });

  test('an edited row is detected', async () => {
    await append('edited', 3);
    await db.transaction((tx) => tamperAuditData(tx, 'thing:edited', 2, { i: 99 }));
    const { problems } = await verifyAuditTrail(db, KEY);
    expect(problems).toEqual([expect.objectContaining({ chain: 'thing:edited', seq: 2, problem: expect.stringContaining('edited') })]);
    await db.transaction((tx) => deleteAuditChain(tx, 'thing:edited'));
  });

  test('a deleted middle row is detected', async () => {
    await append('gap', 3);
    await db.transaction((tx) => deleteAuditRecord(tx, 'thing:gap', 2));
    const { problems } = await verifyAuditTrail(db, KEY);
    expect(problems.map((p) => p.chain)).toContain('thing:gap');
    await db.transaction((tx) => deleteAuditChain(tx, 'thing:gap'));
  });

  test('a deleted newest row is detected through the head', async () => {
    await append('tail', 3);
    await db.transaction((tx) => deleteAuditRecord(tx, 'thing:tail', 3));
    const { problems } = await verifyAuditTrail(db, KEY);
    expect(problems).toEqual([expect.objectContaining({ chain: 'thing:tail', problem: expect.stringContaining('head says seq 3') })]);
    await db.transaction((tx) => deleteAuditChain(tx, 'thing:tail'));
  });

  test('a rewritten chain without the key is detected', async () => {
    await append('forged', 1);
    // Someone with database access but not AUDIT_KEY recomputes with a key of their own.
    const forger = new AuditTrail('a-different-key-that-the-forger-chose-0000');
    await db.transaction((tx) => deleteAuditChain(tx, 'thing:forged'));
    await db.transaction((tx) =>
      forger.append(tx, { action: 'step.0', actorId: null, entityType: 'thing', entityId: 'forged', data: { i: 0, 名称: '伪造' } }),
    );
    const { problems } = await verifyAuditTrail(db, KEY);
    expect(problems.map((p) => p.chain)).toEqual(['thing:forged']);
  });

  test('heads exist for every chain', async () => {
    const heads = await db.read((tx) => countAuditHeads(tx));
    expect(heads).toBeGreaterThan(0);
  });
});
