/**
 * Every document the platform generates, through the product's own render functions, from realistic
 * data at its widest: long Chinese names of enterprises, providers and banks, long opinions and reasons,
 * the largest amounts a case can carry, enough rows to run over a page. What pdf.test.ts prints.
 */

import { renderFilingDocx } from '../../../server/src/documents/filingDocx';
import { renderJointReportDocx, type JointReportRow, type Rating } from '../../../server/src/documents/jointReportDocx';
import { renderLedgerXlsx, type LedgerEntry } from '../../../server/src/documents/ledgerXlsx';
import { renderProposedListXlsx, type ProposedListRow } from '../../../server/src/documents/proposedListXlsx';
import { renderSettlementDocx, type SettlementRow } from '../../../server/src/documents/settlementDocx';
import { FILING_MATERIAL_KINDS } from '../../../shared/src/contracts/providerFiling';
import { completeProviderFiling } from '../../fixtures/providerFiling';

export type DocumentKind = 'docx' | 'xlsx';
export interface GeneratedDocument {
  /** File name without extension. */
  name: string;
  kind: DocumentKind;
  buffer: Buffer;
}

const COUNTIES = ['伊美区', '乌翠区', '友好区', '嘉荫县', '汤旺县', '丰林县', '大箐山县', '南岔县', '金林区', '铁力市'];
const ENTERPRISES = [
  '伊春市伊美区森工机械制造有限公司',
  '黑龙江省伊春市乌翠区北药种植与中药饮片加工股份有限公司',
  '伊春林都木业有限公司',
  '伊春市金山屯蓝莓食品有限公司',
  '黑龙江小兴安岭绿色食品（红松籽）精深加工集团有限责任公司',
  '铁力市恒源热电有限公司',
];
const PROVIDERS = ['黑龙江北疆云智科技有限公司', '中国电信股份有限公司伊春分公司', '哈尔滨冰城云计算技术服务有限公司'];
const pick = <T>(list: readonly T[], i: number): T => list[i % list.length];
const tracking = (i: number): string => `YC2026-${String(101 + i).padStart(6, '0')}`;
const creditCode = (i: number): string => `91230702MA1B${String(i).padStart(2, '0')}C3D4`;

function jointRows(n: number): JointReportRow[] {
  return Array.from({ length: n }, (_, i) => ({
    trackingNo: tracking(i),
    enterpriseName: pick(ENTERPRISES, i),
    creditCode: creditCode(i),
    providerName: pick(PROVIDERS, i),
    contractAmountFen: 1_234_567_891 - i * 1_000_003,
    paidAmountFen: 1_234_567_891 - i * 1_000_003,
    appliedFen: 10_000_000 - i * 3,
    effectRating: ((i % 5) + 1) as Rating,
    serviceRating: (((i + 2) % 5) + 1) as Rating,
    miitOpinion: i % 2 ? '同意。企业已完成ERP、MES系统上云，生产数据实时采集，上云效果明显，材料齐全' : '同意',
    financeOpinion: i % 3 ? '同意，支付凭证与合同金额一致，已核对银行回单和发票' : '同意',
  }));
}

function settlementRows(n: number): SettlementRow[] {
  return Array.from({ length: n }, (_, i) => ({
    trackingNo: tracking(i),
    enterpriseName: pick(ENTERPRISES, i),
    services: i % 2 ? '北疆ERP云（财务、进销存、生产管理）\n云主机 8核16G ×4台\n对象存储 10TB' : '生产设备上云（MES）',
    contractStart: '2025-03-01',
    contractEnd: '2027-02-28',
    contractAmountFen: 1_234_567_891,
    appliedFen: 10_000_000 - i,
    effectEvaluation: i % 2 ? '财务核算周期由7天缩短至2天，库存周转率提高18%，设备联网率达到90%，停机时间下降三成' : '设备联网率达到90%',
  }));
}

function listRows(n: number): ProposedListRow[] {
  return Array.from({ length: n }, (_, i) => ({
    countyName: pick(COUNTIES, i),
    trackingNo: tracking(i),
    enterpriseName: pick(ENTERPRISES, i),
    creditCode: creditCode(i),
    providerName: pick(PROVIDERS, i),
    contractAmountFen: 1_234_567_891 - i * 1_000_003,
    paidAmountFen: 1_234_567_891 - i * 1_000_003,
    payableFen: 10_000_000,
    verifiedFen: i % 4 === 1 ? 8_765_432 : 10_000_000,
    reductionReason: i % 4 === 1 ? '部分付款发生在合同签订之前，不计入实际支付金额，按核减后的支付额计算' : null,
    note: i % 5 === 2 ? '公示期间收到异议，经核实不成立' : null,
  }));
}

function ledgerEntries(n: number): LedgerEntry[] {
  const entries: LedgerEntry[] = [];
  for (let i = 0; entries.length < n; i += 1) {
    const base = {
      trackingNo: tracking(i),
      enterpriseName: pick(ENTERPRISES, i),
      accountName: pick(ENTERPRISES, i),
      bankName: i % 2 ? '中国工商银行股份有限公司伊春伊美支行' : '黑龙江伊春农村商业银行股份有限公司乌翠支行',
      accountNo: '6222 0212 3456 7890 123',
      paidOn: `2026-05-${String(1 + (i % 28)).padStart(2, '0')}`,
      recordedBy: i % 3 ? '欧阳晓梅' : '市财政局经办人',
    };
    entries.push({
      ...base,
      seq: entries.length + 1,
      recordedAt: '2026-05-01T02:03:04Z',
      kind: 'payment',
      amountFen: 10_000_000,
      voucherNo: `GK2026-${String(i).padStart(6, '0')}`,
    });
    if (i % 4 === 1)
      entries.push({
        ...base,
        seq: entries.length + 1,
        recordedAt: '2026-05-03T02:03:04Z',
        kind: 'reversal',
        amountFen: -10_000_000,
        voucherNo: `GK2026-${String(i).padStart(6, '0')}`,
        reason: '收款账户已销户，银行退回（退汇），待企业变更收款账户后重新拨付',
      });
    if (i % 5 === 3)
      entries.push({
        ...base,
        seq: entries.length + 1,
        recordedAt: '2026-05-04T02:03:04Z',
        kind: 'correction',
        amountFen: -100,
        voucherNo: `GK2026-${String(i).padStart(6, '0')}`,
        reason: '金额录入错误，按国库支付凭证更正',
      });
  }
  return entries;
}

export async function generateEveryDocument(): Promise<GeneratedDocument[]> {
  const filing = completeProviderFiling();
  filing.basic!.companyName = '黑龙江北疆云智工业互联网科技股份有限公司哈尔滨松北分公司';
  return [
    {
      name: 'filing',
      kind: 'docx',
      buffer: await renderFilingDocx(filing, {
        filingNo: 'YCBA-2024-0007',
        submittedOn: '2024-03-15',
        status: 'approved',
        attachedMaterialKinds: [...FILING_MATERIAL_KINDS],
      }),
    },
    {
      name: 'settlement',
      kind: 'docx',
      buffer: await renderSettlementDocx({
        provider: {
          companyName: '黑龙江北疆云智工业互联网科技股份有限公司',
          platformName: '北疆工业云平台（伊春节点）',
          platformUrl: 'https://www.beijiang-cloud.example.cn/yichun/industrial-cloud',
          principal: {
            name: '王建国',
            title: '总经理',
            phone: '0458-3612300',
            mobile: '13904581234',
            email: 'wangjianguo@beijiang-cloud.example.cn',
            fax: '0458-3612301',
          },
          contact: { name: '欧阳丽娜', title: '市场部经理', phone: '0458-3612345', email: 'ouyanglina@beijiang-cloud.example.cn' },
        },
        rows: settlementRows(14),
        version: 3,
        generatedOn: '2026-03-05',
      }),
    },
    {
      name: 'jointReport',
      kind: 'docx',
      buffer: await renderJointReportDocx({
        countyName: '大箐山县',
        docNo: '大箐山工信联〔2026〕12号',
        reportDate: '2026-04-10',
        miitDepartmentName: '大箐山县工业信息科技和商务局',
        financeDepartmentName: '大箐山县财政局',
        rows: jointRows(16),
      }),
    },
    {
      name: 'proposedList',
      kind: 'xlsx',
      buffer: await renderProposedListXlsx({
        year: 2026,
        batchNo: 2,
        status: 'notice',
        noticeStart: '2026-06-01',
        noticeEnd: '2026-06-07',
        rows: listRows(30),
        budget: { budgetFen: 200_000_000, committedBeforeFen: 3_000_000 },
        // Drafted and co-signed, approval still to come: a name, a role's stand-in, a blank.
        signatures: {
          drafted: { name: '欧阳晓梅', on: '2026-05-20' },
          cosigned: { name: '市财政局经办人', on: '2026-05-22' },
          approved: null,
        },
      }),
    },
    { name: 'ledger', kind: 'xlsx', buffer: await renderLedgerXlsx({ generatedAt: '2026-06-20T08:00:00Z', entries: ledgerEntries(40) }) },
  ];
}
