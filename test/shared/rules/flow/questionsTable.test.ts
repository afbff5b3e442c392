/**
 * The questions of the self-check (shared/src/rules/flow/questions.ts) as a person meets them: in order, each
 * with its words and the clause of 伊春市支持工业企业上云补助实施细则 it cites, what kind of answer it takes, when it is
 * asked, and which answer ends the check on which condition. The clauses were checked against the policy's text:
 * 二（一） where and what the enterprise is, 二（二）–（六） its record and purchase, 三（一） the provider's filing,
 * 一 the amount, 四（二） 就高不重复.
 */
import { RULES } from '../../../../shared/src/rules/eligibility';
import { QUESTIONS, describeFlow, questionById } from '../../../../shared/src/rules/flow/questions';

// [id, the question, the help under it]
const WORDS: [string, string, string][] = [
  ['registeredInYichun', '贵企业是否在伊春市设立、登记、注册？', '以营业执照登记机关为准（细则二（一））。请回复“是”或“否”。'],
  ['creditCode', '请输入贵企业的统一社会信用代码。', '18位，印在营业执照上，由数字和大写字母组成（不含 I、O、Z、S、V）。'],
  [
    'independentLegalPerson',
    '贵企业是否具有独立法人资格？',
    '分公司等分支机构、个体工商户不具有独立法人资格（细则二（一））。请回复“是”或“否”。',
  ],
  ['industrial', '贵企业是否为工业企业？', '工业指采矿业，制造业，电力、热力、燃气及水生产和供应业（细则二（一））。请回复“是”或“否”。'],
  [
    'industryCode',
    '贵企业所属的国民经济行业门类是？',
    '请回复门类字母，如制造业回复 C（国民经济行业分类 GB/T 4754）。不清楚可回复“跳过”。',
  ],
  [
    'alignedWithIndustrialPolicy',
    '贵企业是否符合国家和伊春市的产业发展方向？',
    '即不属于国家和本市限制、淘汰类产业（细则二（一））。不确定可咨询市工信局信息化推进科（0458-3878126）。请回复“是”或“否”。',
  ],
  [
    'establishedOn',
    '贵企业的成立日期是哪天？',
    '以营业执照上的成立日期为准，例如 2020-03-01 或 2020年3月1日（细则二（二）：成立时间须满1年）。',
  ],
  ['operatingNormally', '贵企业目前是否正常经营？', '未停业、歇业、清算，未被列入经营异常名录（细则二（二））。请回复“是”或“否”。'],
  ['badCreditRecord', '贵企业是否有不良信用记录？', '可在“信用中国”网站查询（细则二（二））。有请回复“有”，没有请回复“没有”。'],
  [
    'seriousFiscalViolationWithin5Years',
    '近5年内，贵企业是否出现过财政资金方面的严重违法违规情况？',
    '如骗取、挪用财政补助资金等（细则二（三））。有请回复“有”，没有请回复“没有”。',
  ],
  [
    'dishonestyRecord',
    '贵企业是否有失信行为记录？',
    '以“信用中国”、国家企业信用信息公示系统查询结果为准（细则二（五））。有请回复“有”，没有请回复“没有”。',
  ],
  [
    'subsidyReceived',
    '贵企业以前是否领取过本项上云补助？',
    '一户企业只能申领一次（细则二（六））。登录后以平台记录为准。请回复“是”或“否”。',
  ],
  [
    'applicationInProgress',
    '贵企业目前是否有正在办理中的本项补助申请？',
    '被驳回或已撤回的申请不算（细则二（六））。登录后以平台记录为准。请回复“是”或“否”。',
  ],
  ['firstPurchase', '这是贵企业首次购买、使用云计算服务或产品吗？', '续费、扩容或再次购买不算首次（细则二（四））。请回复“是”或“否”。'],
  [
    'providerId',
    '您的云服务商在本平台已备案服务商名录中的编号是？',
    '在“已备案云服务商”名录中可查到编号；平台会按备案记录核对备案日期（细则三（一））。不清楚可回复“跳过”。',
  ],
  [
    'providerFiledOn',
    '您的云服务商在伊春市工信局备案通过的日期是哪天？',
    '云服务商须在签订合同前备案（细则三（一））。请回复日期，如 2023-05-01；未备案请回复“未备案”。',
  ],
  ['contractSignedOn', '云服务合同是哪天签订的？', '以合同落款日期为准，例如 2023-06-01 或 2023年6月1日。'],
  ['contractAmountFen', '云服务合同金额是多少元？', '补助按合同额的50%计算，最高10万元（细则一）。例如回复 120000元、12万 或 120000.50。'],
  ['paidAmountFen', '目前已实际支付给云服务商多少元？', '以收付款凭证为准，须已发生实际支出（细则二（四））。尚未付款请回复 0。'],
  ['otherSubsidiesFen', '同一上云项目已获得其他政策补助多少元？', '按“就高不重复”原则只补差额（细则四（二））。没有请回复 0。'],
];

// [id, fact, kind of answer, may be skipped, least fen, asked only when, the rule it stops on and when]
const SHAPE: unknown[] = [
  [
    'registeredInYichun',
    'enterprise.registeredInYichun',
    'boolean',
    false,
    null,
    null,
    ['registered-in-yichun', { kind: 'equals', values: [false] }],
  ],
  ['creditCode', 'enterprise.creditCode', 'credit_code', false, null, null, ['independent-legal-person', { kind: 'prefix', prefix: '92' }]],
  [
    'independentLegalPerson',
    'enterprise.independentLegalPerson',
    'boolean',
    false,
    null,
    null,
    ['independent-legal-person', { kind: 'equals', values: [false] }],
  ],
  ['industrial', 'enterprise.industrial', 'boolean', false, null, null, ['industrial-enterprise', { kind: 'equals', values: [false] }]],
  [
    'industryCode',
    'enterprise.industryCode',
    'choice',
    true,
    null,
    null,
    ['industrial-enterprise', { kind: 'notOneOf', values: ['B', 'C', 'D'] }],
  ],
  [
    'alignedWithIndustrialPolicy',
    'enterprise.alignedWithIndustrialPolicy',
    'boolean',
    false,
    null,
    null,
    ['industrial-policy', { kind: 'equals', values: [false] }],
  ],
  ['establishedOn', 'enterprise.establishedOn', 'date', false, null, null, ['established-one-year', { kind: 'notEstablishedLongEnough' }]],
  [
    'operatingNormally',
    'enterprise.operatingNormally',
    'boolean',
    false,
    null,
    null,
    ['operating-normally', { kind: 'equals', values: [false] }],
  ],
  ['badCreditRecord', 'enterprise.badCreditRecord', 'boolean', false, null, null, ['no-bad-credit', { kind: 'equals', values: [true] }]],
  [
    'seriousFiscalViolationWithin5Years',
    'enterprise.seriousFiscalViolationWithin5Years',
    'boolean',
    false,
    null,
    null,
    ['no-fiscal-violation', { kind: 'equals', values: [true] }],
  ],
  ['dishonestyRecord', 'enterprise.dishonestyRecord', 'boolean', false, null, null, ['no-dishonesty', { kind: 'equals', values: [true] }]],
  ['subsidyReceived', 'history.subsidyReceived', 'boolean', false, null, null, ['apply-once', { kind: 'equals', values: [true] }]],
  [
    'applicationInProgress',
    'history.applicationInProgress',
    'boolean',
    false,
    null,
    null,
    ['apply-once', { kind: 'equals', values: [true] }],
  ],
  ['firstPurchase', 'cloud.firstPurchase', 'boolean', false, null, null, ['first-purchase', { kind: 'equals', values: [false] }]],
  ['providerId', 'cloud.providerId', 'provider_id', true, null, null, null],
  [
    'providerFiledOn',
    'cloud.providerFiledOn',
    'date_or_none',
    false,
    null,
    { factPath: 'cloud.providerId', values: [null] },
    ['provider-filed-before-contract', { kind: 'equals', values: [null] }],
  ],
  [
    'contractSignedOn',
    'cloud.contractSignedOn',
    'date',
    false,
    null,
    null,
    ['provider-filed-before-contract', { kind: 'beforeFact', factPath: 'cloud.providerFiledOn' }],
  ],
  ['contractAmountFen', 'cloud.contractAmountFen', 'money_fen', false, 1, null, null],
  ['paidAmountFen', 'cloud.paidAmountFen', 'money_fen', false, 0, null, ['actual-expenditure', { kind: 'equals', values: [0] }]],
  ['otherSubsidiesFen', 'otherSubsidiesFen', 'money_fen', false, 0, null, ['no-double-subsidy', { kind: 'coversComputed' }]],
];

describe('the questions, in the order they are asked', () => {
  test('their words', () => {
    expect(QUESTIONS.map((q) => [q.id, q.text, q.help])).toEqual(WORDS);
  });

  test('their answers, when they are asked, and when an answer ends the check', () => {
    expect(
      QUESTIONS.map((q) => [
        q.id,
        q.factPath,
        q.answerType,
        q.optional ?? false,
        q.minFen ?? null,
        q.askWhen ?? null,
        q.stopWhen ? [q.stopWhen.rule, q.stopWhen.condition] : null,
      ]),
    ).toEqual(SHAPE);
  });

  test('a stop cites its rule’s clause and gives the rule’s general advice', () => {
    for (const q of QUESTIONS) {
      if (q.stopWhen === undefined) continue;
      const rule = RULES.find((r) => r.id === q.stopWhen?.rule);
      expect([q.id, q.stopWhen.clause, q.stopWhen.message]).toEqual([q.id, rule?.clause, rule?.hint]);
    }
  });

  test('the industry question offers each section as its letter and name', () => {
    const choices = questionById('industryCode')?.choices ?? [];
    expect(choices[0]).toEqual({ value: 'A', label: 'A 农、林、牧、渔业' });
    expect(choices[2]).toEqual({ value: 'C', label: 'C 制造业' });
    expect(choices[19]).toEqual({ value: 'T', label: 'T 国际组织' });
    expect(choices).toHaveLength(20);
  });

  test('questionById', () => {
    expect(questionById('creditCode')?.factPath).toBe('enterprise.creditCode');
    expect(questionById('otherSubsidiesFen')?.answerType).toBe('money_fen');
    expect(questionById('nothing')).toBeUndefined();
  });
});

describe('describeFlow', () => {
  test('the formula of 一 and 四（二）', () => {
    expect(describeFlow('2024-06-30').estimate).toEqual({
      ratePercent: 50,
      rate: { numerator: 1, denominator: 2 },
      capFen: 10_000_000,
      formula: '补助金额 = min(合同金额 × 50%（不足1分按1分计）, 100,000.00 元) − 其他政策已补助金额（就高不重复，不低于0）',
    });
    expect(describeFlow().title).toBe('伊春市支持工业企业上云补助实施细则');
  });

  test('gives copies: changing one changes neither the questions nor the next description', () => {
    const first = describeFlow();
    first.questions[0].text = '改了';
    first.questions[4].choices!.pop();
    expect(QUESTIONS[0]?.text).toBe('贵企业是否在伊春市设立、登记、注册？');
    expect(describeFlow().questions[0]?.text).toBe('贵企业是否在伊春市设立、登记、注册？');
    expect(describeFlow().questions[4]?.choices).toHaveLength(20);
  });
});
