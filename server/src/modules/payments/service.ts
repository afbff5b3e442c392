import type { z } from 'zod';
import type { PaymentRequest, PaymentRequestStatus } from '../../db/payments/orders';
import type { PaymentRefund } from '../../db/payments/refunds';
import type { Actor } from '../actor';
import type { MerchantClient } from './merchantAccounts';
import { clientOf, type PaymentDeps } from './deps';
import { jsapi } from './ordering';
import { getPayment, listPayments } from './reading';
import { pushRefund, recordRefundAnswer, requestRefund } from './refunds';
import {
  attachPayment,
  requestByEnterprise,
  requestByProvider,
  type enterpriseRequestSchema,
  type providerRequestSchema,
  type refundSchema,
} from './requests';
import type { WechatRefund } from './settle';
import { cancelPayment, closeAtWechat, expire, queryAndSettle, type QueryOutcome } from './wechatOrders';

/**
 * The payment use cases as the routes, the callbacks and the reconciler call them (issue 7): one
 * object over the files that each do one job — requests.ts (making requests, putting them on an
 * application), reading.ts, ordering.ts (JSAPI), wechatOrders.ts (query, close, cancel), refunds.ts,
 * settle.ts (what a payment or a refund does), with decide.ts holding the machines' decisions.
 */
export type { PaymentDeps } from './deps';
export { enterpriseRequestSchema, providerRequestSchema, refundSchema } from './requests';

export class PaymentService {
  constructor(private readonly deps: PaymentDeps) {}

  requestByProvider(auth: Actor, input: z.output<typeof providerRequestSchema>) {
    return requestByProvider(this.deps, auth, input);
  }

  requestByEnterprise(auth: Actor, input: z.output<typeof enterpriseRequestSchema>) {
    return requestByEnterprise(this.deps, auth, input);
  }

  get(auth: Actor, id: string) {
    return getPayment(this.deps, auth, id);
  }

  list(auth: Actor, q: { scope: 'enterprise' | 'provider' | 'all'; enterpriseId?: string; status?: PaymentRequestStatus; limit: number }) {
    return listPayments(this.deps, auth, q);
  }

  jsapi(auth: Actor, id: string) {
    return jsapi(this.deps, auth, id);
  }

  clientOf(row: Pick<PaymentRequest, 'merchantAccountId'>): Promise<MerchantClient> {
    return clientOf(this.deps, row);
  }

  queryAndSettle(client: MerchantClient, row: PaymentRequest, via: string): Promise<QueryOutcome> {
    return queryAndSettle(this.deps, client, row, via);
  }

  closeAtWechat(row: PaymentRequest, via: string) {
    return closeAtWechat(this.deps, row, via);
  }

  /** The sweeper's close of a request past its time. */
  expire(row: PaymentRequest, via: string) {
    return expire(this.deps, row, via);
  }

  cancel(auth: Actor, id: string) {
    return cancelPayment(this.deps, auth, id);
  }

  refund(auth: Actor, id: string, input: z.output<typeof refundSchema>) {
    return requestRefund(this.deps, auth, id, input);
  }

  pushRefund(row: PaymentRequest, refund: PaymentRefund): Promise<void> {
    return pushRefund(this.deps, row, refund);
  }

  recordRefundAnswer(
    row: PaymentRequest,
    refund: PaymentRefund,
    status: number,
    data: (WechatRefund & { code?: string; message?: string }) | undefined,
    via: string,
  ): Promise<void> {
    return recordRefundAnswer(this.deps, row, refund, status, data, via);
  }

  attach(auth: Actor, applicationId: string, paymentId: string) {
    return attachPayment(this.deps, auth, applicationId, paymentId);
  }
}
