/**
 * Paying the provider with WeChat Pay (DESIGN.md "Paying the provider through the platform"): the server
 * makes a JSAPI order with the provider's own merchant account and signs the wx.requestPayment
 * parameters; WeChat's callback tells the server the order is paid, after which the application lists it
 * as a verified payment. NOT YET SERVED: the routes are services/routes.ts PENDING_ROUTES (a later server
 * issue); until then the server answers 404 and this page says the provider takes no WeChat Pay here yet.
 */
import { page } from '../../../services/page';
import * as api from '../../../services/api';
import { ApiError } from '../../../services/http';
import { requestPayment, WxError } from '../../../services/wxp';
import { fenToYuanText, parseYuan } from '../../../logic/money';

/** How long to wait for WeChat's callback to reach the server after the person paid. */
const CONFIRM_POLLS = 10;
const POLL_MS = 1500;

function wait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

Component(page({
  data: { applicationId: '', providerName: '', amount: '', state: 'ready' as 'ready' | 'paying' | 'paid', message: '' },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const fen = Number(query.amountFen);
      this.setData({ applicationId: query.applicationId ?? '', providerName: decodeURIComponent(query.provider ?? ''), amount: Number.isSafeInteger(fen) && fen > 0 ? fenToYuanText(fen) : '' });
    },
    onAmount(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ amount: e.detail.value, message: '' });
    },
    async onPay() {
      const amount = parseYuan(this.data.amount, '付款金额');
      if (!amount.ok || amount.fen <= 0) {
        this.setData({ message: amount.ok ? '付款金额须大于 0' : amount.message });
        return;
      }
      this.setData({ state: 'paying', message: '' });
      try {
        const { payment } = await api.createPayment(this.data.applicationId, amount.fen);
        await requestPayment(await api.paymentParams(payment.id));
        for (let i = 0; i < CONFIRM_POLLS; i += 1) {
          const { payment: now } = await api.payment(payment.id, { quiet: true });
          if (now.status === 'paid') {
            this.setData({ state: 'paid', message: '支付成功，已记入申请的付款记录（平台已核验）。' });
            return;
          }
          await wait(POLL_MS);
        }
        this.setData({ state: 'ready', message: '微信支付已完成，平台尚未收到微信的到账通知；稍后在申请的付款记录中查看，不要重复支付。' });
      } catch (err) {
        const cancelled = err instanceof WxError && err.cancelled;
        const notOffered = err instanceof ApiError && err.status === 404;
        this.setData({ state: 'ready', message: cancelled ? '已取消支付' : notOffered ? '该服务商暂未开通平台微信支付，请按合同约定的方式付款，并在付款记录中登记。' : err instanceof Error ? err.message : '支付未完成' });
      }
    },
    onDone() {
      wx.navigateBack({ delta: 1 });
    },
  },
}));
