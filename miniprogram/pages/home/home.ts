/**
 * 首页: first what this person should do now (logic/nextStep.ts: a return to answer with its reasons, the
 * draft and what it lacks, a 兑付申请表 to sign, the reviewer's queue and its overdue cases), then the work
 * of the current role one tap away, the policy in one line with its conditions behind one tap, the
 * bureau's phone. A person with several roles switches role here; the tasks and entries follow.
 */
import { page } from '../../services/page';
import * as api from '../../services/api';
import { refreshUser } from '../../services/account';
import { settleAll, makePhoneCall, navigateTo, setNavigationBarTitle, stopPullDownRefresh } from '../../services/wxp';
import { activeRole, getUser, setActiveRole } from '../../services/session';
import { formatFen } from '../../logic/money';
import { homeEntries, roleLabel, type HomeEntry } from '../../logic/roles';
import { summarize } from '../../logic/payments';
import { VISITOR_TASKS, enterpriseTasks, providerTasks, reviewerTasks, type NextTask } from '../../logic/nextStep';
import { isOverdue } from '../../shared/workflow/overdue';
import { policyPack } from '../../shared/pack/active';
import type { Role } from '../../shared/contracts/roles';
import type { CurrentRound, PublicUser } from '../../shared/contracts/responses';

/** 二（一）–（六） and 三（一）, in plain words; the city and its bureau as the installed pack names them. */
const conditions = (): { clause: string; text: string }[] => [
  { clause: '二（一）', text: `在${policyPack().city.name}设立、登记、注册，具有独立法人资格，符合国家和我市产业发展方向的工业企业` },
  { clause: '二（二）', text: '成立满1年，正常经营、管理规范，没有不良信用记录' },
  { clause: '二（三）', text: '近5年内没有财政资金方面的严重违法违规' },
  { clause: '二（四）', text: '首次购买、使用云计算服务或产品，并已实际付款' },
  { clause: '二（五）', text: '没有失信行为' },
  { clause: '二（六）', text: '每户企业只能申领一次' },
  { clause: '三（一）', text: `云服务商须在签订合同前已在${policyPack().city.miitBureauShort}备案` },
];

interface RoleChip {
  role: Role;
  label: string;
  active: boolean;
}

function chips(user: PublicUser | null, role: Role | null): RoleChip[] {
  return (user?.roles ?? []).map((r) => ({ role: r, label: roleLabel(r, user?.scopes), active: r === role }));
}

const NO_ROUND: CurrentRound = { open: null, next: null };

/** `known`: the round the page has just read (load), so that it is not asked for twice; a role switch asks. */
async function enterpriseNow(known?: CurrentRound): Promise<NextTask[]> {
  const [applications, payments, round] = await Promise.all([
    api.myApplications(),
    api.payments({ scope: 'enterprise', limit: 100 }, { quiet: true }).catch(() => ({ payments: [] })),
    known ?? api.currentRound().catch(() => NO_ROUND),
  ]);
  const w = round.open ?? round.next;
  const window = w ? { name: w.name, opensOn: w.opensOn, closesOn: w.closesOn, open: round.open !== null } : null;
  const items = applications.items;
  const first = items.find((a) => a.status === 'returned') ?? items.find((a) => a.status === 'draft');
  let focus = null;
  if (first) {
    const { application, missing } = await api.application(first.id);
    // The reasons of the latest return, as the reviewer wrote them; a provider's dispute is its lastReason.
    const round = Math.max(0, ...application.opinions.map((o) => o.round));
    const reasons = application.opinions
      .filter((o) => o.decision === 'return' && o.round === round)
      .flatMap((o) => (o.reasons ?? []).map((r) => r.message));
    focus = {
      id: first.id,
      missing,
      reasons: reasons.length ? reasons : application.lastReason ? [application.lastReason] : [],
      correctionDueOn: application.correctionDueOn,
    };
  }
  const paymentsDue = payments.payments.filter((p) => summarize(p).canPay).length;
  return enterpriseTasks({ applications: items, focus, paymentsDue, window });
}

async function providerNow(): Promise<NextTask[]> {
  const [mine, queue, forms] = await Promise.all([
    api.myFiling(),
    api.providerApplications({ status: 'provider_check' }),
    api.settlementForms(),
  ]);
  const unsigned = forms.items.filter((f) => f.status === 'generated');
  return providerTasks({
    filing: mine.filing ? { statusLabel: mine.filing.statusLabel, approved: mine.filing.status === 'approved' } : null,
    toConfirm: queue.counts['provider_check'] ?? 0,
    unsignedForms: unsigned.map((f) => ({ id: f.id, totalText: formatFen(f.totalAppliedFen), count: f.items.length })),
    needingNewForm: forms.needingNewForm.length,
  });
}

async function reviewerNow(role: Role): Promise<NextTask[]> {
  const QUEUE = '/pages/review/queue/queue';
  if (role === 'county_miit' || role === 'county_finance') {
    // The counts do not follow the overdue filter: one call gives both.
    const page = await api.countyQueue({ status: 'county_review', overdue: '1', limit: 50 });
    return reviewerTasks({
      pile: '待审核的申请',
      waiting: page.counts['county_review'] ?? 0,
      overdue: page.items.length,
      overdueMore: !!page.next,
      url: QUEUE,
      overdueUrl: `${QUEUE}?overdue=1`,
      second: {
        title: '两部门都已同意、待联合行文',
        count: page.counts['county_approved'] ?? 0,
        url: '/pages/review/reports/reports',
        action: '去联合行文',
      },
    });
  }
  if (role === 'city_miit' || role === 'city_finance') {
    const miit = role === 'city_miit';
    const status = miit ? 'reported' : 'approved';
    const [page, filings] = await Promise.all([
      api.cityQueue({ status, limit: 50 }),
      miit ? api.filingQueue({ status: 'submitted' }) : null,
    ]);
    const now = Date.now();
    return reviewerTasks({
      pile: miit ? '待审核的申请' : '待拨付的申请',
      waiting: page.counts[status] ?? 0,
      overdue: page.items.filter((a) => isOverdue(a.status, a.updatedAt, now)).length,
      overdueMore: !!page.next,
      url: QUEUE,
      second: filings
        ? { title: '服务商备案待审核', count: filings.counts['submitted'] ?? 0, url: `${QUEUE}?tab=filings`, action: '审核备案' }
        : null,
    });
  }
  const filings = await api.filingQueue({ status: 'submitted' });
  return reviewerTasks({
    pile: '待审核的服务商备案',
    waiting: filings.counts['submitted'] ?? 0,
    overdue: 0,
    overdueMore: false,
    url: `${QUEUE}?tab=filings`,
  });
}

function tasksFor(role: Role | null, round?: CurrentRound): Promise<NextTask[]> {
  if (!role) return Promise.resolve([...VISITOR_TASKS]);
  if (role === 'enterprise') return enterpriseNow(round);
  if (role === 'provider') return providerNow();
  return reviewerNow(role);
}

Component(
  page({
    data: {
      title: '上云补助',
      policyTitle: policyPack().title,
      paysText: '',
      capText: '',
      roundText: '',
      effectiveFrom: '',
      contact: { department: policyPack().contact.department, phone: policyPack().contact.phone },
      conditions: conditions(),
      conditionsOpen: false,
      tasks: [...VISITOR_TASKS] as NextTask[],
      tasksLoaded: false,
      roles: [] as RoleChip[],
      entries: homeEntries(null) as HomeEntry[],
      activeRole: '' as Role | '',
    },
    methods: {
      onLoad() {
        // home.json can only hold a fixed, city-free title (上云补助); the city's own is the pack's.
        setNavigationBarTitle(`${policyPack().city.name}工业企业上云补助`);
        this.showRole(getUser(), activeRole());
        return this.load();
      },
      onShow() {
        // Back from 我的 (a role redeemed, a switch made): the entries follow.
        this.showRole(getUser(), activeRole());
      },
      async onPullDownRefresh() {
        await this.load();
        stopPullDownRefresh();
      },
      async load() {
        const [policy, me, round] = await settleAll([api.policy(), refreshUser(), api.currentRound()] as const);
        if (round.ok) {
          // Issue 18: the open round and its deadline, or the next window.
          const { open, next } = round.value;
          this.setData({
            roundText: open
              ? `${open.name}受理中：${open.opensOn} 至 ${open.closesOn}，请在 ${open.closesOn} 前提交`
              : next
                ? `现在不在申报时间内，下一批（${next.name}）：${next.opensOn} 至 ${next.closesOn}`
                : '现在不在申报时间内，草稿可以先保存',
          });
        }
        if (policy.ok) {
          const p = policy.value;
          this.setData({
            title: '上云补助',
            policyTitle: p.title,
            paysText: `按云服务合同金额的 ${p.ratePercent ?? 50}% 给予补助`,
            capText: formatFen(p.capFen),
            effectiveFrom: p.effectiveFrom,
            contact: p.contact,
          });
        }
        if (me.ok) this.showRole(me.value.user, me.value.role);
        await this.loadTasks(me.ok ? me.value.role : activeRole(), round.ok ? round.value : undefined);
      },
      showRole(user: PublicUser | null, role: Role | null) {
        this.setData({ roles: chips(user, role), entries: [...homeEntries(role)], activeRole: role ?? '' });
      },
      /** What waits for this role now; a lookup that fails leaves the entries below to do the work. */
      async loadTasks(role: Role | null, round?: CurrentRound) {
        const tasks = await tasksFor(role, round).catch(() => null);
        this.setData({ tasks: tasks ?? [], tasksLoaded: true });
      },
      async onSwitchRole(e: WechatMiniprogram.BaseEvent) {
        const role = String(e.currentTarget.dataset.role) as Role;
        setActiveRole(role);
        this.showRole(getUser(), activeRole());
        await this.loadTasks(activeRole());
      },
      onTask(e: WechatMiniprogram.BaseEvent) {
        navigateTo(String(e.currentTarget.dataset.url));
      },
      onConditions() {
        this.setData({ conditionsOpen: !this.data.conditionsOpen });
      },
      onEntry(e: WechatMiniprogram.BaseEvent) {
        navigateTo(String(e.currentTarget.dataset.url));
      },
      onCall() {
        makePhoneCall(this.data.contact.phone);
      },
    },
  }),
);
