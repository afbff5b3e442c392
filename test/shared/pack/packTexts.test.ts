/**
 * Issue 18 item 4 in shared/: every text and list of the rules, contracts, glossary and workflow that
 * names the city, its counties, its contact or its policy reads the pack installed at that moment — also
 * when the module was imported under another pack. A fictional city (北屿市, counties 9901xx, its own
 * contact and form words) is installed after import; nothing of Yichun may show, and putting Yichun back
 * gives Yichun's texts word for word again.
 */
import { YICHUN } from '../../../shared/src/pack/yichun';
import {
  chineseCount,
  contactText,
  countiesPhrase,
  installPolicyPack,
  packCounties,
  policyId,
  type PolicyPack,
} from '../../../shared/src/pack';
import { countyName, grantLabel, isCountyCode } from '../../../shared/src/contracts/roles';
import { enterpriseProfileSchema, declarationsSchema } from '../../../shared/src/contracts/application';
import { parseEligibilityFacts } from '../../../shared/src/contracts/eligibility';
import {
  declarationText,
  offersPledgeText,
  parseProviderFilingDraft,
  validateForSubmit,
} from '../../../shared/src/contracts/providerFiling';
import { verdictSchema } from '../../../shared/src/contracts/responses/eligibility';
import { RULES, WARNINGS, evaluateEligibility } from '../../../shared/src/rules/eligibility';
import { FILING_CONDITIONS } from '../../../shared/src/rules/filingConditions';
import { FILING_MATERIALS } from '../../../shared/src/rules/filingSubmit';
import { QUESTIONS, describeFlow } from '../../../shared/src/rules/flow/questions';
import { applyAnswer, restoreFlowState, startFlow } from '../../../shared/src/rules/flow/interpreter';
import { MATERIAL_NAMES, fieldName, materialName } from '../../../shared/src/glossary/terms';
import { applicationLabels } from '../../../shared/src/workflow/application';
import { factsWith, passingFacts, requestBody, withCheck } from '../rules/fixtures';

// A code registered in the fictional city's region (9901), so that no Yichun code is quoted back.
const BEIYU_CODE = withCheck('91990102MA1234567');

// The particulars of issue 18 item 4 (the ten county codes and names of Yichun, its name, area code, filing prefix).
const YICHUN_PARTICULARS = new RegExp(['伊春', '0458', '伊云备', ...YICHUN.counties.flatMap((c) => [c.code, c.name])].join('|'), 'u');

const BEIYU: PolicyPack = {
  ...YICHUN,
  id: 'beiyu-2025-cloud',
  title: '北屿市工业企业上云补助办法',
  platformName: '北屿市工业企业上云补助平台',
  city: {
    name: '北屿市',
    shortName: '北屿',
    regionPrefix: '9901',
    miitBureau: '北屿市工业和信息化局',
    miitBureauShort: '市工信局',
    financeBureau: '北屿市财政局',
    financeBureauShort: '市财政局',
  },
  counties: [
    { code: '990102', name: '东港区' },
    { code: '990103', name: '西湾区' },
    { code: '990121', name: '南礁县' },
  ],
  contact: { clause: '五', department: '市工信局数字经济科', phone: '0999-6543210' },
  forms: {
    filingDeclaration: ['我公司自愿参与北屿市企业上云行动。', '我公司保证所提供材料真实。'],
    offersPledge: '我公司承诺对北屿市企业的优惠能够兑现。',
    filingConditions: ['服务北屿市工业企业的诚信云服务商', '云资源服务能力', '典型案例', '安全保障能力', '专业服务团队'],
  },
};

/** Every text the shared layer shows for a set of facts and forms, in one string to search. */
function everyText(): string {
  const failing = evaluateEligibility(
    factsWith({
      enterprise: {
        creditCode: BEIYU_CODE,
        registeredInYichun: false,
        alignedWithIndustrialPolicy: false,
        seriousFiscalViolationWithin5Years: true,
      },
      cloud: { providerFiledOn: null },
    }),
  );
  const draft = parseProviderFilingDraft({
    basic: { contact: { phone: '123' } },
    catalogue: [{ name: '云主机', priceFen: 100, unit: 'per_month', yichunPriceFen: -1 }],
  });
  const submit = validateForSubmit(
    { catalogue: [{ name: '云主机', description: 'x', priceFen: 100, unit: 'per_month', yichunPriceFen: 200 }] },
    [],
  );
  const profile = enterpriseProfileSchema.safeParse({ countyCode: '000000', contactPhone: 'x' });
  const declarations = declarationsSchema.safeParse({});
  const facts = parseEligibilityFacts(
    requestBody((b) => {
      const enterprise = b.enterprise as Record<string, unknown>;
      enterprise.creditCode = BEIYU_CODE;
      delete enterprise.registeredInYichun;
    }),
  );
  return JSON.stringify([
    RULES.map((r) => [r.label, r.hint]),
    WARNINGS.map((w) => w.label),
    failing,
    draft,
    submit,
    profile.error?.issues.map((i) => i.message),
    declarations.error?.issues.map((i) => i.message),
    facts,
    QUESTIONS,
    describeFlow(),
    FILING_CONDITIONS,
    FILING_MATERIALS,
    MATERIAL_NAMES,
    declarationText(),
    offersPledgeText(),
    applicationLabels('rejected'),
    packCounties(),
  ]);
}

let previous: PolicyPack;
const yichunTexts = everyText();
beforeAll(() => {
  previous = installPolicyPack(BEIYU);
});
afterAll(() => {
  installPolicyPack(previous);
});

describe('a pack installed after import is the one every shared text reads', () => {
  test('no Yichun particular in any text, list or message', () => {
    expect(YICHUN_PARTICULARS.test(yichunTexts)).toBe(true);
    const texts = everyText();
    expect(texts.match(YICHUN_PARTICULARS)).toBeNull();
    expect(texts).toContain('北屿市');
  });

  test('counties: the list, the checks and the names', () => {
    expect(packCounties().map((c) => c.code)).toEqual(['990102', '990103', '990121']);
    expect(packCounties().map((c) => c.name)).toEqual(['东港区', '西湾区', '南礁县']);
    expect(isCountyCode('990121')).toBe(true);
    expect(isCountyCode(YICHUN.counties[0].code)).toBe(false);
    expect(countyName('990102')).toBe('东港区');
    expect(grantLabel({ role: 'county_miit', countyCode: '990102' })).toBe('东港区工信部门');
    expect(countiesPhrase()).toBe('北屿市三个县（市）区');
    const profile = enterpriseProfileSchema.safeParse({ countyCode: YICHUN.counties[0].code });
    expect(profile.error?.issues.find((i) => i.path[0] === 'countyCode')?.message).toBe('请从北屿市三个县（市）区中选择');
  });

  test('the rules name the city, its region prefix and its contact', () => {
    const rule = (id: string) => RULES.find((r) => r.id === id)!;
    expect(rule('registered-in-yichun').label).toBe('在北屿市设立、登记、注册');
    expect(rule('industrial-policy').hint).toBe(
      '申报企业须符合国家和北屿市产业发展方向（细则二（一））。如不确定，请咨询市工信局数字经济科（0999-6543210）。',
    );
    // A code registered in the city's own region gives no warning; Yichun's does, naming the pack's city and prefix.
    const local = factsWith({ enterprise: { creditCode: BEIYU_CODE } });
    expect(evaluateEligibility(local).warnings.map((w) => w.rule)).not.toContain('credit-code-region');
    const warning = evaluateEligibility(passingFacts()).warnings.find((w) => w.rule === 'credit-code-region');
    expect(warning?.message).toContain('不在北屿市（9901）');
  });

  test('the verdict, the flow and its saved state carry the pack’s policy id', () => {
    const verdict = evaluateEligibility(passingFacts());
    expect(verdict.policy).toBe('beiyu-2025-cloud');
    expect(verdictSchema.safeParse(verdict).success).toBe(true);
    expect(verdictSchema.safeParse({ ...verdict, policy: YICHUN.id }).success).toBe(false);
    expect(describeFlow()).toMatchObject({
      policy: 'beiyu-2025-cloud',
      title: '北屿市工业企业上云补助办法',
      contact: { phone: '0999-6543210' },
    });
    const state = startFlow('2026-01-05');
    expect(state.policy).toBe(policyId());
    expect(restoreFlowState(state)).not.toBeNull();
    expect(restoreFlowState({ ...state, policy: YICHUN.id })).toBeNull();
    const stop = applyAnswer(state, false);
    expect(stop.ok && stop.step.kind === 'stopped' ? stop.step.stop.message : '').toContain('在北屿市设立、登记、注册');
  });

  test('the filing form: 声明, pledge, conditions and the materials’ names are the pack’s', () => {
    expect(declarationText()).toBe(BEIYU.forms.filingDeclaration);
    expect(offersPledgeText()).toBe('我公司承诺对北屿市企业的优惠能够兑现。');
    expect(FILING_CONDITIONS.map((c) => c.text)).toEqual(BEIYU.forms.filingConditions);
    expect(MATERIAL_NAMES.yichun_offers).toBe('针对北屿市企业的优惠政策');
    expect(materialName('yichun_offers')).toBe('针对北屿市企业的优惠政策');
    expect(fieldName('yichun_offers')).toBe('针对北屿市企业的优惠政策');
    expect(fieldName('materials.yichun_offers')).toBe('针对北屿市企业的优惠政策');
    expect(fieldName('materials.business_license')).toBe('企业营业执照复印件');
    expect(applicationLabels('rejected').next).toBe('如有疑问，请联系市工信局数字经济科 0999-6543210。');
  });
});

describe('putting Yichun back', () => {
  test('gives Yichun’s texts word for word', () => {
    const beiyu = installPolicyPack(previous);
    try {
      expect(everyText()).toBe(yichunTexts);
      expect(contactText()).toBe('市工信局信息化推进科（0458-3878126）');
      expect(countiesPhrase()).toBe('伊春市十个县（市）区');
      expect(packCounties()).toBe(YICHUN.counties);
    } finally {
      installPolicyPack(beiyu);
    }
  });
});

describe('helpers', () => {
  test.each([
    [1, '一'],
    [3, '三'],
    [10, '十'],
    [12, '十二'],
    [20, '二十'],
    [25, '二十五'],
    [99, '九十九'],
    [100, '100'],
    [0, '0'],
  ])('chineseCount(%p) = %p', (n, text) => {
    expect(chineseCount(n)).toBe(text);
  });
});
