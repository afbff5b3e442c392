import { z } from 'zod';
import { isDuplicateKey } from '../../db/errors';
import { findPaymentNotification, insertPaymentNotification, paymentRequestByTradeNo } from '../../db/payments/orders';
import { advanceRefund, refundByNo } from '../../db/payments/refunds';
import { refundReport } from './decide';
import { DomainError, InvalidInputError, UnauthenticatedError } from '../errors';
import { AeadError, decryptAeadAes256Gcm, responseMessage, verifySha256Rsa } from '../../wechat/pay/crypto';
import { SIGNATURE_MAX_AGE_S } from '../../wechat/pay/transport';
import type { PaymentDeps, PaymentService } from './service';
import { settlePaid, settleRefund, type WechatRefund, type WechatTransaction } from './settle';

/**
 * WeChat Pay's result callbacks (issue 7, 4). Checked in this order, and nothing is read before the
 * check that guards it: a probe signature, a stale timestamp, a serial that is not one of this
 * provider's keys, a signature that does not verify over the raw body — then AEAD_AES_256_GCM with the
 * tag checked. Only then is the report applied, and applying it twice changes nothing.
 */
export interface NotificationHeaders {
  timestamp: string | undefined;
  nonce: string | undefined;
  signature: string | undefined;
  serial: string | undefined;
}

class CallbackRefused extends UnauthenticatedError {
  constructor(message: string) {
    super(message, 'callback_refused');
  }
}

const bodySchema = z.object({
  id: z.string().min(1).max(64),
  event_type: z.string().min(1).max(32),
  resource_type: z.string().optional(),
  resource: z.object({
    algorithm: z.literal('AEAD_AES_256_GCM'),
    ciphertext: z.string().min(1).max(64_000),
    associated_data: z.string().max(64).optional().default(''),
    nonce: z.string().min(1).max(32),
    original_type: z.string().max(32).optional(),
  }),
});

/**
 * What each event family's decrypted resource must hold before it is applied. The event is chosen by
 * `event_type` and the content, never by `associated_data`: WeChat Pay's own example carries
 * `"associated_data": ""` (支付通知, https://pay.weixin.qq.com/wiki/doc/apiv3/apis/chapter3_5_5.shtml) while
 * its deliveries carry `transaction`/`refund`; whichever it is, the GCM tag binds it to the ciphertext
 * (issue 15, 4).
 */
const transactionContent = z.object({ out_trade_no: z.string().min(1), trade_state: z.string().min(1) }).loose();
const refundContent = z
  .object({ out_trade_no: z.string().min(1), out_refund_no: z.string().min(1), refund_status: z.string().min(1) })
  .loose();
const CONTENT_OF: Record<string, z.ZodType> = { TRANSACTION: transactionContent, REFUND: refundContent };

export class PaymentCallbacks {
  constructor(
    private readonly deps: PaymentDeps,
    private readonly service: PaymentService,
  ) {}

  async receive(accountId: string, h: NotificationHeaders, raw: string): Promise<string> {
    try {
      const outcome = await this.check(accountId, h, raw);
      this.deps.logger?.info({ accountId, outcome }, 'WeChat Pay callback');
      return outcome;
    } catch (err) {
      if (err instanceof DomainError)
        this.deps.logger?.warn({ accountId, serial: h.serial ?? null, refused: err.message }, 'WeChat Pay callback refused');
      throw err;
    }
  }

  private async check(accountId: string, h: NotificationHeaders, raw: string): Promise<string> {
    const client = await this.service.clientOf({ merchantAccountId: accountId });
    if (!h.timestamp || !h.nonce || !h.signature || !h.serial) throw new CallbackRefused('缺少微信支付签名头');
    // WeChat Pay sends deliberately wrong signatures to check that merchants verify (notes/wechat.md).
    if (h.signature.startsWith('WECHATPAY/SIGNTEST/')) throw new CallbackRefused('探测签名，不予处理');
    const ts = Number(h.timestamp);
    if (!/^\d{1,12}$/.test(h.timestamp) || Math.abs(this.deps.now() / 1000 - ts) > SIGNATURE_MAX_AGE_S)
      throw new CallbackRefused('回调时间戳过期');
    const key = client.platformKeys.get(h.serial);
    if (!key) throw new CallbackRefused('签名所用的微信支付公钥不是该商户登记的');
    if (!verifySha256Rsa(key, responseMessage(h.timestamp, h.nonce, raw), h.signature)) throw new CallbackRefused('签名验证未通过');

    let parsed: z.output<typeof bodySchema>;
    try {
      parsed = bodySchema.parse(JSON.parse(raw));
    } catch {
      throw new InvalidInputError('回调内容格式不对');
    }
    // The id is under the signature: a notification already applied is answered without doing it again.
    const seen = await this.deps.db.read((tx) => findPaymentNotification(tx, parsed.id));
    if (seen && seen.merchantAccountId === accountId) return 'duplicate';
    const content = CONTENT_OF[parsed.event_type.split('.')[0] ?? ''];
    if (!content) throw new InvalidInputError('不认识的回调事件类型');
    let plain: unknown;
    try {
      plain = JSON.parse(
        decryptAeadAes256Gcm(client.apiV3Key, parsed.resource.ciphertext, parsed.resource.associated_data, parsed.resource.nonce),
      );
    } catch (err) {
      throw new InvalidInputError(err instanceof AeadError ? '回调密文未通过完整性校验' : '回调明文不是 JSON');
    }
    if (!content.safeParse(plain).success) throw new InvalidInputError('回调内容与事件类型不符');
    const outcome = await this.apply(accountId, client.mchid, parsed.event_type, plain as Record<string, unknown>);
    try {
      await this.deps.db.read((tx) =>
        insertPaymentNotification(tx, {
          id: parsed.id,
          merchantAccountId: accountId,
          eventType: parsed.event_type,
          outcome,
          receivedAt: this.deps.now(),
        }),
      );
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    return outcome;
  }

  private async apply(accountId: string, mchid: string, eventType: string, plain: Record<string, unknown>): Promise<string> {
    if (plain.mchid !== undefined && plain.mchid !== mchid) throw new InvalidInputError('回调的商户号与账户不符');
    const outTradeNo = typeof plain.out_trade_no === 'string' ? plain.out_trade_no : '';
    const row = await this.deps.db.read((tx) => paymentRequestByTradeNo(tx, accountId, outTradeNo));
    // Not ours: answered as received so WeChat Pay stops, and left for the bill check to show.
    if (!row) return 'unknown_order';
    const now = this.deps.now();
    if (eventType === 'TRANSACTION.SUCCESS') {
      if (plain.trade_state !== 'SUCCESS') return 'ignored';
      return this.deps.db.transaction((tx) => settlePaid(this.deps, tx, row, plain as WechatTransaction, 'callback', now));
    }
    if (eventType === 'REFUND.SUCCESS')
      return this.deps.db.transaction((tx) => settleRefund(this.deps, tx, row, plain as WechatRefund, 'callback', now));
    if (eventType === 'REFUND.ABNORMAL' || eventType === 'REFUND.CLOSED') {
      const no = typeof plain.out_refund_no === 'string' ? plain.out_refund_no : '';
      await this.deps.db.read(async (tx) => {
        const refund = await refundByNo(tx, no);
        // Only this request's refund, and only while WeChat Pay's answer can still move it (refund machine's `closed`).
        if (refund && refund.paymentRequestId === row.id && refundReport(refund.status, 'closed').ok)
          await advanceRefund(tx, refund.id, 'failed', refund.refundId, now);
      });
      return 'refund_failed';
    }
    return 'ignored';
  }
}
