import { em } from '../orm';
import type { TxBrand } from '../tx';
import { ApplicationEntity, ApplicationEventEntity, PaymentEntity, type ApplicationEventRow, type PaymentRow } from '../entities';
import { insertRow } from '../rows';
import { num } from '../values';

/**
 * What the enterprise paid its provider under the contract (application_payments) as the platform's
 * WeChat Pay records it, the paid amount that follows, and the history line that shows the change.
 */
export type ApplicationPayment = PaymentRow;

export interface EnterprisePayment {
  id: string;
  amountFen: number;
  paidOn: string;
  method: string;
  reference: string | null;
  source: string;
  verified: boolean;
}

/** What the enterprise paid its provider under the contract (application_payments still standing). */
export async function enterprisePaymentsOf(tx: TxBrand, applicationId: string): Promise<EnterprisePayment[]> {
  const rows: {
    id: string;
    amount_fen: number | string;
    paid_on: string;
    method: string;
    reference: string | null;
    source: string;
    verified: number | string;
  }[] = await em(tx).query(
    'SELECT id, amount_fen, paid_on, method, reference, source, verified FROM application_payments WHERE application_id = ? AND removed_at IS NULL ORDER BY paid_on ASC, id ASC',
    [applicationId],
  );
  return rows.map((x) => ({
    id: x.id,
    amountFen: num(x.amount_fen),
    paidOn: x.paid_on,
    method: x.method,
    reference: x.reference,
    source: x.source,
    verified: num(x.verified) === 1,
  }));
}

/** The application's payment line for a WeChat Pay request (one application, or any when not given). */
export async function paymentLineOf(tx: TxBrand, paymentRequestId: string, applicationId?: string): Promise<ApplicationPayment | null> {
  return em(tx)
    .getRepository(PaymentEntity)
    .findOne({ where: applicationId === undefined ? { paymentRequestId } : { paymentRequestId, applicationId } });
}

export async function insertPaymentLine(tx: TxBrand, row: ApplicationPayment): Promise<void> {
  await insertRow(em(tx), PaymentEntity, row);
}

export async function setPaymentLineAmount(tx: TxBrand, id: string, amountFen: number): Promise<void> {
  await em(tx).getRepository(PaymentEntity).update({ id }, { amountFen });
}

/** Whether a WeChat Pay request is already a standing payment of another application. */
export async function paymentUsedElsewhere(tx: TxBrand, paymentRequestId: string, applicationId: string): Promise<boolean> {
  const rows: unknown[] = await em(tx).query(
    'SELECT application_id FROM application_payments WHERE payment_request_id = ? AND removed_at IS NULL AND application_id <> ?',
    [paymentRequestId, applicationId],
  );
  return rows.length > 0;
}

// merge: belongs in db/applications (drafts.ts sets it with the application's other columns)
/** The paid amount follows the payments: a write that changes no state, so it bumps the version only. */
export async function setPaidAmount(tx: TxBrand, applicationId: string, paidAmountFen: number, now: number): Promise<void> {
  await em(tx)
    .getRepository(ApplicationEntity)
    .createQueryBuilder()
    .update()
    .set({ paidAmountFen, version: () => 'version + 1', updatedAt: now })
    .where('id = :id', { id: applicationId })
    .execute();
}

// merge: belongs in db/applications (the engine and drafts.ts append the same way)
/** Appends a line to the application's history, next in its sequence. */
export async function appendApplicationEvent(tx: TxBrand, event: Omit<ApplicationEventRow, 'seq'>): Promise<void> {
  const seq: { seq: number | string | null }[] = await em(tx).query(
    'SELECT MAX(seq) AS seq FROM application_events WHERE application_id = ?',
    [event.applicationId],
  );
  await insertRow(em(tx), ApplicationEventEntity, { ...event, seq: num(seq[0]?.seq ?? 0) + 1 });
}
