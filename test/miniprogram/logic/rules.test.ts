/** The small pure parts: the steps of the application, the review forms, roles, the timeline, the checks. */
import { missingMaterialKinds, stepOf, stepStatuses } from '../../../miniprogram/logic/missing';
import {
  cityOpinionProblem,
  countyOpinionProblem,
  filingDecisionProblem,
  meaningfulReasons,
  ratingLabel,
} from '../../../miniprogram/logic/review';
import { GUEST_ENTRIES, HOME_ENTRIES, homeEntries, roleLabel } from '../../../miniprogram/logic/roles';
import { fixList, timeline } from '../../../miniprogram/logic/timeline';
import { queueKind, queueTabs } from '../../../miniprogram/logic/queue';
import * as v from '../../../miniprogram/logic/validators';
import { formatTime } from '../../../miniprogram/logic/format';
import { ROLES } from '../../../miniprogram/shared/contracts/roles';
import type { ApplicationView } from '../../../miniprogram/shared/contracts/responses';

test('what the server finds missing is filed under the step that puts it right', () => {
  const missing = [
    { path: 'contract', message: '请填写合同信息' },
    { path: 'bank.accountName', message: '开户名称须为企业名称' },
    { path: 'materials.payment_receipts', message: '请上传收付款凭证' },
    { path: 'materials.service_contract', message: '请上传服务合同' },
    { path: 'enterprise.establishedOn', message: '请填写成立日期' },
  ];
  const steps = stepStatuses(missing);
  expect(steps.filter((s) => !s.done).map((s) => s.key)).toEqual(['profile', 'contract', 'bank', 'materials']);
  expect(steps.find((s) => s.key === 'materials')!.messages).toHaveLength(2);
  expect(missingMaterialKinds(missing)).toEqual(['payment_receipts', 'service_contract']);
  expect(stepOf('eligibility.first-purchase')).toBe('declarations');
});

describe('the county opinion form', () => {
  const ok = { decision: 'return' as const, effect: 3, service: 4, reasons: [{ target: '收付款凭证', message: '回单不清晰，请重新扫描' }] };
  test('a return or a reject without a reason is refused', () => {
    expect(countyOpinionProblem({ ...ok, reasons: [] })).toMatch(/退回或不予补助时，请逐条写明原因/);
    expect(countyOpinionProblem({ ...ok, reasons: [{ target: '', message: ' ' }] })).toMatch(/写明原因/);
    expect(countyOpinionProblem({ ...ok, decision: 'reject', reasons: [{ target: '', message: '好' }] })).toMatch(/写明原因/);
    expect(countyOpinionProblem(ok)).toBeNull();
  });
  test('a return or a reject asks for no ratings: they go with an approval only (issue 14 item 10)', () => {
    expect(countyOpinionProblem({ ...ok, effect: 0, service: 0 })).toBeNull();
    expect(countyOpinionProblem({ ...ok, decision: 'reject', effect: 0, service: 0 })).toBeNull();
    expect(countyOpinionProblem({ ...ok, decision: 'approve', effect: 0, service: 0 })).toMatch(/评分/);
  });
  test('an approval needs no reason but both ratings', () => {
    expect(countyOpinionProblem({ ...ok, decision: 'approve', reasons: [] })).toBeNull();
    expect(countyOpinionProblem({ ...ok, decision: 'approve', effect: 0 })).toMatch(/评分/);
    expect(countyOpinionProblem({ ...ok, decision: '' })).toMatch(/审核结论/);
  });
  test('only reasons that say something are sent', () => {
    expect(
      meaningfulReasons([
        { target: ' 合同信息 ', message: ' 合同编号有误 ' },
        { target: '', message: '' },
      ]),
    ).toEqual([{ target: '合同信息', message: '合同编号有误' }]);
    expect(ratingLabel(5)).toBe('优秀');
    expect(ratingLabel(0)).toBe('未评分');
  });
});

test('the city’s verified amount is never above the payable amount, and a lower one says why', () => {
  const base = { decision: 'approve' as const, payableFen: 7_500_000, verifiedReason: '', reasons: [] };
  expect(cityOpinionProblem({ ...base, verifiedFen: 7_500_000 })).toBeNull();
  expect(cityOpinionProblem({ ...base, verifiedFen: 7_500_001 })).toMatch(/不能高于/);
  expect(cityOpinionProblem({ ...base, verifiedFen: 7_000_000 })).toMatch(/核减原因/);
  expect(cityOpinionProblem({ ...base, verifiedFen: 7_000_000, verifiedReason: '含硬件' })).toBeNull();
  expect(cityOpinionProblem({ ...base, decision: 'return', verifiedFen: null })).toMatch(/写明原因/);
  expect(filingDecisionProblem('approve', [1, 2, 3, 4], '')).toMatch(/五项条件/);
  expect(filingDecisionProblem('approve', [1, 2, 3, 4, 5], '')).toBeNull();
  expect(filingDecisionProblem('return', [], '案例')).toBeNull();
  expect(filingDecisionProblem('reject', [], '')).toMatch(/写明原因/);
});

test('every role has a home page of its own, and a visitor the ways in', () => {
  for (const role of ROLES) expect(HOME_ENTRIES[role].length).toBeGreaterThan(0);
  expect(homeEntries(null)).toBe(GUEST_ENTRIES);
  expect(homeEntries('enterprise').map((e) => e.title)).toContain('我的申报');
  expect(homeEntries('provider').map((e) => e.title)).toContain('备案申报');
  expect(roleLabel('county_miit', [{ role: 'county_miit', countyCode: '230781' }])).toBe('县（市）区工信部门 · 铁力市');
  expect(queueKind('county_finance')).toBe('county');
  expect(queueKind('city_miit', 'filings')).toBe('filings');
  expect(queueKind('enterprise')).toBeNull();
  expect(queueTabs('county', { county_review: 3 })[0]).toEqual({
    key: 'county_review',
    title: '待审核',
    status: 'county_review',
    count: 3,
  });
});

test('after a return, exactly what to fix, from the opinion that returned it', () => {
  const app: Pick<ApplicationView, 'status' | 'returnedFrom' | 'opinions' | 'lastReason'> = {
    status: 'returned',
    returnedFrom: 'county',
    lastReason: '【收付款凭证】回单不清晰',
    opinions: [
      { level: 'county', department: 'miit', decision: 'approve', reasons: [], round: 1, at: 1 },
      {
        level: 'county',
        department: 'finance',
        decision: 'return',
        reasons: [
          { material: '收付款凭证', message: '回单不清晰，请重新扫描' },
          { field: '收款账户', message: '开户名称与企业名称不一致' },
        ],
        round: 1,
        at: 2,
      },
    ],
  };
  expect(fixList(app)).toEqual([
    { where: '收付款凭证', message: '回单不清晰，请重新扫描' },
    { where: '收款账户', message: '开户名称与企业名称不一致' },
  ]);
  expect(fixList({ ...app, returnedFrom: 'provider', opinions: [], lastReason: '合同金额与实际不符' })).toEqual([
    { where: '云服务商的意见', message: '合同金额与实际不符' },
  ]);
  expect(fixList({ ...app, status: 'county_review' })).toEqual([]);
});

test('the timeline leaves drafting out and puts the latest step first, in Beijing time', () => {
  const items = timeline([
    { seq: 1, event: 'create', from: 'draft', to: 'draft', toLabel: '尚未提交', reason: null, at: Date.UTC(2024, 5, 1, 2, 0) },
    { seq: 2, event: 'edit', from: 'draft', to: 'draft', toLabel: '尚未提交', reason: null, at: Date.UTC(2024, 5, 1, 3, 0) },
    {
      seq: 3,
      event: 'submit',
      from: 'draft',
      to: 'provider_check',
      toLabel: '等待云服务商确认合同和付款',
      reason: null,
      at: Date.UTC(2024, 5, 1, 16, 30),
    },
  ]);
  expect(items.map((i) => i.title)).toEqual(['提交申请', '开始填写申请']);
  expect(items[0]).toMatchObject({ current: true, time: '2024-06-02 00:30' });
  expect(formatTime(Date.UTC(2024, 11, 31, 16, 0))).toBe('2025-01-01 00:00');
});

test('checks as one types', () => {
  expect(v.creditCode('91230717MA1B2C3DX0')).toMatch(/校验不通过|有效字符/);
  expect(v.contactPhone('0458-3878126')).toBeNull();
  expect(v.contactPhone('3878126')).toMatch(/联系电话/);
  expect(v.bankAccountNo('6222 0212 3456 7890')).toBeNull();
  expect(v.bankAccountNo('12-34')).toMatch(/8–32/);
  expect(v.maxChars('简介', 3)('四个字了')).toBe('“简介”不能超过3字，目前4字，请精简');
  expect(v.firstProblem('', [v.required('企业名称')])).toBe('请填写企业名称');
});
