import {
  APPLICATION_EVENT_NAMES,
  cite,
  eventName,
  fieldName,
  formatWanYuan,
  formatYuan,
  materialName,
  plainProblems,
  reasonLine,
  statusName,
} from '../../../shared/src/glossary';
import { APPLICATION_MATERIALS } from '../../../shared/src/contracts/application';
import { applicationMachine } from '../../../shared/src/workflow/application';

describe('the glossary (issue 14 item 8, issue 17 item 4)', () => {
  test.each([
    [10_000_000, '100,000.00 元'],
    [7_500_001, '75,000.01 元'],
    [1, '0.01 元'],
    [0, '0.00 元'],
    [-100, '-1.00 元'],
  ])('formatYuan(%i) → %s', (fen, text) => {
    expect(formatYuan(fen)).toBe(text);
    expect(plainProblems(text)).toEqual([]);
  });

  test('万元 keeps at most two decimals', () => {
    expect(formatWanYuan(1_234_567)).toBe('1.23 万元');
    expect(plainProblems('1.23 万元')).toEqual([]);
    expect(plainProblems('1.234567 万元')).toEqual([{ kind: 'amount', token: '1.234567 万元' }]);
  });

  test('what a person must never read is found', () => {
    expect(plainProblems('【verifiedFen】合同中含硬件采购')).toEqual([{ kind: 'code', token: 'verifiedFen' }]);
    expect(plainProblems('材料 summary_evaluation 缺失')).toEqual([{ kind: 'code', token: 'summary_evaluation' }]);
    expect(plainProblems('申请 01ARZ3NDEKTSV4RRFFQ69G5FAV')).toEqual([{ kind: 'id', token: '01ARZ3NDEKTSV4RRFFQ69G5FAV' }]);
    for (const bad of ['补助120000元', '补助 120000.00 元', '1,234.5 元', '100,000.00元'])
      expect(plainProblems(bad).map((p) => p.kind)).toEqual(['amount']);
    expect(plainProblems('单户企业最高不超过10万元；申报编号 YC2026872171；PDF 文件')).toEqual([]);
  });

  test('codes read by their Chinese names; words a reviewer typed pass as they are', () => {
    expect(fieldName('verifiedFen')).toBe('核定金额');
    expect(fieldName('contract.amountFen')).toBe('合同金额');
    expect(fieldName('payments.1.paidOn')).toBe('付款日期');
    expect(fieldName('materials.summary_evaluation')).toBe('上云企业上云情况总结与评价');
    expect(fieldName('收款账户')).toBe('收款账户');
    expect(fieldName('someUnknownField')).toBeNull();
    expect(materialName('summary_evaluation')).toBe('上云企业上云情况总结与评价');
    for (const m of APPLICATION_MATERIALS) expect(materialName(m.kind)).toBe(m.label);
    expect(reasonLine({ path: 'verifiedFen', message: ' 合同中含硬件采购 ' })).toBe('【核定金额】合同中含硬件采购');
    expect(reasonLine({ material: 'summary_evaluation', field: 'mysteryField', message: '请补充' })).toBe(
      '【上云企业上云情况总结与评价】请补充',
    );
    expect(reasonLine({ message: '请补充' })).toBe('请补充');
  });

  test('every event of the application machine has a name; an unknown one never reads as its code', () => {
    const machineEvents = new Set(Object.values(applicationMachine.states).flatMap((s) => Object.keys((s as { on?: object }).on ?? {})));
    for (const e of machineEvents) expect([e, APPLICATION_EVENT_NAMES[e]]).toEqual([e, expect.any(String)]);
    expect(eventName('something_new')).toBe('办理记录');
    expect(statusName('county_review')).toBe('县里正在审核');
    expect(statusName('bogus')).toBe('办理中');
    for (const name of Object.values(APPLICATION_EVENT_NAMES)) expect(plainProblems(name)).toEqual([]);
  });

  test('a clause is cited as the seed numbers it, never a bare item (issue 14 item 10)', () => {
    expect(cite('二（四）')).toBe('细则二（四）');
    expect(cite('三（三）4')).toBe('细则三（三）4');
    expect(() => cite('（四）')).toThrow(RangeError);
    expect(() => cite('4')).toThrow(RangeError);
  });
});
