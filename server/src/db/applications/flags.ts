import { em } from '../orm';
import type { Tx } from '../tx';
import { num } from '../values';

/** The questions behind a reviewer's flags on an application (modules/applications/flags.ts). */

/** The application's current materials whose bytes another enterprise's application also holds. */
export async function materialsSharedWithOtherEnterprises(
  tx: Tx,
  app: { id: string; enterpriseId: string },
): Promise<{ kind: string; otherApplicationId: string }[]> {
  const rows: { kind: string; other_owner: string }[] = await em(tx).query(
    `SELECT f.kind AS kind, o.owner_id AS other_owner FROM files f
       JOIN files o ON o.sha256 = f.sha256 AND o.owner_type = 'application' AND o.owner_id <> f.owner_id
       JOIN applications oa ON oa.id = o.owner_id AND oa.enterprise_id <> ?
     WHERE f.owner_type = 'application' AND f.owner_id = ? AND f.superseded_by IS NULL`,
    [app.enterpriseId, app.id],
  );
  return rows.map((r) => ({ kind: r.kind, otherApplicationId: r.other_owner }));
}

/** Other applications (not withdrawn) naming the same provider and contract number. */
export async function otherApplicationsWithContract(
  tx: Tx,
  app: { id: string; providerId: string; contractNo: string },
): Promise<string[]> {
  const rows: { id: string }[] = await em(tx).query(
    "SELECT id FROM applications WHERE provider_id = ? AND contract_no = ? AND id <> ? AND status NOT IN ('withdrawn')",
    [app.providerId, app.contractNo, app.id],
  );
  return rows.map((r) => r.id);
}

/** Payments of the application that only the enterprise's receipt backs. */
export async function unverifiedPaymentCount(tx: Tx, applicationId: string): Promise<number> {
  const rows: { n: number | string }[] = await em(tx).query(
    'SELECT COUNT(*) AS n FROM application_payments WHERE application_id = ? AND removed_at IS NULL AND verified = 0',
    [applicationId],
  );
  return num(rows[0]?.n);
}

/** The platform's payment orders behind the application's payments: refunds and reconciliation problems. */
export async function platformPaymentsOf(
  tx: Tx,
  applicationId: string,
): Promise<{ id: string; amountFen: number; refundedFen: number; problem: string | null }[]> {
  const rows: { id: string; amount_fen: number | string; refunded_fen: number | string; problem: string | null }[] = await em(tx).query(
    'SELECT r.id, r.amount_fen, r.refunded_fen, r.problem FROM payment_requests r JOIN application_payments p ON p.payment_request_id = r.id AND p.application_id = ? AND p.removed_at IS NULL',
    [applicationId],
  );
  return rows.map((r) => ({ id: r.id, amountFen: num(r.amount_fen), refundedFen: num(r.refunded_fen), problem: r.problem }));
}
