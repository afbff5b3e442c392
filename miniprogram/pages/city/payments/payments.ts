/**
 * 微信支付收款与对账: for city MIIT (and finance, the administrator) — which filed providers take payment
 * on the platform, and what WeChat Pay's daily trade bills and the platform's records disagree on, still
 * open. A provider reaches this page from its own reconciliation notice: it sees its own disagreements only
 * (the server decides what each may see; the overview of providers is not for them).
 */
import { page } from '../../../services/page';
import * as api from '../../../services/api';
import { refreshUser } from '../../../services/account';
import { showModal, showToast, stopPullDownRefresh } from '../../../services/wxp';
import { ApiError } from '../../../services/http';
import { formatTime } from '../../../logic/format';
import { DISCREPANCY_LABELS } from '../../../logic/payments';
import type { PaymentDiscrepancy, PaymentMerchant } from '../../../shared/contracts/responses';

function merchantRow(m: PaymentMerchant) {
  return {
    id: m.providerId,
    companyName: m.companyName,
    sub: `${m.filingNo ?? '无备案编号'}${m.mchid ? ` · 商户号 ${m.mchid}` : ''}${m.linkedAt ? ` · ${formatTime(m.linkedAt).slice(0, 10)} 开通` : ''}`,
    accepts: m.acceptsWechatPay,
    label: m.acceptsWechatPay
      ? '已开通'
      : m.filingStatus === 'revoked'
        ? '备案已撤销'
        : m.accountStatus === 'unlinked'
          ? '已停用'
          : '未开通',
  };
}

Component(
  page({
    data: {
      loaded: false,
      /** City staff see the providers' overview; a provider sees its own disagreements only. */
      overview: false,
      /** City MIIT closes a disagreement once explained. */
      canResolve: false,
      merchants: [] as ReturnType<typeof merchantRow>[],
      acceptingCount: 0,
      discrepancies: [] as { id: string; providerName: string; kindLabel: string; text: string; message: string; foundText: string }[],
    },
    methods: {
      onShow() {
        return this.load();
      },
      async onPullDownRefresh() {
        await this.load();
        stopPullDownRefresh();
      },
      async onResolve(e: WechatMiniprogram.BaseEvent<Record<string, never>, { id: string }>) {
        const answer = await showModal({
          title: '关闭这条不一致',
          content: '',
          editable: true,
          placeholderText: '写明查明的情况和处理结果',
          confirmText: '关闭',
        });
        if (!answer.confirm) return;
        try {
          await api.resolveDiscrepancy(e.currentTarget.dataset.id, answer.content);
          showToast({ title: '已关闭', icon: 'success' });
          await this.load();
        } catch (err) {
          const detail = err instanceof ApiError ? err.details[0]?.message : undefined;
          void showModal({ title: '未能关闭', content: detail ?? (err instanceof Error ? err.message : '请稍后再试'), showCancel: false });
        }
      },
      async load() {
        const { role } = await refreshUser();
        const overview = role === 'city_miit' || role === 'city_finance' || role === 'admin';
        const [merchants, problems] = await Promise.all([
          overview ? api.paymentMerchants() : Promise.resolve({ providers: [] as PaymentMerchant[] }),
          api.paymentDiscrepancies(),
        ]);
        const names = new Map(merchants.providers.map((m) => [m.providerId, m.companyName]));
        this.setData({
          loaded: true,
          overview,
          canResolve: role === 'city_miit',
          // Those that take payment first: they are the ones the bill check runs for.
          merchants: merchants.providers.map(merchantRow).sort((a, b) => Number(b.accepts) - Number(a.accepts)),
          acceptingCount: merchants.providers.filter((m) => m.acceptsWechatPay).length,
          discrepancies: problems.discrepancies.map((d: PaymentDiscrepancy) => ({
            id: d.id,
            providerName: names.get(d.providerId) ?? '',
            kindLabel: DISCREPANCY_LABELS[d.kind] ?? d.kind,
            text: `账单日 ${d.billDate} · 商户订单号 ${d.outTradeNo}`,
            message: d.message,
            foundText: formatTime(d.foundAt),
          })),
        });
      },
    },
  }),
);
