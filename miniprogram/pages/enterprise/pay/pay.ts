/**
 * Paying the provider with WeChat Pay (DESIGN.md "Paying the provider through the platform"). Two ways in:
 * - `?id=` — a payment request (the provider's, from a notification or 付款请求): what it is for, its
 *   status, then 微信支付; once paid, the refunds and what the platform verified;
 * - `?applicationId&amountFen&provider` — from the application's payments step: the enterprise pays its
 *   contract's provider an amount it types; the request is made on the first tap and reused after that,
 *   so a retry never makes a second one.
 * The server orders with the provider's own merchant account and signs the wx.requestPayment parameters;
 * WeChat's callback tells the server the order is paid, so the page asks the server, not WeChat, whether
 * the money arrived.
 */
import { page } from '../../../services/page';
import * as api from '../../../services/api';
import { ApiError } from '../../../services/http';
import { activeRole } from '../../../services/session';
import { requestPayment, WxError, navigateBack, navigateTo, stopPullDownRefresh } from '../../../services/wxp';
import { fenToYuanText, parseYuan } from '../../../logic/money';
import { payErrorText, summarize, wechatPayFailText, type PaymentSummary } from '../../../logic/payments';
import { PAID_FOR_APPLICATION_KEY } from '../../../logic/storageKeys';
import type { Payment } from '../../../shared/contracts/responses';

/** How long to wait for WeChat's callback to reach the server after the person paid. */
const CONFIRM_POLLS = 10;
const POLL_MS = 1500;

/** After these refusals the request itself has changed: show it as it is now. */
const RELOAD_AFTER: readonly string[] = ['already_paid', 'payment_closed', 'payment_expired'];

type State = 'ready' | 'paying' | 'confirming' | 'paid';

function wait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function paidMessage(p: PaymentSummary): string {
  return p.applicationId
    ? '支付成功，已记入申请的付款记录（平台已核验）。'
    : '支付成功。申报补助时，可在申请的“付款记录”一步把这笔付款记入申请，作为平台已核验的付款凭证。';
}

Component(
  page({
    data: {
      id: '',
      applicationId: '',
      /** Opened from the application's payments step: 返回申请 when done. */
      fromApplication: false,
      providerName: '',
      amount: '',
      p: null as PaymentSummary | null,
      /** The provider opens a paid request from its notification: it sees it, it does not pay it. */
      asProvider: false,
      state: 'ready' as State,
      message: '',
      warn: false,
    },
    methods: {
      onLoad(query: Record<string, string | undefined>) {
        if (query.id) {
          this.setData({ id: query.id });
          return this.load();
        }
        const fen = Number(query.amountFen);
        this.setData({
          applicationId: query.applicationId ?? '',
          fromApplication: true,
          providerName: decodeURIComponent(query.provider ?? ''),
          amount: Number.isSafeInteger(fen) && fen > 0 ? fenToYuanText(fen) : '',
        });
        return undefined;
      },
      async onPullDownRefresh() {
        if (this.data.id) await this.load();
        stopPullDownRefresh();
      },
      async load() {
        const { payment } = await api.payment(this.data.id);
        this.show(payment);
      },
      show(payment: Payment) {
        const p = summarize(payment);
        const paid = p.status === 'paid';
        const asProvider = activeRole() === 'provider';
        this.setData({
          p,
          providerName: p.providerName,
          asProvider,
          state: paid ? 'paid' : this.data.state === 'paid' ? 'ready' : this.data.state,
        });
        // What to do with a paid request is the payer's concern; the provider sees the status and the refunds.
        if (paid && !asProvider && !this.data.message) this.setData({ message: paidMessage(p), warn: false });
      },
      onAmount(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        this.setData({ amount: e.detail.value, message: '' });
      },
      async onPay() {
        if (this.data.state !== 'ready') return;
        this.setData({ message: '', warn: false });
        try {
          if (!this.data.id) {
            const amount = parseYuan(this.data.amount, '付款金额');
            if (!amount.ok || amount.fen <= 0) {
              this.setData({ message: amount.ok ? '付款金额须大于 0' : amount.message, warn: true });
              return;
            }
            this.setData({ state: 'paying' });
            // From here on the page is about this one request: a second tap pays it, it does not make another.
            const { payment } = await api.createPayment(this.data.applicationId, amount.fen);
            this.setData({ id: payment.id });
            this.show(payment);
          }
          this.setData({ state: 'paying' });
          const params = await api.paymentParams(this.data.id);
          await requestPayment({
            timeStamp: params.timeStamp,
            nonceStr: params.nonceStr,
            package: params.package,
            signType: params.signType,
            paySign: params.paySign,
          });
          await this.confirm();
        } catch (err) {
          this.setData({ state: 'ready' });
          if (err instanceof ApiError) {
            this.setData({ message: payErrorText(err), warn: err.code !== 'already_paid' });
            if (this.data.id && RELOAD_AFTER.includes(err.code)) {
              const { payment } = await api.payment(this.data.id, { quiet: true });
              this.show(payment);
            }
          } else if (err instanceof WxError) {
            this.setData({ message: wechatPayFailText(err.errMsg), warn: !err.cancelled });
          } else throw err;
        }
      },
      /** WeChat said paid; the server knows once WeChat Pay's callback (or its own query) arrives. */
      async confirm() {
        this.setData({ state: 'confirming' });
        for (let i = 0; i < CONFIRM_POLLS; i += 1) {
          const { payment } = await api.payment(this.data.id, { quiet: true });
          if (payment.status === 'paid') {
            this.show(payment);
            this.setData({ message: paidMessage(this.data.p!), warn: false });
            if (payment.applicationId) wx.setStorageSync(PAID_FOR_APPLICATION_KEY, payment.applicationId);
            return;
          }
          await wait(POLL_MS);
        }
        this.setData({
          state: 'ready',
          message: '微信支付已完成，平台尚未收到微信的到账通知。请稍后下拉刷新查看，不要重复支付。',
          warn: false,
        });
      },
      onProviderPayments() {
        navigateTo('/pages/provider/payments/payments');
      },
      onDone() {
        navigateBack();
      },
    },
  }),
);
