import { applicationIdsOfProviders, applicationsByIds } from '../../db/applications/readers';
import { type Application } from '../../db/applications';
import { enterpriseNames } from '../../db/enterprises';
import {
  currentSettlementFormItems,
  findSettlementForm,
  type SettlementForm as SettlementFormRow,
  type SettlementFormItem as SettlementFormItemRow,
} from '../../db/settlementForms';
import type { Tx } from '../../db/tx';
import { applicationMachine, type ApplicationState } from '../../../../shared/src/workflow/application';

/**
 * Which applications a 兑付申请表 covers, and whether the signed version still shows their figures
 * (issue 14, DESIGN.md "Corrections after the fact"): what the county's guard, its one screen and
 * the provider desk read.
 */

/**
 * States in which an application may be listed on a 兑付申请表: confirmed by the provider and still
 * alive. `returned` counts only when the county or city returned it (the provider had confirmed; the
 * return may be about this very form, which is then issued again).
 */
const SETTLEABLE: readonly ApplicationState[] = [
  'county_review',
  'county_approved',
  'reported',
  'city_approved',
  'listed',
  'approved',
  'disbursed',
];

/** Where a missing or outdated signed version holds the application up: before the county approves it. */
const NEEDS_FORM_BEFORE: readonly ApplicationState[] = ['county_review', 'returned'];

export function settleable(app: Application): boolean {
  if (SETTLEABLE.includes(app.status)) return true;
  return app.status === 'returned' && (app.returnedFrom === 'county' || app.returnedFrom === 'city') && app.providerEvaluation !== null;
}

export function statusView(status: ApplicationState) {
  const labels = applicationMachine.states[status].labels;
  return { status, statusLabel: labels.reviewer };
}

/** The figures a 兑付申请表 row lists and the application's own, named as a reviewer reads them. */
const FIGURES = [
  { label: '合同金额', listed: (i: SettlementFormItemRow) => i.contractAmountFen, current: (a: Application) => a.contractAmountFen },
  { label: '已付款金额', listed: (i: SettlementFormItemRow) => i.paidAmountFen, current: (a: Application) => a.paidAmountFen },
  { label: '申请补助金额', listed: (i: SettlementFormItemRow) => i.appliedFen, current: (a: Application) => a.subsidyFen },
] as const;

/**
 * The figures of the application that its row on the form no longer shows (DESIGN.md "Corrections
 * after the fact": a signature covers the figures it saw, not later ones). A row from before the paid
 * amount was kept shows none: the application then needs a new version once it has payments.
 */
export function changedFigures(item: SettlementFormItemRow, app: Application): string[] {
  return FIGURES.filter((f) => (f.listed(item) ?? null) !== (f.current(app) ?? null)).map((f) => f.label);
}

/**
 * The confirmed applications awaiting the county that no signed version covers as they are now:
 * never listed on a signed version, or changed (contract, payments, amount applied for) since
 * (DESIGN.md "Corrections after the fact"). The county cannot approve them until a new version is signed.
 */
export async function applicationsNeedingNewForm(tx: Tx, providerIds: string[], limit: number) {
  const ids = await applicationIdsOfProviders(tx, providerIds, { statuses: NEEDS_FORM_BEFORE, after: null, limit });
  const apps = (await applicationsByIds(tx, ids)).filter(settleable);
  const rows = await currentSettlementFormItems(tx, apps);
  const forms = new Map<string, SettlementFormRow | null>();
  for (const formId of new Set(apps.map((a) => a.settlementFormId).filter((x): x is string => x !== null)))
    forms.set(formId, await findSettlementForm(tx, formId));
  const names = await enterpriseNames(
    tx,
    apps.map((a) => a.enterpriseId),
  );
  const out = [];
  for (const app of apps) {
    const form = app.settlementFormId ? (forms.get(app.settlementFormId) ?? null) : null;
    const row = rows.get(app.id);
    const signed = form?.status === 'signed' && !!row;
    const changed = signed ? changedFigures(row, app) : [];
    if (signed && !changed.length) continue;
    out.push({
      applicationId: app.id,
      trackingNo: app.trackingNo,
      enterpriseName: names.get(app.enterpriseId) ?? '',
      ...statusView(app.status),
      contractAmountFen: app.contractAmountFen,
      paidAmountFen: app.paidAmountFen,
      appliedFen: app.subsidyFen,
      signedVersion: signed ? form.version : null,
      changedFigures: changed,
      why: signed ? `第${form.version}版签章后${changed.join('、')}有变化，请重新生成并签章` : '尚未列入已签章的兑付申请表，请生成并签章',
    });
  }
  return out;
}
