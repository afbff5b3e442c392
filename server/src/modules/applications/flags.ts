import type { EntityManager } from 'typeorm';
import { type Application } from '../../db/applications';

/**
 * What a reviewer should look at twice (issue: "the application on one screen ... with flags").
 * Each flag has a stable code, a Chinese message and, where it helps, what it points at.
 */
export interface Flag {
  code:
    | 'rule_warning'
    | 'paid_less_than_contract'
    | 'duplicate_file'
    | 'contract_no_reused'
    | 'provider_revoked'
    | 'unverified_payments'
    | 'payment_refunded'
    | 'payment_problem';
  message: string;
  refs?: string[];
}

export async function applicationFlags(m: EntityManager, app: Application): Promise<Flag[]> {
  const flags: Flag[] = [];
  const verdict = (app.facts as { verdictAtSubmit?: { warnings?: { rule: string; message: string }[] } } | null)?.verdictAtSubmit;
  for (const w of verdict?.warnings ?? []) flags.push({ code: 'rule_warning', message: w.message, refs: [w.rule] });

  if (app.contractAmountFen !== null && app.paidAmountFen !== null && app.paidAmountFen > 0 && app.paidAmountFen < app.contractAmountFen) {
    flags.push({
      code: 'paid_less_than_contract',
      message: `实际支付 ${(app.paidAmountFen / 100).toFixed(2)} 元，少于合同金额 ${(app.contractAmountFen / 100).toFixed(2)} 元`,
    });
  }

  // DESIGN.md, "Materials": a file identical to one of another enterprise's is flagged to reviewers.
  const dupes: { kind: string; other_owner: string }[] = await m.query(
    `SELECT f.kind AS kind, o.owner_id AS other_owner FROM files f
       JOIN files o ON o.sha256 = f.sha256 AND o.owner_type = 'application' AND o.owner_id <> f.owner_id
       JOIN applications oa ON oa.id = o.owner_id AND oa.enterprise_id <> ?
     WHERE f.owner_type = 'application' AND f.owner_id = ? AND f.superseded_by IS NULL`,
    [app.enterpriseId, app.id],
  );
  if (dupes.length)
    flags.push({
      code: 'duplicate_file',
      message: `有 ${new Set(dupes.map((d) => d.kind)).size} 类材料与其他企业上传的文件完全相同`,
      refs: [...new Set(dupes.map((d) => d.other_owner))],
    });

  if (app.contractNo && app.providerId) {
    const reused: { id: string }[] = await m.query(
      "SELECT id FROM applications WHERE provider_id = ? AND contract_no = ? AND id <> ? AND status NOT IN ('withdrawn')",
      [app.providerId, app.contractNo, app.id],
    );
    if (reused.length)
      flags.push({
        code: 'contract_no_reused',
        message: `合同编号 ${app.contractNo} 还出现在其他 ${reused.length} 份申请中`,
        refs: reused.map((r) => r.id),
      });
  }

  if (app.providerId) {
    const p: { status: string; revoked_on: string | null }[] = await m.query('SELECT status, revoked_on FROM providers WHERE id = ?', [
      app.providerId,
    ]);
    if (p[0]?.status === 'revoked')
      flags.push({
        code: 'provider_revoked',
        message: `服务商备案已于 ${p[0].revoked_on} 撤销${app.contractSignedOn && p[0].revoked_on && app.contractSignedOn >= p[0].revoked_on ? '，合同签订于撤销之后' : '（合同签订于撤销之前）'}`,
      });
  }

  const unverified: { n: number | string }[] = await m.query(
    'SELECT COUNT(*) AS n FROM application_payments WHERE application_id = ? AND removed_at IS NULL AND verified = 0',
    [app.id],
  );
  if (Number(unverified[0]?.n ?? 0) > 0)
    flags.push({ code: 'unverified_payments', message: `${Number(unverified[0].n)} 笔付款只有企业上传的凭证，没有平台见到的付款与之对应` });

  // Issue 7: refunds of platform payments, and what reconciliation could not settle, are shown to reviewers.
  const paid: { id: string; amount_fen: number | string; refunded_fen: number | string; problem: string | null }[] = await m.query(
    'SELECT r.id, r.amount_fen, r.refunded_fen, r.problem FROM payment_requests r JOIN application_payments p ON p.payment_request_id = r.id AND p.application_id = ? AND p.removed_at IS NULL',
    [app.id],
  );
  const refunded = paid.filter((r) => Number(r.refunded_fen) > 0);
  if (refunded.length)
    flags.push({
      code: 'payment_refunded',
      message: `服务商已退款 ${(refunded.reduce((s, r) => s + Number(r.refunded_fen), 0) / 100).toFixed(2)} 元，核验的实付金额已相应减少`,
      refs: refunded.map((r) => r.id),
    });
  const problems = paid.filter((r) => r.problem);
  if (problems.length)
    flags.push({ code: 'payment_problem', message: problems.map((r) => r.problem).join('；'), refs: problems.map((r) => r.id) });
  return flags;
}
