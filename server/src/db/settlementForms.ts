import { In } from 'typeorm';
import { em } from './orm';
import type { Tx } from './tx';
import {
  ApplicationEntity,
  SettlementFormEntity,
  SettlementFormItemEntity,
  type SettlementFormItemRow,
  type SettlementFormRow,
} from './entities';
import { insertRow } from './rows';
import { nextInSequence } from './sequences';

/**
 * The 兑付申请表 of 三（三）1: versions per provider, their rows, and which version each application
 * points to. A version is never edited; signing it and superseding an older one are conditional UPDATEs.
 */

export type SettlementForm = SettlementFormRow;
export type SettlementFormItem = SettlementFormItemRow;

export async function findSettlementForm(tx: Tx, id: string): Promise<SettlementForm | null> {
  return em(tx).getRepository(SettlementFormEntity).findOne({ where: { id } });
}

/** The newest versions of the providers' forms, at most `limit`. */
export async function settlementFormsOfProviders(tx: Tx, providerIds: readonly string[], limit: number): Promise<SettlementForm[]> {
  if (!providerIds.length) return [];
  return em(tx)
    .getRepository(SettlementFormEntity)
    .find({ where: { providerId: In([...providerIds]) }, order: { version: 'DESC' }, take: limit });
}

/** A version's rows in their order on the form. */
export async function settlementFormItems(tx: Tx, formId: string): Promise<SettlementFormItem[]> {
  return em(tx)
    .getRepository(SettlementFormItemEntity)
    .find({ where: { formId }, order: { position: 'ASC' } });
}

/** The row of the application on the version, if it lists it. */
export async function settlementFormItem(tx: Tx, formId: string, applicationId: string): Promise<SettlementFormItem | null> {
  return em(tx).getRepository(SettlementFormItemEntity).findOne({ where: { formId, applicationId } });
}

/** The rows the applications' current versions list for them, by application id (one query for a page). */
export async function currentSettlementFormItems(
  tx: Tx,
  apps: readonly { id: string; settlementFormId: string | null }[],
): Promise<Map<string, SettlementFormItem>> {
  const pointing = apps.filter((a) => a.settlementFormId !== null);
  if (!pointing.length) return new Map();
  const rows = await em(tx)
    .getRepository(SettlementFormItemEntity)
    .find({ where: { formId: In([...new Set(pointing.map((a) => a.settlementFormId!))]), applicationId: In(pointing.map((a) => a.id)) } });
  const formOf = new Map(pointing.map((a) => [a.id, a.settlementFormId]));
  return new Map(rows.filter((r) => formOf.get(r.applicationId) === r.formId).map((r) => [r.applicationId, r]));
}

export async function listsApplication(tx: Tx, formId: string, applicationId: string): Promise<boolean> {
  return (await em(tx).getRepository(SettlementFormItemEntity).count({ where: { formId, applicationId } })) === 1;
}

/** The provider's next version number: the sequence row is the lock (two requests at once get n+1 and n+2). */
export function nextSettlementFormVersion(tx: Tx, providerId: string): Promise<number> {
  return nextInSequence(em(tx), `settlement-form:${providerId}`);
}

export async function insertSettlementForm(tx: Tx, form: SettlementForm, items: readonly SettlementFormItem[]): Promise<void> {
  const m = em(tx);
  await insertRow(m, SettlementFormEntity, form);
  for (const item of items) await insertRow(m, SettlementFormItemEntity, item);
}

/** A later signed version of the provider's that lists any of these applications: its number, or null. */
export async function newerSignedVersion(
  tx: Tx,
  form: { providerId: string; version: number },
  applicationIds: readonly string[],
): Promise<number | null> {
  if (!applicationIds.length) return null;
  const rows: { version: number | string }[] = await em(tx).query(
    `SELECT f.version FROM settlement_forms f JOIN settlement_form_items i ON i.form_id = f.id WHERE f.provider_id = ? AND f.status = 'signed' AND f.version > ? AND i.application_id IN (${applicationIds.map(() => '?').join(', ')}) LIMIT 1`,
    [form.providerId, form.version, ...applicationIds],
  );
  return rows.length ? Number(rows[0].version) : null;
}

/** Generated → signed with its scan: false if the version was handled meanwhile. */
export async function markSettlementFormSigned(tx: Tx, id: string, signedFileId: string, at: number): Promise<boolean> {
  const res = await em(tx)
    .getRepository(SettlementFormEntity)
    .createQueryBuilder()
    .update()
    .set({ status: 'signed', signedFileId, signedAt: at })
    .where("id = :id AND status = 'generated'", { id })
    .execute();
  return res.affected === 1;
}

/** Signed → superseded: false if it was not signed. */
export async function markSettlementFormSuperseded(tx: Tx, id: string): Promise<boolean> {
  const res = await em(tx)
    .getRepository(SettlementFormEntity)
    .createQueryBuilder()
    .update()
    .set({ status: 'superseded' })
    .where("id = :id AND status = 'signed'", { id })
    .execute();
  return res.affected === 1;
}

/** Points the application to a version: a plain column, not a state change (its status and version stay). */
export async function pointApplicationToForm(tx: Tx, applicationId: string, formId: string): Promise<void> {
  await em(tx)
    .getRepository(ApplicationEntity)
    .createQueryBuilder()
    .update()
    .set({ settlementFormId: formId })
    .where('id = :id', { id: applicationId })
    .execute();
}

/** How many applications listed on the version still point to it. */
export async function applicationsStillOnForm(tx: Tx, formId: string): Promise<number> {
  const rows: { n: number | string }[] = await em(tx).query(
    'SELECT COUNT(*) AS n FROM settlement_form_items i JOIN applications a ON a.id = i.application_id WHERE i.form_id = ? AND a.settlement_form_id = ?',
    [formId, formId],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Whether the version lists an application of one of these counties. */
export async function formListsCounty(tx: Tx, formId: string, counties: readonly string[]): Promise<boolean> {
  if (!counties.length) return false;
  const rows: unknown[] = await em(tx).query(
    `SELECT 1 FROM settlement_form_items i JOIN applications a ON a.id = i.application_id WHERE i.form_id = ? AND a.county_code IN (${counties.map(() => '?').join(', ')}) LIMIT 1`,
    [formId, ...counties],
  );
  return rows.length > 0;
}
