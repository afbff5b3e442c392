import type { Database } from '../../server/src/db/database';
import { insertApplication, type ApplicationRow } from '../../server/src/db/applications';
import { insertEnterprise, insertMember, type EnterpriseRow } from '../../server/src/db/enterprises';
import { insertProviderRow, type ProviderRow } from '../../server/src/db/testing';
import { newId } from '../../server/src/ids';
import type { ApplicationState } from '../../shared/src/workflow/application';
import { completeProviderFiling } from '../fixtures/providerFiling';
import { moveStageCount } from '../../server/src/db/applications/stageCounts';

/** The smallest file the uploads take for a PDF (its magic bytes and a trailer): every material of the HTTP walks. */
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

/** The applicant's declarations (细则二) as a qualifying enterprise answers them, with no other subsidy. */
export const DECLARATIONS = {
  registeredInYichun: true,
  independentLegalPerson: true,
  industrial: true,
  alignedWithIndustrialPolicy: true,
  operatingNormally: true,
  badCreditRecord: false,
  seriousFiscalViolationWithin5Years: false,
  dishonestyRecord: false,
  firstPurchase: true,
  otherSubsidiesFen: 0,
};

/**
 * Test data straight into the real database, for suites that start an application's life in the
 * middle (a county review, a city list). The end-to-end suite drives the whole life over HTTP.
 */
let creditCounter = 0;

/** A valid 统一社会信用代码 in Yichun (2307xx), different on every call. */
export function creditCode(county = '230717'): string {
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  creditCounter++;
  const serial = (Date.now().toString(36).toUpperCase() + creditCounter.toString(36).toUpperCase())
    .replace(/[IOZSV]/g, '1')
    .padStart(9, '0')
    .slice(-9);
  const body = `91${county}${serial}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += alphabet.indexOf(body[i]) * weights[i];
  const check = (31 - (sum % 31)) % 31;
  return body + alphabet[check];
}

export async function seedProvider(db: Database, ownerUserId: string, overrides: Partial<ProviderRow> = {}): Promise<ProviderRow> {
  const now = Date.now();
  const form = completeProviderFiling();
  const row: ProviderRow = {
    id: newId(),
    ownerUserId,
    companyName: form.basic!.companyName!,
    platformName: form.basic!.platformName!,
    status: 'approved',
    filingNo: `伊云备〔2023〕${String(now % 1000).padStart(3, '0')}号`,
    approvedOn: '2023-05-10',
    revokedOn: null,
    form: form,
    version: 3,
    submittedAt: now,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
  await db.transaction((tx) => insertProviderRow(tx, row));
  return row;
}

export async function seedEnterprise(
  db: Database,
  memberUserIds: string[],
  overrides: Partial<EnterpriseRow> = {},
): Promise<EnterpriseRow> {
  const now = Date.now();
  const countyCode = overrides.countyCode ?? '230717';
  const row: EnterpriseRow = {
    id: newId(),
    creditCode: creditCode(countyCode),
    name: `伊春测试${creditCounter}号木业有限公司`,
    countyCode,
    establishedOn: '2019-04-12',
    industryCode: 'C',
    legalRepresentative: '王建国',
    address: '伊春市伊美区林都大街1号',
    contactName: '李会计',
    contactPhone: '13904581234',
    status: 'verified',
    version: 1,
    createdBy: memberUserIds[0] ?? newId(),
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
  await db.transaction(async (tx) => {
    await insertEnterprise(tx, row);
    for (const [i, userId] of memberUserIds.entries())
      await insertMember(tx, {
        id: newId(),
        enterpriseId: row.id,
        userId,
        memberRole: i === 0 ? 'owner' : 'member',
        status: 'active',
        createdAt: now,
      });
  });
  return row;
}

export async function seedApplication(
  db: Database,
  enterprise: EnterpriseRow,
  provider: ProviderRow | null,
  status: ApplicationState,
  overrides: Partial<ApplicationRow> = {},
): Promise<ApplicationRow> {
  const now = Date.now();
  const row: ApplicationRow = {
    id: newId(),
    trackingNo: status === 'draft' ? null : `YC2026${String(Math.floor(Math.random() * 1e5)).padStart(5, '0')}${creditCounter}`,
    enterpriseId: enterprise.id,
    providerId: provider?.id ?? null,
    countyCode: enterprise.countyCode,
    status,
    version: 1,
    facts: null,
    contractNo: `HT-${now}-${creditCounter}`,
    contractSignedOn: '2023-08-01',
    contractAmountFen: 12_000_000,
    paidAmountFen: 12_000_000,
    otherSubsidiesFen: 0,
    subsidyFen: 6_000_000,
    verifiedFen: null,
    round: status === 'draft' ? 0 : 1,
    createdBy: enterprise.createdBy,
    submittedAt: status === 'draft' ? null : now,
    createdAt: now,
    updatedAt: now,
    contractStart: '2023-08-01',
    contractEnd: '2024-07-31',
    services: 'ERP云（标准版）',
    bankAccountName: enterprise.name,
    bankName: '中国工商银行伊春分行',
    bankAccountNo: '0901001234567890123',
    returnedFrom: null,
    contractChanged: false,
    settlementFormId: null,
    providerEvaluation: status === 'draft' || status === 'provider_check' ? null : '上线后库存周转明显加快，效果良好',
    verifiedReason: null,
    lastReason: null,
    reportId: null,
    listId: null,
    ...overrides,
  };
  await db.transaction(async (tx) => {
    await insertApplication(tx, row);
    await moveStageCount(tx, row.countyCode, null, row.status);
  });
  return row;
}
