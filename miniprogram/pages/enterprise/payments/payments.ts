/**
 * 付款请求: what the enterprise's providers asked it to pay through the platform, and what it paid with
 * WeChat Pay — unpaid ones first, as they are the ones to act on. Each opens the pay page.
 */
import { page } from '../../../services/page';
import * as api from '../../../services/api';
import { summarize, type PaymentSummary } from '../../../logic/payments';
import { navigateTo, stopPullDownRefresh } from '../../../services/wxp';

Component(
  page({
    data: { loaded: false, open: [] as PaymentSummary[], others: [] as PaymentSummary[] },
    methods: {
      onShow() {
        // Back from paying one: its status has changed.
        return this.load();
      },
      async onPullDownRefresh() {
        await this.load();
        stopPullDownRefresh();
      },
      async load() {
        const { payments } = await api.payments({ scope: 'enterprise', limit: 100 });
        const rows = payments.map((p) => summarize(p));
        this.setData({ loaded: true, open: rows.filter((r) => r.canPay), others: rows.filter((r) => !r.canPay) });
      },
      onOpen(e: WechatMiniprogram.BaseEvent) {
        navigateTo(`/pages/enterprise/pay/pay?id=${String(e.currentTarget.dataset.id)}`);
      },
    },
  }),
);
