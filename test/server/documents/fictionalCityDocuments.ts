/**
 * Every printed document drawn under a fictional city's pack (issue 18 item 4): 澜江市, which does not
 * exist, with its own counties (codes under 99, no province's in GB/T 2260), bureaus, subsidy and form
 * names. The inputs are Yichun's realistic fixtures with the city's words rewritten, so that whatever of
 * Yichun's a document still prints can only come from the document code. Used by fictionalCity.test.ts
 * and, to look at the pages, by hand.
 */

import { renderFilingDocx } from '../../../server/src/documents/filingDocx';
import { renderJointReportDocx, type Rating } from '../../../server/src/documents/jointReportDocx';
import { renderLedgerXlsx } from '../../../server/src/documents/ledgerXlsx';
import { renderProposedListXlsx } from '../../../server/src/documents/proposedListXlsx';
import { renderSettlementDocx } from '../../../server/src/documents/settlementDocx';
import { FILING_MATERIAL_KINDS } from '../../../shared/src/contracts/providerFiling';
import { YICHUN } from '../../../shared/src/pack/yichun';
import type { PolicyPack } from '../../../shared/src/pack/types';
import { completeProviderFiling } from '../../fixtures/providerFiling';
import type { GeneratedDocument } from './realisticDocuments';

export const LANJIANG_COUNTIES = [
  { code: '990201', name: '澜东区' },
  { code: '990202', name: '澜西区' },
  { code: '990221', name: '北川县' },
  { code: '990281', name: '清河市' },
] as const;

/** Yichun's pack with every word of the city's own replaced: what the documents may name. */
export const LANJIANG: PolicyPack = {
  ...YICHUN,
  id: 'lanjiang-2025-cloud',
  title: '澜江市企业数字化上云扶持办法',
  platformName: '澜江市企业上云扶持平台',
  city: {
    name: '澜江市',
    shortName: '澜江',
    regionPrefix: '9902',
    miitBureau: '澜江市经济和信息化委员会',
    miitBureauShort: '市经信委',
    financeBureau: '澜江市财政局',
    financeBureauShort: '市财政局',
  },
  counties: LANJIANG_COUNTIES,
  contact: { clause: '六', department: '市经信委数字经济处', phone: '0999-5550123' },
  numbers: {
    filingNo: (year, n) => `澜云备〔${year}〕${String(n).padStart(4, '0')}号`,
    filingNoPattern: /^澜云备〔\d{4}〕\d{4,}号$/,
    trackingPrefix: 'LJ',
  },
  documents: {
    subsidyName: '企业数字化上云扶持',
    filingFormName: ['云服务商', '备案登记表'],
    jointReportAddressees: '市经济和信息化委员会、市财政局：',
    docNoExample: '澜东经信联〔2026〕3号',
  },
  forms: {
    filingDeclaration: [
      '我公司自愿参与澜江市企业上云行动，为企业提供优质适用的云服务，并定期向澜江市经济和信息化委员会报送上云企业数据。',
      '我公司保证所提供的信息及附件材料的真实性，若有违反，愿承担一切责任。',
    ],
    offersPledge: '我公司承诺，上述面向澜江市企业的上云优惠能够兑现。',
    filingConditions: [
      '愿为澜江市企业提供云资源的云服务商，企业诚信度好',
      '提供基础设施、计算、存储、应用软件等云资源，具有较强服务能力',
      '产品或服务有特定应用场景解决方案或行业应用典型案例',
      '具有数据接入安全、平台安全和访问安全等安全保障能力',
      '具有专业技术服务团队',
    ],
  },
};

/** What a reader in 澜江市 must never see: Yichun's particulars (the list). */
export const YICHUN_PARTICULARS: readonly string[] = ['伊春', '0458', '伊云备', ...YICHUN.counties.flatMap((c) => [c.code, c.name])];

const YICHUN_TO_LANJIANG: readonly (readonly [string, string])[] = [
  ['伊美', '澜东'],
  ['乌翠', '澜西'],
  ['伊春', '澜江'],
  ['0458', '0999'],
];

/** Any input with Yichun's words in its strings turned into 澜江's. */
export function inLanjiang<T>(value: T): T {
  if (typeof value === 'string') return YICHUN_TO_LANJIANG.reduce<string>((s, [from, to]) => s.split(from).join(to), value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => inLanjiang(v)) as T;
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inLanjiang(v)])) as T;
  return value;
}

const ENTERPRISES = [
  '澜江市澜东区森工机械制造有限公司',
  '澜江林都木业有限公司',
  '黑龙江小兴安岭绿色食品（红松籽）精深加工集团有限责任公司',
];
const PROVIDERS = ['黑龙江北疆云智科技有限公司', '中国电信股份有限公司澜江分公司'];
const pick = <T>(list: readonly T[], i: number): T => list[i % list.length];
const tracking = (i: number): string => `LJ2026-${String(101 + i).padStart(6, '0')}`;

/** Every document, as the city's bureaus would print them, with the pack installed by the caller. */
export async function generateFictionalCityDocuments(): Promise<GeneratedDocument[]> {
  const county = LANJIANG_COUNTIES[0].name;
  const filing = inLanjiang(completeProviderFiling());
  return [
    {
      name: 'filing',
      kind: 'docx',
      buffer: await renderFilingDocx(filing, {
        filingNo: LANJIANG.numbers.filingNo(2026, 7),
        submittedOn: '2026-03-15',
        status: 'approved',
        attachedMaterialKinds: [...FILING_MATERIAL_KINDS],
      }),
    },
    // A draft: the cover and headings with nothing filled.
    { name: 'filingDraft', kind: 'docx', buffer: await renderFilingDocx({}) },
    {
      name: 'settlement',
      kind: 'docx',
      buffer: await renderSettlementDocx({
        provider: {
          companyName: PROVIDERS[0] ?? '',
          platformName: '北疆工业云平台（澜江节点）',
          platformUrl: 'https://www.beijiang-cloud.example.cn/lanjiang',
          principal: { name: '王建国', title: '总经理', phone: '0999-3612300', mobile: '13909991234', email: 'wang@example.cn', fax: '' },
          contact: { name: '欧阳丽娜', title: '市场部经理', phone: '0999-3612345', email: 'ouyang@example.cn' },
        },
        rows: Array.from({ length: 3 }, (_, i) => ({
          trackingNo: tracking(i),
          enterpriseName: pick(ENTERPRISES, i),
          services: '生产设备上云（MES）',
          contractStart: '2025-03-01',
          contractEnd: '2027-02-28',
          contractAmountFen: 12_000_000,
          appliedFen: 4_800_000,
          effectEvaluation: '设备联网率达到90%',
        })),
        version: 1,
        generatedOn: '2026-03-05',
      }),
    },
    {
      name: 'jointReport',
      kind: 'docx',
      buffer: await renderJointReportDocx({
        countyName: county,
        docNo: LANJIANG.documents.docNoExample,
        reportDate: '2026-04-10',
        miitDepartmentName: `${county}工业和信息化局`,
        financeDepartmentName: `${county}财政局`,
        rows: Array.from({ length: 3 }, (_, i) => ({
          trackingNo: tracking(i),
          enterpriseName: pick(ENTERPRISES, i),
          creditCode: `91990201MA1B${String(i).padStart(2, '0')}C3D4`,
          providerName: pick(PROVIDERS, i),
          contractAmountFen: 12_000_000,
          paidAmountFen: 12_000_000,
          appliedFen: 4_800_000,
          effectRating: (5 - i) as Rating,
          serviceRating: 4,
          miitOpinion: '同意',
          financeOpinion: '同意，支付凭证与合同金额一致',
        })),
      }),
    },
    {
      name: 'proposedList',
      kind: 'xlsx',
      buffer: await renderProposedListXlsx({
        year: 2026,
        batchNo: 1,
        status: 'notice',
        noticeStart: '2026-06-01',
        noticeEnd: '2026-06-07',
        rows: Array.from({ length: 4 }, (_, i) => ({
          countyName: pick(LANJIANG_COUNTIES, i).name,
          trackingNo: tracking(i),
          enterpriseName: pick(ENTERPRISES, i),
          creditCode: `91990201MA1B${String(i).padStart(2, '0')}C3D4`,
          providerName: pick(PROVIDERS, i),
          contractAmountFen: 12_000_000,
          paidAmountFen: 12_000_000,
          payableFen: 4_800_000,
          verifiedFen: 4_800_000,
        })),
        budget: { budgetFen: 100_000_000, committedBeforeFen: 0 },
        signatures: { drafted: { name: '欧阳晓梅', on: '2026-05-20' }, cosigned: null, approved: null },
      }),
    },
    {
      name: 'ledger',
      kind: 'xlsx',
      buffer: await renderLedgerXlsx({
        generatedAt: '2026-06-20T08:00:00Z',
        entries: Array.from({ length: 2 }, (_, i) => ({
          seq: i + 1,
          recordedAt: '2026-05-01T02:03:04Z',
          trackingNo: tracking(i),
          enterpriseName: pick(ENTERPRISES, i),
          accountName: pick(ENTERPRISES, i),
          bankName: '中国工商银行股份有限公司澜江澜东支行',
          accountNo: '6222021234567890123',
          kind: 'payment' as const,
          amountFen: 4_800_000,
          voucherNo: `GK2026-${String(i).padStart(6, '0')}`,
          paidOn: '2026-05-02',
          recordedBy: '欧阳晓梅',
        })),
      }),
    },
  ];
}
