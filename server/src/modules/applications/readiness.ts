/**
 * Whether an application can be submitted: what is still missing from it (always listed, so nobody
 * has to guess) and the verdict of the eligibility rules (spec/eligibility.md) on its own data, where
 * the database overrides what was typed. Reads only; the draft service acts on the answers.
 */
import type { Tx } from '../../db/tx';
import { applicationStatesOfEnterprise, type Application } from '../../db/applications';
import { hasVerifiedPlatformPayment } from '../../db/applications/payments';
import { findEnterprise } from '../../db/enterprises';
import { currentFileKinds } from '../../db/files';
import { paidOnPlatformBefore } from '../../db/payments/orders';
import { providerFilingDates } from '../../db/providers';
import { APPLICATION_MATERIALS, type Declarations } from '../../../../shared/src/contracts/application';
import type { EligibilityFacts, Verdict } from '../../../../shared/src/contracts/eligibility';
import { evaluateEligibility } from '../../../../shared/src/rules/eligibility';
import { todayInShanghai } from '../../../../shared/src/rules/calendar';
import { versionOfApplication } from '../../../../shared/src/rules/parameters';
import { cite } from '../../../../shared/src/glossary/terms';

export interface MissingItem {
  path: string;
  message: string;
}

/**
 * The rules of spec/eligibility.md on the application's own data; the database overrides what was typed.
 * Judged under the version the application recorded at its first submission (a correction keeps it),
 * or, not yet submitted, the one in force today.
 */
export async function applicationVerdict(m: Tx, app: Application, now: number): Promise<Verdict> {
  const enterprise = (await findEnterprise(m, app.enterpriseId))!;
  const provider = app.providerId ? await providerFilingDates(m, app.providerId) : null;
  const others = await applicationStatesOfEnterprise(m, app.enterpriseId, app.id);
  const d = ((app.facts ?? {}) as { declarations?: Declarations }).declarations;
  const today = todayInShanghai(new Date(now));
  const facts: EligibilityFacts & { asOf: string } = {
    asOf: today,
    enterprise: {
      creditCode: enterprise.creditCode,
      registeredInYichun: d?.registeredInYichun ?? false,
      independentLegalPerson: d?.independentLegalPerson ?? false,
      industrial: d?.industrial ?? false,
      ...(enterprise.industryCode ? { industryCode: enterprise.industryCode as never } : {}),
      alignedWithIndustrialPolicy: d?.alignedWithIndustrialPolicy ?? false,
      // 二（二） on the verified 成立日期: a change the enterprise asked for waits in enterprise_profile_changes until the county verifies it.
      establishedOn: enterprise.establishedOn ?? '9999-12-31',
      operatingNormally: d?.operatingNormally ?? false,
      badCreditRecord: d?.badCreditRecord ?? true,
      seriousFiscalViolationWithin5Years: d?.seriousFiscalViolationWithin5Years ?? true,
      dishonestyRecord: d?.dishonestyRecord ?? true,
    },
    cloud: {
      // Verified facts over declared ones: a platform-seen payment on an earlier contract is not a first purchase.
      firstPurchase: (d?.firstPurchase ?? false) && !(await earlierVerifiedPurchase(m, app)),
      providerId: app.providerId,
      providerFiledOn: provider?.approvedOn ?? null,
      providerRevokedOn: provider?.revokedOn ?? null,
      contractSignedOn: app.contractSignedOn ?? '9999-12-31',
      contractAmountFen: app.contractAmountFen ?? 0,
      paidAmountFen: app.paidAmountFen ?? 0,
    },
    history: {
      subsidyReceived: others.includes('disbursed'),
      applicationInProgress: others.some((o) => o !== 'rejected' && o !== 'withdrawn' && o !== 'disbursed' && o !== 'draft'),
    },
    otherSubsidiesFen: app.otherSubsidiesFen,
  };
  return evaluateEligibility(facts, versionOfApplication(app.policyVersionId ?? null, today));
}

/** What still stops the enterprise from submitting: always listed, so nobody has to guess. */
export async function missingForSubmit(m: Tx, app: Application): Promise<MissingItem[]> {
  const out: MissingItem[] = [];
  const enterprise = (await findEnterprise(m, app.enterpriseId))!;
  if (!enterprise.establishedOn) out.push({ path: 'enterprise.establishedOn', message: '请在企业信息中填写成立日期' });
  if (!app.providerId || !app.contractNo || !app.contractAmountFen || !app.contractSignedOn)
    out.push({ path: 'contract', message: '请填写合同信息：云服务商、合同编号、签订日期、服务期限、金额和服务内容' });
  if (!(app.facts as { declarations?: unknown } | null)?.declarations)
    out.push({
      path: 'declarations',
      message: `请逐项回答申报条件声明（${cite('二（一）')}至（五））并填写同一项目已获其他补助情况（${cite('四（二）')}）`,
    });
  if (!app.bankAccountName || !app.bankAccountNo || !app.bankName) out.push({ path: 'bank', message: '请填写接收补助的企业对公账户' });
  else if (app.bankAccountName !== enterprise.name)
    out.push({ path: 'bank.accountName', message: `补助只拨付到企业自己的账户：开户名称须为“${enterprise.name}”` });
  if (!app.paidAmountFen) out.push({ path: 'payments', message: `请登记至少一笔付款（${cite('二（四）')}：发生实际支出）` });
  const kinds = await currentFileKinds(m, 'application', app.id);
  // A payment made on the platform is its own receipt (issue 7): WeChat Pay's record stands for the voucher.
  const receiptOnPlatform = await hasVerifiedPlatformPayment(m, app.id);
  for (const mat of APPLICATION_MATERIALS) {
    if (mat.kind === 'payment_receipts' && receiptOnPlatform) continue;
    if (!kinds.includes(mat.kind)) out.push({ path: `materials.${mat.kind}`, message: `请上传${mat.label}（${cite(mat.clause)}）` });
  }
  return out;
}

async function earlierVerifiedPurchase(m: Tx, app: Application): Promise<boolean> {
  if (!app.contractSignedOn) return false;
  return paidOnPlatformBefore(m, app, app.contractSignedOn);
}
