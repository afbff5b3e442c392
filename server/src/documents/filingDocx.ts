/**
 * The city's 备案申报书 (三（二）1) as .docx, in the seed's layout, filled from the filing form: the provider
 * prints it, signs and stamps it, and uploads the scan as material 三（二）1 (application_form).
 *
 * Layout of the seed: cover; 一、基本情况 (a label/value grid ending with the 声明); 二 to 六. The structured
 * catalogue (三（二）5) goes with the offers to the city's enterprises (三（二）6) under 五, whose prices it carries. A draft renders too:
 * what is not filled stays blank, to be filled by hand.
 */

import type { Paragraph, Table, TableRow, TextRun } from 'docx';
import {
  declarationText,
  ENTERPRISE_NATURES,
  FILING_MATERIALS,
  offersPledgeText,
  PLATFORM_FUNCTIONS,
  priceUnitLabel,
  type ApplicationCase,
  type CatalogueItem,
  type EnterpriseNature,
  type FilingPerson,
  type PlatformFunction,
  type ProviderFilingForm,
  type YichunOffer,
} from '../../../shared/src/contracts/providerFiling';
import {
  CELL_TEXT,
  FONT_HEADING,
  FONT_SIZE,
  TEXT_WIDTH,
  a4Document,
  bodyParagraphs,
  cell,
  checkboxRuns,
  formatDateZh,
  formatPrice,
  formatWanYuan,
  formatYearMonthZh,
  formatYuan,
  gridTable,
  heading,
  labelCell,
  listTable,
  paragraph,
  row,
  run,
  spanWidth,
  toBuffer,
} from './common';
import { filingFormTitle, filingFormTitleLines } from './packWords';
import { policyPack } from '../../../shared/src/pack';

export interface FilingDocxMeta {
  /** 备案编号, once approved. */
  filingNo?: string | null;
  /** 'YYYY-MM-DD'; dates the cover and the 声明. Absent: left blank to be dated by hand. */
  submittedOn?: string | null;
  /** The filing's status (ProviderRow['status']); shown on the cover once it is past draft. */
  status?: string;
  /** Kinds of the materials on file: ticked in the list of 六、相关证明材料. */
  attachedMaterialKinds?: readonly string[];
}

const STATUS_LABELS: Record<string, string> = {
  submitted: '已提交',
  approved: '已备案',
  returned: '已退回修改',
  rejected: '未通过',
  revoked: '已撤销',
};

const GAP = '　　';

function count(value: number | undefined, unit: string): string {
  return value === undefined ? '' : `${value}${unit}`;
}

function date(value: string | undefined): string {
  return value === undefined ? '' : formatDateZh(value);
}

function wan(fen: number | undefined): string {
  return fen === undefined ? '' : formatWanYuan(fen, { unit: false });
}

// ---- cover -----------------------------------------------------------------------------------------

function cover(form: ProviderFilingForm, meta: FilingDocxMeta): Paragraph[] {
  const basic = form.basic ?? {};
  const contact = basic.contact ?? {};
  const contactWays = [contact.mobile, contact.phone].filter((v): v is string => v !== undefined);
  const status = meta.status === undefined ? undefined : STATUS_LABELS[meta.status];
  const [titleLine, formLine] = filingFormTitleLines();
  const mark = [meta.filingNo ? `备案编号：${meta.filingNo}` : '', status ? `状态：${status}` : ''].filter((s) => s !== '');

  const field = (label: string, value: string, suffix = ''): Paragraph =>
    paragraph(
      [
        run(label, { size: FONT_SIZE.san }),
        run(value === '' ? '　'.repeat(14) : value, { size: FONT_SIZE.san, underline: true }),
        ...(suffix === '' ? [] : [run(suffix, { size: FONT_SIZE.san })]),
      ],
      { indentLeft: 1300, line: 560 },
    );

  return [
    paragraph(mark.join(GAP), { align: 'right', size: FONT_SIZE.wu }),
    ...Array.from({ length: 5 }, () => paragraph('', { line: 480 })),
    paragraph(titleLine, { align: 'center', font: FONT_HEADING, size: FONT_SIZE.yi, line: 600 }),
    paragraph(formLine, { align: 'center', font: FONT_HEADING, size: FONT_SIZE.xiaochu, line: 720, before: 240 }),
    ...Array.from({ length: 6 }, () => paragraph('', { line: 480 })),
    field('申报企业：', basic.companyName ?? '', '（公章）'),
    field('联 系 人：', contact.name ?? ''),
    field('联系方式：', contactWays.join('，')),
    ...Array.from({ length: 5 }, () => paragraph('', { line: 480 })),
    // The seed's cover: the form is the city bureau's (三（一）到市工信局进行备案).
    paragraph(`${policyPack().city.miitBureau}制`, { align: 'center', size: FONT_SIZE.san, line: 480 }),
    paragraph(formatYearMonthZh(meta.submittedOn), { align: 'center', size: FONT_SIZE.san, line: 480 }),
  ];
}

// ---- 一、基本情况 -------------------------------------------------------------------------------------

// Five grid columns: the person rows of the seed need them (企业负责人 | 姓名 | … | 职务 | …); the other
// rows put their label across the first two.
const GRID = [1100, 1160, 2500, 1700, 2566] as const;
const W = (start: number, span = 1): number => spanWidth(GRID, start, span);

function pairRow(leftLabel: string, leftValue: string, rightLabel: string, rightValue: string): TableRow {
  return row(
    [
      labelCell(leftLabel, { width: W(0, 2), columnSpan: 2 }),
      cell(leftValue, { width: W(2) }),
      labelCell(rightLabel, { width: W(3) }),
      cell(rightValue, { width: W(4) }),
    ],
    { minHeight: 567 },
  );
}

function wideRow(label: string, content: string | readonly Paragraph[], minHeight = 567): TableRow {
  return row(
    [labelCell(label, { width: W(0, 2), columnSpan: 2 }), cell(content, { width: W(2, 3), columnSpan: 3, verticalAlign: 'top' })],
    { minHeight },
  );
}

function checkboxLine(items: readonly TextRun[][]): Paragraph {
  const runs: TextRun[] = [];
  items.forEach((item, i) => {
    if (i > 0) runs.push(run(GAP, { size: CELL_TEXT.size }));
    runs.push(...item);
  });
  return paragraph(runs, CELL_TEXT);
}

function natureRows(nature: EnterpriseNature | undefined, natureOther: string | undefined): TableRow[] {
  // The seed's three lines: 3 + 3 + 2 boxes.
  const lines = [ENTERPRISE_NATURES.slice(0, 3), ENTERPRISE_NATURES.slice(3, 6), ENTERPRISE_NATURES.slice(6)];
  return lines.map((line, index) => {
    const boxes = line.map((n) => {
      const label = n.value === 'other' && nature === 'other' && natureOther ? `${n.label}：${natureOther}` : n.label;
      return checkboxRuns(label, nature === n.value, { size: CELL_TEXT.size });
    });
    const content = cell([checkboxLine(boxes)], { width: W(2, 3), columnSpan: 3 });
    return row(index === 0 ? [labelCell('企业性质', { width: W(0, 2), columnSpan: 2, rowSpan: 3 }), content] : [content], {
      minHeight: 454,
    });
  });
}

function platformFunctionRow(functions: readonly PlatformFunction[], other: string | undefined): TableRow {
  const box = (f: (typeof PLATFORM_FUNCTIONS)[number]): TextRun[] => {
    const label = f.value === 'other' && functions.includes('other') && other ? `${f.label}：${other}` : f.label;
    return checkboxRuns(label, functions.includes(f.value), { size: CELL_TEXT.size });
  };
  const lines = [PLATFORM_FUNCTIONS.slice(0, 3), PLATFORM_FUNCTIONS.slice(3)].map((line) => checkboxLine(line.map(box)));
  return wideRow('平台功能（可多选）', lines);
}

function personRows(title: string, person: FilingPerson, withMobileAndFax: boolean): TableRow[] {
  const pairs: [string, string, string, string][] = withMobileAndFax
    ? [
        ['姓名', person.name ?? '', '职务', person.title ?? ''],
        ['联系电话', person.phone ?? '', '手机', person.mobile ?? ''],
        ['电子邮箱', person.email ?? '', '传真', person.fax ?? ''],
      ]
    : [
        ['姓名', person.name ?? '', '职务', person.title ?? ''],
        // The seed's 联系人 has no 手机 or 传真 row: they join the 联系电话 cell when given.
        [
          '联系电话',
          [person.phone, person.mobile ? `手机 ${person.mobile}` : undefined, person.fax ? `传真 ${person.fax}` : undefined]
            .filter((v): v is string => v !== undefined)
            .join('\n'),
          '电子邮箱',
          person.email ?? '',
        ],
      ];
  return pairs.map(([l1, v1, l2, v2], index) =>
    row(
      [
        ...(index === 0 ? [labelCell(title, { width: W(0), rowSpan: pairs.length })] : []),
        labelCell(l1, { width: W(1) }),
        cell(v1, { width: W(2) }),
        labelCell(l2, { width: W(3) }),
        cell(v2, { width: W(4) }),
      ],
      { minHeight: 510 },
    ),
  );
}

function declarationRow(submittedOn: string | null | undefined): TableRow {
  const text = { ...CELL_TEXT, indentChars: 2, align: 'both' as const, line: 360 };
  const signature = { ...CELL_TEXT, indentLeft: 3200, line: 480 };
  const content = [
    ...declarationText().map((t) => paragraph(t, text)),
    paragraph('', CELL_TEXT),
    paragraph('法人代表签字：', signature),
    paragraph('单位盖章：', signature),
    paragraph('', CELL_TEXT),
    paragraph(formatDateZh(submittedOn), { ...CELL_TEXT, align: 'right', line: 480 }),
  ];
  return row([
    labelCell('声明', { width: W(0, 2), columnSpan: 2 }),
    cell(content, { width: W(2, 3), columnSpan: 3, verticalAlign: 'top' }),
  ]);
}

function basicTable(form: ProviderFilingForm, meta: FilingDocxMeta): Table {
  const b = form.basic ?? {};
  const revenueYear = b.cloudRevenue?.year;
  return gridTable(GRID, [
    wideRow('企业名称', b.companyName ?? ''),
    pairRow('云平台名称', b.platformName ?? '', '云平台网址', b.platformUrl ?? ''),
    pairRow('注册资本（万元）', wan(b.registeredCapitalFen), '注册地址', b.registeredAddress ?? ''),
    // The seed's copy names 2021; the year is the provider's answer.
    pairRow('成立时间', date(b.establishedOn), `${revenueYear ?? '　　　　'}年云业务收入（万元）`, wan(b.cloudRevenue?.amountFen)),
    pairRow('员工人数', count(b.employeeCount, '人'), '专业技术人员', count(b.technicalStaffCount, '人')),
    pairRow('云业务开始时间', date(b.cloudBusinessStartedOn), '上云企业数量', count(b.servedEnterpriseCount, '家')),
    ...natureRows(b.nature, b.natureOther),
    platformFunctionRow(b.platformFunctions ?? [], b.platformFunctionOther),
    wideRow('企业及平台简介', b.introduction ?? '（300字以内）', 1700),
    wideRow('云平台获得荣誉、专利、软件著作权', b.honors ?? '', 1134),
    ...personRows('企业\n负责人', b.principal ?? {}, true),
    ...personRows('联系人', b.contact ?? {}, false),
    declarationRow(meta.submittedOn),
  ]);
}

// ---- 二 to 六 ---------------------------------------------------------------------------------------

function technicalSection(form: ProviderFilingForm): Paragraph[] {
  const t = form.technical ?? {};
  return [
    heading('二、技术实力', 1, { pageBreakBefore: true }),
    heading('（一）技术架构与具备功能', 2),
    heading('1.主要产品或服务介绍', 3),
    ...bodyParagraphs(t.products),
    heading('2.核心技术及其核心竞争优势', 3),
    ...bodyParagraphs(t.coreTechnology),
    heading('3.产品或服务的主要技术指标', 3),
    ...bodyParagraphs(t.indicators),
    heading(
      '（二）相关研发能力，包括自主创新能力，取得的相关自主知识产权情况（如专利、软件著作权等）；取得的相关认证情况（如可信云认证、信息安全服务资质认证等）',
      2,
    ),
    heading('1.研发能力及自主知识产权情况', 3),
    ...bodyParagraphs(t.researchAndDevelopment),
    heading('2.取得的相关认证情况', 3),
    ...bodyParagraphs(t.certifications),
  ];
}

const CASE_GRID = [1800, TEXT_WIDTH - 1800] as const;

function casesTable(cases: readonly ApplicationCase[]): Table {
  const rows: TableRow[] = [];
  cases.forEach((c, index) => {
    rows.push(row([cell(`案例${index + 1}：${c.title ?? ''}`, { width: TEXT_WIDTH, columnSpan: 2, bold: true })]));
    const fields: [string, string][] = [
      ['客户单位', c.customer ?? ''],
      ['产品或服务', c.productOrService ?? ''],
      ['实施日期', date(c.implementedOn)],
      ['实施费用', c.costFen === undefined ? '' : formatYuan(c.costFen)],
      ['实施过程', c.process ?? ''],
      ['实施效果', c.effect ?? ''],
      ['佐证材料', c.evidence ?? ''],
    ];
    for (const [label, value] of fields) {
      rows.push(row([labelCell(label, { width: CASE_GRID[0] }), cell(value, { width: CASE_GRID[1] })]));
    }
  });
  return gridTable(CASE_GRID, rows);
}

function applicationSection(form: ProviderFilingForm): (Paragraph | Table)[] {
  const a = form.application ?? {};
  const cases = a.cases ?? [];
  return [
    heading('三、主要产品或服务应用情况', 1),
    heading('（一）主要产品或服务的应用场景', 2),
    ...bodyParagraphs(a.scenarios),
    heading('（二）应用场景所属行业情况及市场分析', 2),
    ...bodyParagraphs(a.marketAnalysis),
    heading('（三）典型案例情况', 2),
    heading('1.各项产品或服务的实施案例数量', 3),
    ...bodyParagraphs(a.caseCountSummary),
    // 三（二）4 应用典型案例及佐证，3例以上
    heading(`2.典型实施案例（共${cases.length}例，佐证材料另附）`, 3),
    ...(cases.length === 0 ? bodyParagraphs('') : [casesTable(cases)]),
  ];
}

function teamSection(form: ProviderFilingForm): (Paragraph | Table)[] {
  const team = form.team ?? {};
  const plan = form.promotionPlan ?? {};
  const members = team.coreMembers ?? [];
  return [
    heading('四、平台技术人员及服务团队', 1),
    heading('（一）负责人及核心团队成员主要履历', 2),
    listTable(
      [
        { title: '序号', width: 700, align: 'center' },
        { title: '姓名', width: 1200, align: 'center' },
        { title: '职务', width: 1500, align: 'center' },
        { title: '学历', width: 1100, align: 'center' },
        { title: '主要履历', width: TEXT_WIDTH - 4500 },
      ],
      members.map((m, i) => [String(i + 1), m.name, m.role, m.education, m.resume]),
    ),
    heading('（二）企业技术或服务团队情况，包括团队人数、学历情况等', 2),
    ...bodyParagraphs(team.teamSize === undefined ? '团队人数：' : `团队人数：${team.teamSize}人。`),
    ...bodyParagraphs(`学历情况：${team.educationSummary ?? ''}`),
    ...bodyParagraphs(team.description),
    heading(`（三）针对${policyPack().city.name}企业上云的推广和培训计划`, 2),
    heading('1.推广计划', 3),
    ...bodyParagraphs(plan.promotion),
    heading('2.培训计划', 3),
    ...bodyParagraphs(plan.training),
  ];
}

function validity(offer: YichunOffer): string {
  if (offer.validFrom === undefined) return offer.validTo === undefined ? '' : `至${formatDateZh(offer.validTo)}`;
  return offer.validTo === undefined
    ? `${formatDateZh(offer.validFrom)}起长期有效`
    : `${formatDateZh(offer.validFrom)}至${formatDateZh(offer.validTo)}`;
}

function price(fen: number | undefined, unit: string | undefined): string {
  if (fen === undefined) return '';
  return formatPrice(fen, (unit === undefined ? undefined : priceUnitLabel(unit)) ?? '元');
}

function catalogueTable(items: readonly CatalogueItem[]): Table {
  return listTable(
    [
      { title: '序号', width: 700, align: 'center' }, // two 汉字 and the margins: 序号 on one line
      { title: '产品或服务名称', width: 1700 },
      { title: '功能简介', width: TEXT_WIDTH - 5700 },
      { title: '报价', width: 1650, align: 'right' },
      { title: `${policyPack().city.name}企业优惠价`, width: 1650, align: 'right' },
    ],
    items.map((item, i) => [
      String(i + 1),
      item.name,
      item.description,
      price(item.priceFen, item.unit),
      item.yichunPriceFen === undefined ? '—' : price(item.yichunPriceFen, item.unit),
    ]),
  );
}

function offersSection(form: ProviderFilingForm): (Paragraph | Table)[] {
  const offers = form.offers ?? {};
  const items = offers.items ?? [];
  return [
    heading('五、优惠政策', 1),
    ...(offers.overview === undefined ? [] : bodyParagraphs(offers.overview)),
    // 三（二）6 针对本市企业的优惠政策
    heading(`（一）针对${policyPack().city.name}企业制定的上云优惠政策`, 2),
    listTable(
      [
        { title: '序号', width: 700, align: 'center' },
        { title: '优惠名称', width: 2000 },
        { title: '优惠内容', width: TEXT_WIDTH - 4900 },
        { title: '有效期', width: 2200, align: 'center' },
      ],
      items.map((o, i) => [String(i + 1), o.title, o.description, validity(o)]),
    ),
    // 三（二）5 产品或服务目录，包括功能简介和产品报价
    heading('（二）产品或服务目录及报价', 2),
    catalogueTable(form.catalogue ?? []),
    paragraph(checkboxRuns(offersPledgeText(), offers.honourPledge === true), { before: 120, indentChars: 2 }),
  ];
}

function evidenceSection(form: ProviderFilingForm, meta: FilingDocxMeta): Paragraph[] {
  const year = form.basic?.cloudRevenue?.year;
  // The seed asks for the audits of the revenue year and the one before (2020、2021 with 2021年云业务收入).
  const audits = year === undefined ? '近两个年度' : `${year - 1}、${year}年度`;
  const attached = meta.attachedMaterialKinds === undefined ? undefined : new Set(meta.attachedMaterialKinds);
  return [
    heading('六、相关证明材料', 1),
    ...bodyParagraphs('上述正文中涉及的证明材料，包括但不限于：'),
    ...bodyParagraphs('1.企业法人营业执照/组织机构代码证、互联网经营许可证或相关授权许可证明；'),
    ...bodyParagraphs(`2.${audits}财务审计报告（复印件）；`),
    ...bodyParagraphs('3.自主创新证明材料，包括专利、软件著作权、可信云认证、信息安全服务资质认证等。'),
    heading('备案材料清单（三（二））', 3),
    ...FILING_MATERIALS.map((m, i) => {
      const text = `${i + 1}.${m.label}（${m.clause}）`;
      return attached === undefined
        ? paragraph(text, { indentChars: 2 })
        : paragraph(checkboxRuns(text, attached.has(m.kind)), { indentChars: 2 });
    }),
  ];
}

/** The 备案申报书 filled from `form`, as the bytes of a .docx. */
export async function renderFilingDocx(form: ProviderFilingForm, meta: FilingDocxMeta = {}): Promise<Buffer> {
  const children = [
    ...cover(form, meta),
    heading('一、基本情况', 1, { pageBreakBefore: true }),
    basicTable(form, meta),
    ...technicalSection(form),
    ...applicationSection(form),
    ...teamSection(form),
    ...offersSection(form),
    ...evidenceSection(form, meta),
  ];
  const company = form.basic?.companyName;
  const document = a4Document({
    title: company ? `${filingFormTitle()}（${company}）` : filingFormTitle(),
    children,
    coverPage: true,
  });
  return toBuffer(document);
}
