import type { Tx } from '../../db/tx';
import { type Application } from '../../db/applications';
import {
  materialsSharedWithOtherEnterprises,
  otherApplicationsWithContract,
  platformPaymentsOf,
  unverifiedPaymentCount,
} from '../../db/applications/flags';
import { providerFilingDates } from '../../db/providers';
import { formatYuan } from '../../../../shared/src/glossary/money';

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

export async function applicationFlags(m: Tx, app: Application): Promise<Flag[]> {
  const flags: Flag[] = [];
  const verdict = (app.facts as { verdictAtSubmit?: { warnings?: { rule: string; message: string }[] } } | null)?.verdictAtSubmit;
  for (const w of verdict?.warnings ?? []) flags.push({ code: 'rule_warning', message: w.message, refs: [w.rule] });

  if (app.contractAmountFen !== null && app.paidAmountFen !== null && app.paidAmountFen > 0 && app.paidAmountFen < app.contractAmountFen) {
    flags.push({
      code: 'paid_less_than_contract',
      message: `实际支付 ${formatYuan(app.paidAmountFen)}，少于合同金额 ${formatYuan(app.contractAmountFen)}`,
    });
  }

  // DESIGN.md, "Materials": a file identical to one of another enterprise's is flagged to reviewers.
  const dupes = await materialsSharedWithOtherEnterprises(m, app);
  if (dupes.length)
    flags.push({
      code: 'duplicate_file',
      message: `有 ${new Set(dupes.map((d) => d.kind)).size} 类材料与其他企业上传的文件完全相同`,
      refs: [...new Set(dupes.map((d) => d.otherApplicationId))],
    });

  if (app.contractNo && app.providerId) {
    const reused = await otherApplicationsWithContract(m, { id: app.id, providerId: app.providerId, contractNo: app.contractNo });
    if (reused.length)
      flags.push({
        code: 'contract_no_reused',
        message: `合同编号 ${app.contractNo} 还出现在其他 ${reused.length} 份申请中`,
        refs: reused,
      });
  }

  if (app.providerId) {
    const p = await providerFilingDates(m, app.providerId);
    if (p?.status === 'revoked')
      flags.push({
        code: 'provider_revoked',
        message: `服务商备案已于 ${p.revokedOn} 撤销${app.contractSignedOn && p.revokedOn && app.contractSignedOn >= p.revokedOn ? '，合同签订于撤销之后' : '（合同签订于撤销之前）'}`,
      });
  }

  const unverified = await unverifiedPaymentCount(m, app.id);
  if (unverified > 0)
    flags.push({ code: 'unverified_payments', message: `${unverified} 笔付款只有企业上传的凭证，没有平台见到的付款与之对应` });

  // Issue 7: refunds of platform payments, and what reconciliation could not settle, are shown to reviewers.
  const paid = await platformPaymentsOf(m, app.id);
  const refunded = paid.filter((r) => r.refundedFen > 0);
  if (refunded.length)
    flags.push({
      code: 'payment_refunded',
      message: `服务商已退款 ${formatYuan(refunded.reduce((s, r) => s + r.refundedFen, 0))}，核验的实付金额已相应减少`,
      refs: refunded.map((r) => r.id),
    });
  const problems = paid.filter((r) => r.problem);
  if (problems.length)
    flags.push({ code: 'payment_problem', message: problems.map((r) => r.problem).join('；'), refs: problems.map((r) => r.id) });
  return flags;
}
