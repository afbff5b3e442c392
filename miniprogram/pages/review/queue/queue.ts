/**
 * 待审: the reviewer's queue by stage, each tab with the count the server gives and the oldest first;
 * cases past their stage's limit marked 超期 (OVERDUE_DAYS). County reviewers see their county, the city
 * its stages, city MIIT also the provider filings (?tab=filings).
 */
import { page } from '../../../services/page';
import * as api from '../../../services/api';
import { refreshUser } from '../../../services/account';
import { activeRole } from '../../../services/session';
import { queueKind, queueTabs, type QueueKind, type QueueTab } from '../../../logic/queue';
import { formatFen } from '../../../logic/money';
import { formatDay } from '../../../logic/format';
import { isOverdue, waitingDays } from '../../../shared/workflow/overdue';
import { navigateTo, stopPullDownRefresh } from '../../../services/wxp';

interface Item {
  id: string;
  title: string;
  sub: string;
  note: string;
  overdue: boolean;
  waitingDays: number;
  url: string;
}

const OPINION: Record<string, string> = { approve: '同意', return: '退回', reject: '不予补助' };

Component(
  page({
    data: {
      kind: '' as QueueKind | '',
      tab: '',
      tabs: [] as QueueTab[],
      items: [] as Item[],
      next: '',
      q: '',
      overdueOnly: false,
      loaded: false,
      requested: '',
    },
    methods: {
      onLoad(query: Record<string, string | undefined>) {
        // 首页's “先审超期的” opens the county queue on its overdue cases.
        this.setData({ requested: query.tab ?? '', overdueOnly: query.overdue === '1' });
      },
      async onShow() {
        const { role } = await refreshUser().catch(() => ({ role: activeRole() }));
        const kind = queueKind(role, this.data.requested);
        if (!kind) {
          this.setData({ kind: '', loaded: true });
          return;
        }
        const first = queueTabs(kind, {})[0];
        this.setData({ kind, tab: this.data.kind === kind && this.data.tab ? this.data.tab : first.key });
        await this.load(false);
      },
      async onPullDownRefresh() {
        await this.load(false);
        stopPullDownRefresh();
      },
      async load(more: boolean) {
        const kind = this.data.kind;
        if (!kind) return;
        const status = queueTabs(kind, {}).find((t) => t.key === this.data.tab)?.status ?? '';
        const after = more ? this.data.next : undefined;
        const q = this.data.q.trim() || undefined;
        let items: Item[] = [];
        let counts: Record<string, number> = {};
        let next: string | null = null;
        if (kind === 'county') {
          const page = await api.countyQueue({ status, q, after, overdue: this.data.overdueOnly ? '1' : undefined });
          const mine = (o: string | null, who: string) => (o ? `${who}：${OPINION[o] ?? o}` : '');
          items = page.items.map((a) => ({
            id: a.id,
            title: a.enterpriseName,
            sub: `${a.trackingNo ?? ''} · 合同 ${formatFen(a.contractAmountFen)} · 申请 ${formatFen(a.subsidyFen)}`,
            note: [a.statusLabel, mine(a.myOpinion, '本部门'), mine(a.otherOpinion, '另一部门'), `已等 ${a.waitingDays} 天`]
              .filter(Boolean)
              .join(' · '),
            overdue: a.overdue,
            waitingDays: a.waitingDays,
            url: `/pages/review/application/application?id=${a.id}`,
          }));
          counts = page.counts;
          next = page.next;
        } else if (kind === 'city') {
          const page = await api.cityQueue({ status, q, after });
          const now = Date.now();
          items = page.items.map((a) => ({
            id: a.id,
            title: a.enterprise.name,
            sub: `${a.trackingNo ?? ''} · ${a.countyName ?? ''} · 申请 ${formatFen(a.subsidyFen)}${a.verifiedFen !== null ? ` · 核定 ${formatFen(a.verifiedFen)}` : ''}`,
            note: `${a.statusLabel} · ${formatDay(a.updatedAt)}`,
            overdue: isOverdue(a.status, a.updatedAt, now),
            waitingDays: waitingDays(a.updatedAt, now),
            url: `/pages/review/application/application?id=${a.id}`,
          }));
          counts = page.counts;
          next = page.next;
        } else {
          const page = await api.filingQueue({ status, after });
          items = page.items.map((f) => ({
            id: f.id,
            title: f.companyName || '（未填企业名称）',
            sub: `${f.platformName ?? ''}${f.filingNo ? ` · ${f.filingNo}` : ''}`,
            note: `${f.statusLabel} · ${formatDay(f.updatedAt)}`,
            overdue: false,
            waitingDays: 0,
            url: `/pages/review/filing/filing?id=${f.id}`,
          }));
          counts = page.counts;
          next = page.next;
        }
        this.setData({
          items: more ? [...this.data.items, ...items] : items,
          tabs: queueTabs(kind, counts),
          next: next ?? '',
          loaded: true,
        });
      },
      onTab(e: WechatMiniprogram.BaseEvent) {
        this.setData({ tab: String(e.currentTarget.dataset.key), items: [] });
        return this.load(false);
      },
      onQuery(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        this.setData({ q: e.detail.value });
      },
      onSearch() {
        return this.load(false);
      },
      onOverdueOnly(e: WechatMiniprogram.CustomEvent<{ value: boolean }>) {
        this.setData({ overdueOnly: e.detail.value });
        return this.load(false);
      },
      onMore() {
        return this.load(true);
      },
      onReachBottom() {
        return this.data.next ? this.load(true) : Promise.resolve();
      },
      onOpen(e: WechatMiniprogram.BaseEvent) {
        navigateTo(String(e.currentTarget.dataset.url));
      },
    },
  }),
);
