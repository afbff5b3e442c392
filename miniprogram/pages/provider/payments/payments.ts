/**
 * 平台收款: the provider asks an enterprise (by its 统一社会信用代码) to pay an amount through WeChat Pay, and
 * follows what it asked for — withdraws what is not paid yet, refunds (part of) what was paid. The money
 * goes to the provider's own merchant account (pages/provider/merchant); what WeChat Pay's daily bill and
 * the platform disagree on is listed at the bottom.
 */
import { page } from '../../../services/page';
import * as api from '../../../services/api';
import { ApiError } from '../../../services/http';
import { showModal, navigateTo, showToast, stopPullDownRefresh } from '../../../services/wxp';
import { fenToYuanText } from '../../../logic/money';
import { formatTime } from '../../../logic/format';
import {
  DISCREPANCY_LABELS,
  fieldErrors,
  paymentRequestBody,
  refundBody,
  requestFieldOf,
  summarize,
  type PaymentSummary,
  type RequestField,
  type RequestForm,
} from '../../../logic/payments';
import type { Payment, PaymentDiscrepancy, ProviderApplicationItem } from '../../../shared/contracts/responses';

const EMPTY_FORM: RequestForm = { creditCode: '', amount: '', description: '', applicationId: '', contractNo: '' };

interface AppChoice {
  id: string;
  label: string;
  contractNo: string;
}

const NO_APPLICATION: AppChoice = { id: '', label: '不关联申请', contractNo: '' };

function discrepancyRow(d: PaymentDiscrepancy) {
  return {
    id: d.id,
    kindLabel: DISCREPANCY_LABELS[d.kind] ?? d.kind,
    text: `${d.billDate} · ${d.outTradeNo}`,
    message: d.message,
    foundText: formatTime(d.foundAt),
  };
}

Component(
  page({
    data: {
      loaded: false,
      accountActive: true,
      form: { ...EMPTY_FORM },
      errors: {},
      formError: '',
      sending: false,
      apps: [NO_APPLICATION] as AppChoice[],
      appIndex: 0,
      rows: [] as PaymentSummary[],
      refundFor: '',
      refund: { amount: '', reason: '' },
      refundError: '',
      discrepancies: [] as ReturnType<typeof discrepancyRow>[],
    },
    methods: {
      onLoad() {
        return this.loadChoices();
      },
      onShow() {
        return this.load();
      },
      async onPullDownRefresh() {
        await this.load();
        stopPullDownRefresh();
      },
      async loadChoices() {
        // The applications that name this provider, to tie a request to one (its contract number comes along).
        const page = await api.providerApplications().catch(() => null);
        if (page)
          this.setData({
            apps: [
              NO_APPLICATION,
              ...page.items.map((a: ProviderApplicationItem) => ({
                id: a.id,
                label: `${a.enterpriseName} · ${a.trackingNo ?? '未提交'}${a.contractNo ? ` · 合同 ${a.contractNo}` : ''}`,
                contractNo: a.contractNo ?? '',
              })),
            ],
          });
      },
      async load() {
        const [list, mine, problems] = await Promise.all([
          api.payments({ scope: 'provider', limit: 100 }),
          api.merchantAccount(),
          api.paymentDiscrepancies({ quiet: true }).catch(() => ({ discrepancies: [] as PaymentDiscrepancy[] })),
        ]);
        this.setData({
          loaded: true,
          accountActive: mine.account?.status === 'active',
          discrepancies: problems.discrepancies.map(discrepancyRow),
        });
        this.showRows(list.payments);
      },
      showRows(payments: Payment[]) {
        this.setData({ rows: payments.map((p) => summarize(p)) });
      },
      replaceRow(payment: Payment) {
        this.setData({ rows: this.data.rows.map((r) => (r.id === payment.id ? summarize(payment) : r)) });
      },

      // ---- asking an enterprise to pay ---------------------------------------------------------------------

      onField(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        const field = String(e.currentTarget.dataset.field) as RequestField;
        this.setData({ [`form.${field}`]: e.detail.value, [`errors.${field}`]: '', formError: '' });
      },
      onApplication(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        const index = Number(e.detail.value);
        const app = this.data.apps[index] ?? NO_APPLICATION;
        this.setData({ appIndex: index, 'form.applicationId': app.id, 'errors.applicationId': '' });
        if (app.contractNo && !this.data.form.contractNo.trim()) this.setData({ 'form.contractNo': app.contractNo });
      },
      async onIssue() {
        if (this.data.sending) return;
        const checked = paymentRequestBody(this.data.form);
        if (!checked.ok) {
          this.setData({ errors: checked.errors, formError: '' });
          return;
        }
        this.setData({ sending: true, errors: {}, formError: '' });
        try {
          const { payment } = await api.requestPayment(checked.body);
          this.setData({ form: { ...EMPTY_FORM }, appIndex: 0, rows: [summarize(payment), ...this.data.rows] });
          showToast({ title: '已发给企业', icon: 'success' });
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          this.setData({
            errors: fieldErrors(err.details, requestFieldOf),
            formError:
              err.code === 'wechat_pay_not_offered'
                ? '您还没有开通平台收款（或已停用），请先在“微信支付收款账户”中填写商户信息。'
                : err.message,
          });
        } finally {
          this.setData({ sending: false });
        }
      },
      onMerchant() {
        navigateTo('/pages/provider/merchant/merchant');
      },
      onOpen(e: WechatMiniprogram.BaseEvent) {
        navigateTo(`/pages/enterprise/pay/pay?id=${String(e.currentTarget.dataset.id)}`);
      },

      // ---- withdrawing and refunding -------------------------------------------------------------------------

      async onCancel(e: WechatMiniprogram.BaseEvent) {
        const row = this.data.rows.find((r) => r.id === String(e.currentTarget.dataset.id));
        if (!row) return;
        const answer = await showModal({
          title: '撤回付款请求',
          content: `撤回后 ${row.enterpriseName} 不能再支付这笔 ${row.amountText}。`,
          confirmText: '撤回',
          cancelText: '不撤回',
        });
        if (!answer.confirm) return;
        try {
          const { payment } = await api.cancelPayment(row.id);
          this.replaceRow(payment);
          showToast({ title: payment.status === 'paid' ? '企业已支付' : '已撤回', icon: 'none' });
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          // e.g. the enterprise paid a moment ago: the server says so, and the row shows it.
          await showModal({ title: '未能撤回', content: err.message, showCancel: false, confirmText: '知道了' });
          const { payment } = await api.payment(row.id, { quiet: true });
          this.replaceRow(payment);
        }
      },
      onRefundOpen(e: WechatMiniprogram.BaseEvent) {
        const row = this.data.rows.find((r) => r.id === String(e.currentTarget.dataset.id));
        if (row) this.setData({ refundFor: row.id, refund: { amount: fenToYuanText(row.refundableFen), reason: '' }, refundError: '' });
      },
      onRefundClose() {
        this.setData({ refundFor: '', refundError: '' });
      },
      onRefundField(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        this.setData({ [`refund.${String(e.currentTarget.dataset.field)}`]: e.detail.value, refundError: '' });
      },
      async onRefund() {
        const row = this.data.rows.find((r) => r.id === this.data.refundFor);
        if (!row) return;
        const checked = refundBody(this.data.refund.amount, this.data.refund.reason, row.refundableFen);
        if (!checked.ok) {
          this.setData({ refundError: checked.message });
          return;
        }
        try {
          const { payment } = await api.refundPayment(row.id, checked.amountFen, checked.reason);
          this.replaceRow(payment);
          this.setData({ refundFor: '' });
          showToast({ title: '已提交退款', icon: 'success' });
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          // Above what is left, a refund still under way, not paid: the server's words say which.
          this.setData({ refundError: err.message });
        }
      },
    },
  }),
);
