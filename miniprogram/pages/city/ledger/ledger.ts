/**
 * 拨付台账 (三（五）): every payment, correction and returned payment, never edited, only added to; the
 * totals cover every entry the filter selects. Recording a payment is on the application's page.
 */
import { page } from '../../../services/page';
import { refreshUser } from '../../../services/account';
import * as api from '../../../services/api';
import { openGenerated } from '../../../services/preview';
import { formatFen } from '../../../logic/money';
import { policyPack } from '../../../shared/pack/active';
import type { LedgerPage } from '../../../shared/contracts/responses';
import { navigateTo, stopPullDownRefresh } from '../../../services/wxp';

/** 全市, then the installed pack's counties (read when the page opens, issue 18 item 4). */
const countyChoices = (): { code: string; name: string }[] => [
  { code: '', name: '全市' },
  ...policyPack().counties.map((c) => ({ code: c.code, name: c.name })),
];
const KIND: Record<string, string> = { payment: '拨付', correction: '更正', reversal: '退汇' };

type Entry = { id: string; applicationId: string; title: string; sub: string; amount: string };

function entries(page: LedgerPage): Entry[] {
  return page.items.map((e) => ({
    id: e.id,
    applicationId: e.applicationId,
    title: `${e.enterpriseName}（${KIND[e.kind] ?? e.kind}）`,
    sub: `${e.paidOn} · 凭证 ${e.voucherNo} · ${e.trackingNo ?? ''} · 登记人 ${e.recordedByName}${e.reason ? ` · ${e.reason}` : ''}`,
    amount: formatFen(e.amountFen),
  }));
}

Component(
  page({
    data: {
      counties: countyChoices(),
      county: '',
      countyText: '全市',
      from: '',
      to: '',
      entries: [] as Entry[],
      totals: { payment: '', correction: '', reversal: '', net: '', count: 0 },
      next: '',
      loaded: false,
      waitingChanges: 0,
      finance: false,
    },
    methods: {
      async onShow() {
        const [{ role }] = await Promise.all([refreshUser(), this.load(false)]);
        // Before the next payment: an account change may wait for city finance's confirmation (issue 14).
        const finance = role === 'city_finance';
        this.setData({ finance, waitingChanges: finance ? (await api.waitingAccountChanges()).items.length : 0 });
      },
      onAccountChanges() {
        navigateTo('/pages/city/accountChanges/accountChanges');
      },
      async onPullDownRefresh() {
        await this.load(false);
        stopPullDownRefresh();
      },
      filter() {
        return { county: this.data.county || undefined, from: this.data.from || undefined, to: this.data.to || undefined };
      },
      async load(more: boolean) {
        const page = await api.ledger({ ...this.filter(), after: more ? this.data.next : undefined });
        const t = page.totals;
        this.setData({
          entries: more ? [...this.data.entries, ...entries(page)] : entries(page),
          totals: {
            payment: formatFen(t.paymentFen),
            correction: formatFen(t.correctionFen),
            reversal: formatFen(t.reversalFen),
            net: formatFen(t.netFen),
            count: t.count,
          },
          next: page.next ?? '',
          loaded: true,
        });
      },
      onCounty(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        const c = this.data.counties[Number(e.detail.value)];
        if (c) this.setData({ county: c.code, countyText: c.name });
        return this.load(false);
      },
      onDate(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        this.setData({ [String(e.currentTarget.dataset.field)]: e.detail.value });
        return this.load(false);
      },
      onMore() {
        return this.load(true);
      },
      onOpen(e: WechatMiniprogram.BaseEvent) {
        navigateTo(`/pages/review/application/application?id=${String(e.currentTarget.dataset.id)}`);
      },
      onDocument() {
        return openGenerated(() => api.ledgerDocument(this.filter()), 'xlsx');
      },
    },
  }),
);
