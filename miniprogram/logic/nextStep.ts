/**
 * 首页 leads with what this person should do now (issue 17 item 3): the work waiting for the current role,
 * most pressing first, each with the one action that moves it on. Pure: the home page fetches, this decides.
 */
export interface NextTask {
  key: string;
  /** What to do, in one line: “退回待修改：请按意见修改后重新提交”. */
  title: string;
  /** Why, or what is still missing: the reasons of a return, the items a draft lacks. */
  lines: string[];
  /** The button’s words: the verb of the action (继续填写, 去修改, 去审核 …). */
  action: string;
  url: string;
  /** Something is late or sent back: shown with a warning word, not by colour alone. */
  urgent: boolean;
}

/** A few lines at most on the home page; the page behind the button has the rest. */
const MAX_LINES = 3;

/** `lines` within `max` lines, the last saying how many more; `lead`: lines that come first and count. */
function clip(lines: readonly string[], more: (n: number) => string, lead: readonly string[] = []): string[] {
  const max = MAX_LINES - lead.length;
  if (lines.length <= max) return [...lead, ...lines];
  return [...lead, ...lines.slice(0, max - 1), more(lines.length - (max - 1))];
}

export interface EnterpriseFacts {
  applications: readonly { id: string; trackingNo: string | null; status: string; statusLabel: string }[];
  /** Of the application the first task is about (a draft or a returned one), when it was read. */
  focus?: { id: string; missing: readonly { message: string }[]; reasons: readonly string[]; correctionDueOn?: string | null } | null;
  /** The round a draft would be submitted in (issue 18): the open one, else the next; null: none announced. */
  window?: { name: string; opensOn: string; closesOn: string; open: boolean } | null;
  /** Payment requests of the provider still to pay. */
  paymentsDue: number;
}

/** The enterprise: answer a return, else finish the draft, else follow the application; pay what is due. */
export function enterpriseTasks(f: EnterpriseFacts): NextTask[] {
  const tasks: NextTask[] = [];
  const returned = f.applications.find((a) => a.status === 'returned');
  const draft = f.applications.find((a) => a.status === 'draft');
  const focus = (id: string) => (f.focus && f.focus.id === id ? f.focus : null);
  if (returned) {
    const reasons = focus(returned.id)?.reasons ?? [];
    const due = focus(returned.id)?.correctionDueOn;
    tasks.push({
      key: 'returned',
      title: `申请${returned.trackingNo ? ` ${returned.trackingNo} ` : ''}被退回，请按意见修改后重新提交`,
      // Issue 18: after the correction's deadline a resubmission is refused: it comes first.
      lines: clip(
        reasons.length ? reasons : ['退回意见在申请详情里'],
        (n) => `还有 ${n} 条意见，点“去修改”查看`,
        due ? [`请在 ${due} 前重新提交，逾期不再受理`] : [],
      ),
      action: '去修改',
      url: `/pages/enterprise/application/application?id=${returned.id}`,
      urgent: true,
    });
  }
  if (draft) {
    // What the draft lacks is known only when it was read (not when a return took the first look).
    const read = focus(draft.id);
    const missing = (read?.missing ?? []).map((m) => m.message);
    tasks.push({
      key: 'draft',
      title: !read ? '继续填写申请' : missing.length ? `继续填写申请：还差 ${missing.length} 项` : '申请已填好，检查后即可提交',
      // Issue 18: a draft is submitted inside a round's window; it says when that closes (or opens).
      lines: clip(
        missing,
        (n) => `另有 ${n} 项，点“继续填写”查看`,
        f.window
          ? [
              f.window.open
                ? `${f.window.name}申报 ${f.window.closesOn} 截止，请在截止前提交`
                : `下一批（${f.window.name}）${f.window.opensOn} 至 ${f.window.closesOn} 申报，草稿可先保存`,
            ]
          : [],
      ),
      action: read && !missing.length ? '检查并提交' : '继续填写',
      url: `/pages/enterprise/apply/apply?id=${draft.id}`,
      urgent: false,
    });
  }
  if (f.paymentsDue > 0)
    tasks.push({
      key: 'payments',
      title: `服务商发来 ${f.paymentsDue} 笔付款请求待支付`,
      lines: ['用微信支付付款后，付款记录和凭证自动记入申请，平台已核验'],
      action: '去付款',
      url: '/pages/enterprise/payments/payments',
      urgent: false,
    });
  if (!returned && !draft) {
    const live = f.applications.find((a) => !['rejected', 'withdrawn', 'disbursed'].includes(a.status));
    if (live)
      tasks.push({
        key: 'progress',
        title: `申请${live.trackingNo ? ` ${live.trackingNo}` : ''}：${live.statusLabel}`,
        lines: ['现在无需操作；有进展时会通知您'],
        action: '查看进度',
        url: `/pages/enterprise/application/application?id=${live.id}`,
        urgent: false,
      });
    else
      tasks.push({
        key: 'start',
        title: '开始申请上云补助',
        lines: ['准备好云服务合同、付款凭证、营业执照和上云情况总结'],
        action: '开始申请',
        url: '/pages/enterprise/index/index',
        urgent: false,
      });
  }
  return tasks;
}

export interface ProviderFacts {
  /** Applications naming the provider that wait for its confirmation (provider_check). */
  toConfirm: number;
  /** 兑付申请表 generated and not yet signed (stamped scan uploaded). */
  unsignedForms: readonly { id: string; totalText: string; count: number }[];
  /** Applications whose figures changed since their signed 兑付申请表, or that no form lists yet. */
  needingNewForm: number;
  /** The provider's filing, when it is not approved yet. */
  filing?: { statusLabel: string; approved: boolean } | null;
}

export function providerTasks(f: ProviderFacts): NextTask[] {
  const tasks: NextTask[] = [];
  if (f.filing && !f.filing.approved)
    tasks.push({
      key: 'filing',
      title: `备案：${f.filing.statusLabel}`,
      lines: ['备案通过后，企业才能在申请中选择您'],
      action: '查看备案',
      url: '/pages/provider/filing/filing',
      urgent: false,
    });
  if (f.toConfirm > 0)
    tasks.push({
      key: 'confirm',
      title: `${f.toConfirm} 份企业申请等您确认`,
      lines: ['核对合同和付款是否属实，写上云效果评价'],
      action: '去确认',
      url: '/pages/provider/index/index',
      urgent: true,
    });
  for (const form of f.unsignedForms.slice(0, 2))
    tasks.push({
      key: `sign-${form.id}`,
      title: '兑付申请表待盖章上传',
      lines: [`列 ${form.count} 家企业，申请补助合计 ${form.totalText}`, '下载 Word，打印盖章后拍照上传'],
      action: '去签章',
      url: '/pages/provider/settlement/settlement',
      urgent: true,
    });
  if (f.needingNewForm > 0)
    tasks.push({
      key: 'new-form',
      title: `${f.needingNewForm} 份申请需要新的兑付申请表`,
      lines: ['县里审核前要看到列有它们当前金额的已签章兑付申请表'],
      action: '生成兑付申请表',
      url: '/pages/provider/settlement/settlement',
      urgent: false,
    });
  return tasks;
}

export interface QueueFacts {
  /** The pile this role acts on: “待审核的申请”, “待拨付的申请”, “待审核的服务商备案”. */
  pile: string;
  waiting: number;
  /** How many of them are overdue (OVERDUE_DAYS), and whether there are more than the page read. */
  overdue: number;
  overdueMore: boolean;
  url: string;
  /** Where the overdue ones are listed alone, if the queue can. */
  overdueUrl?: string;
  /** A second pile: 待联合行文 (county), 服务商备案 (city MIIT). */
  second?: { title: string; count: number; url: string; action: string } | null;
}

export function reviewerTasks(f: QueueFacts): NextTask[] {
  const tasks: NextTask[] = [];
  const late = f.overdue > 0;
  tasks.push(
    f.waiting > 0
      ? {
          key: 'queue',
          title: `${f.pile} ${f.waiting} 件`,
          lines: [late ? `其中 ${f.overdue}${f.overdueMore ? ' 件以上' : ' 件'}已超期，请先办理` : '没有超期的'],
          action: late && f.overdueUrl ? '先办超期的' : '去办理',
          url: late && f.overdueUrl ? f.overdueUrl : f.url,
          urgent: late,
        }
      : {
          key: 'queue',
          title: `目前没有${f.pile}`,
          lines: ['有新的待办时，会在消息里通知您'],
          action: '打开待办列表',
          url: f.url,
          urgent: false,
        },
  );
  if (f.second && f.second.count > 0)
    tasks.push({
      key: 'second',
      title: `${f.second.title} ${f.second.count} 件`,
      lines: [],
      action: f.second.action,
      url: f.second.url,
      urgent: false,
    });
  return tasks;
}

/** Before any role: try the self-check first, then register. */
export const VISITOR_TASKS: readonly NextTask[] = [
  {
    key: 'check',
    title: '先测一测：能不能申报，大约能补多少',
    lines: ['逐题回答，约 3 分钟；不用登记，也不会提交'],
    action: '开始自测',
    url: '/pages/enterprise/check/check',
    urgent: false,
  },
];
