/** 首页's next step (issue 17 item 3), decided from what the server said: most pressing first, each with its one action. */
import { enterpriseTasks, providerTasks, reviewerTasks, VISITOR_TASKS } from '../../../miniprogram/logic/nextStep';

const app = (id: string, status: string, trackingNo: string | null = null) => ({ id, status, trackingNo, statusLabel: `状态${status}` });

test('a visitor starts with the self-check', () => {
  expect(VISITOR_TASKS.map((t) => t.url)).toEqual(['/pages/enterprise/check/check']);
});

test('an enterprise: a return before the draft, reasons and missing items clipped to three lines', () => {
  const tasks = enterpriseTasks({
    applications: [app('d1', 'draft'), app('r1', 'returned', 'YC1')],
    focus: { id: 'r1', missing: [], reasons: ['一', '二', '三', '四'] },
    paymentsDue: 2,
  });
  expect(tasks.map((t) => t.key)).toEqual(['returned', 'draft', 'payments']);
  expect(tasks[0]).toMatchObject({ urgent: true, action: '去修改', url: '/pages/enterprise/application/application?id=r1' });
  expect(tasks[0].lines).toEqual(['一', '二', '还有 2 条意见，点“去修改”查看']);
  // The draft was not read this time: it still says where to go, without inventing what is missing.
  expect(tasks[1]).toMatchObject({ title: '继续填写申请', lines: [], action: '继续填写', url: '/pages/enterprise/apply/apply?id=d1' });
  // Read and complete: ready to check and submit.
  const ready = enterpriseTasks({ applications: [app('d1', 'draft')], focus: { id: 'd1', missing: [], reasons: [] }, paymentsDue: 0 });
  expect(ready[0]).toMatchObject({ title: '申请已填好，检查后即可提交', action: '检查并提交' });
  expect(tasks[2].title).toBe('服务商发来 2 笔付款请求待支付');
});

test('issue 18: a draft says when its round’s window closes (or the next opens); a return by when to correct', () => {
  const open = { name: '2026年第2批', opensOn: '2026-03-01', closesOn: '2026-03-31', open: true };
  const draft = enterpriseTasks({
    applications: [app('d1', 'draft')],
    focus: { id: 'd1', missing: [{ message: '缺营业执照' }], reasons: [] },
    paymentsDue: 0,
    window: open,
  });
  expect(draft[0].lines).toEqual(['2026年第2批申报 2026-03-31 截止，请在截止前提交', '缺营业执照']);
  const later = enterpriseTasks({ applications: [app('d1', 'draft')], paymentsDue: 0, window: { ...open, open: false } });
  expect(later[0].lines).toEqual(['下一批（2026年第2批）2026-03-01 至 2026-03-31 申报，草稿可先保存']);
  expect(enterpriseTasks({ applications: [app('d1', 'draft')], paymentsDue: 0, window: null })[0].lines).toEqual([]);
  const returned = enterpriseTasks({
    applications: [app('r1', 'returned', 'YC1')],
    focus: { id: 'r1', missing: [], reasons: ['补对比数据'], correctionDueOn: '2026-04-10' },
    paymentsDue: 0,
  });
  expect(returned[0].lines).toEqual(['请在 2026-04-10 前重新提交，逾期不再受理', '补对比数据']);
});

test('an enterprise with nothing to do now follows its application, or starts one', () => {
  expect(enterpriseTasks({ applications: [app('a', 'county_review', 'YC2')], paymentsDue: 0 })).toEqual([
    expect.objectContaining({ key: 'progress', title: '申请 YC2：状态county_review', action: '查看进度', urgent: false }),
  ]);
  expect(enterpriseTasks({ applications: [app('a', 'rejected')], paymentsDue: 0 }).map((t) => t.key)).toEqual(['start']);
});

test('a provider: its filing, applications to confirm, 兑付申请表 to sign and to make', () => {
  const tasks = providerTasks({
    filing: { statusLabel: '审核中', approved: false },
    toConfirm: 3,
    unsignedForms: [{ id: 'f1', totalText: '150,000.00 元', count: 2 }],
    needingNewForm: 1,
  });
  expect(tasks.map((t) => t.key)).toEqual(['filing', 'confirm', 'sign-f1', 'new-form']);
  expect(tasks[2]).toMatchObject({ title: '兑付申请表待盖章上传', action: '去签章', urgent: true });
  expect(tasks[2].lines[0]).toBe('列 2 家企业，申请补助合计 150,000.00 元');
  expect(providerTasks({ filing: { statusLabel: '已备案', approved: true }, toConfirm: 0, unsignedForms: [], needingNewForm: 0 })).toEqual(
    [],
  );
});

test('a reviewer: the pile with its overdue cases first, a second pile, and an empty queue that says what happens', () => {
  const base = { pile: '待审核的申请', url: '/q', overdueUrl: '/q?overdue=1' };
  const [first, second] = reviewerTasks({
    ...base,
    waiting: 60,
    overdue: 50,
    overdueMore: true,
    second: { title: '待联合行文', count: 2, url: '/r', action: '去联合行文' },
  });
  expect(first).toMatchObject({
    title: '待审核的申请 60 件',
    lines: ['其中 50 件以上已超期，请先办理'],
    url: '/q?overdue=1',
    urgent: true,
  });
  expect(second).toMatchObject({ title: '待联合行文 2 件', url: '/r' });
  expect(reviewerTasks({ ...base, waiting: 4, overdue: 0, overdueMore: false })).toEqual([
    expect.objectContaining({ lines: ['没有超期的'], url: '/q', action: '去办理', urgent: false }),
  ]);
  expect(
    reviewerTasks({
      ...base,
      waiting: 0,
      overdue: 0,
      overdueMore: false,
      second: { title: '待联合行文', count: 0, url: '/r', action: 'x' },
    }),
  ).toEqual([expect.objectContaining({ title: '目前没有待审核的申请', lines: ['有新的待办时，会在消息里通知您'] })]);
});
