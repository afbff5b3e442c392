/**
 * 服务商工作台: the filing's state at a glance, and the applications that name this provider — those
 * waiting for its confirmation first (DESIGN.md: a confirmation request when an application names them).
 */
import { page } from '../../../services/page';
import * as api from '../../../services/api';
import { formatFen } from '../../../logic/money';
import type { ProviderApplicationItem } from '../../../shared/contracts/responses';
import { navigateTo, stopPullDownRefresh } from '../../../services/wxp';
import { policyPack } from '../../../shared/pack/active';

const TABS = [
  { key: 'provider_check', title: '待确认', status: 'provider_check' },
  { key: 'confirmed', title: '已确认', status: 'county_review,county_approved,reported,city_approved,listed,approved,disbursed' },
  { key: 'other', title: '退回/结束', status: 'returned,rejected,withdrawn' },
];

interface Row {
  id: string;
  enterpriseName: string;
  trackingNo: string;
  countyName: string;
  contractText: string;
  statusLabel: string;
}

const row = (a: ProviderApplicationItem): Row => ({
  id: a.id,
  enterpriseName: a.enterpriseName,
  trackingNo: a.trackingNo ?? '',
  countyName: a.countyName,
  contractText: formatFen(a.contractAmountFen),
  statusLabel: a.statusLabel,
});

Component(
  page({
    data: {
      cityShort: policyPack().city.shortName,
      filing: { title: '云服务商备案', status: '尚未申报', action: '去申报', id: '' },
      tab: 'provider_check',
      tabs: TABS.map((t) => ({ key: t.key, title: t.title, count: 0 })),
      items: [] as Row[],
    },
    methods: {
      onShow() {
        return this.load();
      },
      async onPullDownRefresh() {
        await this.load();
        stopPullDownRefresh();
      },
      async load() {
        const [mine] = await Promise.all([api.myFiling(), this.loadQueue()]);
        const f = mine.filing;
        this.setData({
          filing: f
            ? {
                title: f.companyName || '云服务商备案',
                status: `${f.applicantLabel}${f.filingNo ? `\n备案编号 ${f.filingNo}，备案日期 ${f.approvedOn}` : ''}${mine.missing.length ? `\n还有 ${mine.missing.length} 处需要补充` : ''}`,
                action: f.status === 'draft' || f.status === 'returned' ? '继续填写' : '查看',
                id: f.id,
              }
            : { title: '云服务商备案', status: '尚未申报', action: '去申报', id: '' },
        });
      },
      async loadQueue() {
        const spec = TABS.find((t) => t.key === this.data.tab) ?? TABS[0];
        const page = await api.providerApplications({ status: spec.status });
        const count = (statuses: string) => statuses.split(',').reduce((n, s) => n + (page.counts[s] ?? 0), 0);
        this.setData({ items: page.items.map(row), tabs: TABS.map((t) => ({ key: t.key, title: t.title, count: count(t.status) })) });
      },
      onTab(e: WechatMiniprogram.BaseEvent) {
        this.setData({ tab: String(e.currentTarget.dataset.key) });
        return this.loadQueue();
      },
      onOpen(e: WechatMiniprogram.BaseEvent) {
        navigateTo(`/pages/provider/confirm/confirm?id=${String(e.currentTarget.dataset.id)}`);
      },
      onFiling() {
        navigateTo(`/pages/provider/filing/filing${this.data.filing.id ? `?id=${this.data.filing.id}` : ''}`);
      },
      onNav(e: WechatMiniprogram.BaseEvent) {
        navigateTo(String(e.currentTarget.dataset.url));
      },
    },
  }),
);
