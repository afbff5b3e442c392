import type { Logger } from 'pino';
import type { Database } from '../../db/database';
import type { PaymentRequest } from '../../db/payments/orders';
import type { AuditTrail } from '../audit/audit';
import type { ApplicationEngine } from '../applications/engine';
import type { MerchantAccounts, MerchantClient } from './merchantAccounts';

/**
 * What every payment use case is given (issue 7): the database, the audit trail, the application's
 * engine (a refund can send a case back), the merchant accounts, the callback address and the clock;
 * and the one thing they all ask of it, the merchant client that calls WeChat Pay for a request.
 */
export interface PaymentDeps {
  db: Database;
  audit: AuditTrail;
  engine: ApplicationEngine;
  merchants: MerchantAccounts;
  /** The callback address for one merchant account. */
  notifyUrl: (accountId: string) => string;
  orderTtlMs: number;
  now: () => number;
  logger?: Logger;
}

/** How long one claimant may take over an order call (or a refund call) before another may take over (after a query). */
export const ORDER_LEASE_MS = 15_000;

export async function clientOf(deps: PaymentDeps, row: Pick<PaymentRequest, 'merchantAccountId'>): Promise<MerchantClient> {
  return deps.db.read((m) => deps.merchants.client(m, row.merchantAccountId));
}
