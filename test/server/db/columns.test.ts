import { openTestDatabase } from '../../helpers/db';
import type { Database } from '../../../server/src/db/database';
import { findApplication, insertApplication, type ApplicationRow } from '../../../server/src/db/applications';
import { newId } from '../../../server/src/ids';

describe('money and times round-trip as numbers on both databases', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(() => db.close());

  test.each([
    ['small', 1],
    ['the cap', 10_000_000],
    ['above 2^31', 3_000_000_001],
    ['the largest safe integer', Number.MAX_SAFE_INTEGER],
  ])('%s', async (_label, fen) => {
    const now = Date.now();
    const row: ApplicationRow = {
      id: newId(),
      trackingNo: null,
      enterpriseId: newId(),
      providerId: null,
      countyCode: '230717',
      status: 'draft',
      version: 1,
      facts: { note: '中文 and JSON' },
      contractNo: null,
      contractSignedOn: '2024-02-29',
      contractAmountFen: fen,
      paidAmountFen: 0,
      otherSubsidiesFen: 0,
      subsidyFen: null,
      verifiedFen: null,
      round: 0,
      createdBy: newId(),
      submittedAt: now,
      createdAt: now,
      updatedAt: now,
      contractStart: '2024-03-01',
      contractEnd: '2025-02-28',
      services: 'ERP云',
      bankAccountName: '伊春某某木业有限公司',
      bankName: '中国工商银行伊春分行',
      bankAccountNo: '0901001234567890123',
      returnedFrom: null,
      contractChanged: true,
      settlementFormId: null,
      providerEvaluation: null,
      verifiedReason: null,
      lastReason: null,
      reportId: null,
      listId: null,
    };
    await db.transaction((tx) => insertApplication(tx, row));
    const back = (await db.read((tx) => findApplication(tx, row.id)))!;
    expect(back.contractAmountFen).toBe(fen);
    expect(typeof back.contractAmountFen).toBe('number');
    expect(back.paidAmountFen).toBe(0);
    expect(back.subsidyFen).toBeNull();
    expect(back.submittedAt).toBe(now);
    expect(back.facts).toEqual({ note: '中文 and JSON' });
    expect(back.contractSignedOn).toBe('2024-02-29');
    expect(back.contractChanged).toBe(true);
    expect(back.bankAccountName).toBe('伊春某某木业有限公司');
  });
});
