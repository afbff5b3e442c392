import { In } from 'typeorm';
import { em } from './orm';
import type { Tx } from './tx';
import { insertRow } from './rows';
import { ApplicationEntity, JointReportEntity, JointReportItemEntity, type JointReportItemRow, type JointReportRow } from './entities';

/** The joint reports aggregate (联合行文, 三（四）): a county's report, the applications it lists, its two sign-offs. */

export type { JointReportRow, JointReportItemRow } from './entities';

export async function findJointReport(tx: Tx, id: string): Promise<JointReportRow | null> {
  return em(tx).getRepository(JointReportEntity).findOne({ where: { id } });
}

/** Whether another standing report of the county has this 文号 (a cancelled one gave its number back). */
export async function docNoTaken(tx: Tx, countyCode: string, docNo: string, exceptReportId: string | null = null): Promise<boolean> {
  const found = await em(tx)
    .getRepository(JointReportEntity)
    .find({ where: { countyCode, liveDocNo: docNo }, select: { id: true } });
  return found.some((r) => r.id !== exceptReportId);
}

/** A new report; a duplicate 文号 of the county fails on the unique key (isDuplicateKey). */
export async function insertJointReport(tx: Tx, row: JointReportRow): Promise<void> {
  await insertRow(em(tx), JointReportEntity, row);
}

/**
 * Lists an application in the report and claims it: a conditional UPDATE every database honours,
 * so that of two reports created at once with the same application exactly one gets it. False when
 * the application is no longer approved by the county or another report has it.
 */
export async function listInReport(tx: Tx, item: JointReportItemRow): Promise<boolean> {
  await insertRow(em(tx), JointReportItemEntity, item);
  const claimed = await em(tx)
    .getRepository(ApplicationEntity)
    .createQueryBuilder()
    .update()
    .set({ reportId: item.reportId })
    .where("id = :id AND status = 'county_approved' AND report_id IS NULL", { id: item.applicationId })
    .execute();
  return claimed.affected === 1;
}

/**
 * Lists in the report an application that is already claimed by it (kept through a correction): only
 * the item, under the report's new order.
 */
export async function keepInReport(tx: Tx, item: JointReportItemRow): Promise<void> {
  await insertRow(em(tx), JointReportItemEntity, item);
}

/** A correction re-lists the report's members: its items go, and come back in the corrected order. */
export async function clearReportItems(tx: Tx, reportId: string): Promise<void> {
  await em(tx).getRepository(JointReportItemEntity).delete({ reportId });
}

/** The counties' reports, newest first (at most 200). */
export async function reportsOfCounties(tx: Tx, counties: readonly string[]): Promise<JointReportRow[]> {
  return em(tx)
    .getRepository(JointReportEntity)
    .find({ where: { countyCode: In([...counties]) }, order: { createdAt: 'DESC', id: 'DESC' }, take: 200 });
}

/** The items of these reports, in no particular order. */
export async function itemsOfReports(tx: Tx, reportIds: readonly string[]): Promise<JointReportItemRow[]> {
  if (!reportIds.length) return [];
  return em(tx)
    .getRepository(JointReportItemEntity)
    .find({ where: { reportId: In([...reportIds]) } });
}

/** The items of one report, in the order listed. */
export async function itemsOfReport(tx: Tx, reportId: string): Promise<JointReportItemRow[]> {
  return em(tx)
    .getRepository(JointReportItemEntity)
    .find({ where: { reportId }, order: { position: 'ASC' } });
}

/**
 * A correction or cancellation, under the optimistic lock (version and state as read): false when the
 * report changed since it was read.
 */
export async function reviseIfVersion(
  tx: Tx,
  report: { id: string; version: number; status: JointReportRow['status'] },
  set: Partial<
    Pick<
      JointReportRow,
      'docNo' | 'liveDocNo' | 'reportDate' | 'miitSignedBy' | 'miitSignedAt' | 'financeSignedBy' | 'financeSignedAt' | 'status'
    >
  >,
  now: number,
): Promise<boolean> {
  const res = await em(tx)
    .getRepository(JointReportEntity)
    .createQueryBuilder()
    .update()
    .set({ ...set, version: () => 'version + 1', updatedAt: now })
    .where('id = :id AND version = :version AND status = :status', { id: report.id, version: report.version, status: report.status })
    .execute();
  return res.affected === 1;
}

/** A sign-off, under the optimistic lock: false when the report changed since it was read. */
export async function signIfVersion(
  tx: Tx,
  report: { id: string; version: number },
  set: Partial<Pick<JointReportRow, 'miitSignedBy' | 'miitSignedAt' | 'financeSignedBy' | 'financeSignedAt'>>,
  status: JointReportRow['status'],
  now: number,
): Promise<boolean> {
  const res = await em(tx)
    .getRepository(JointReportEntity)
    .createQueryBuilder()
    .update()
    .set({ ...set, status, version: () => 'version + 1', updatedAt: now })
    .where('id = :id AND version = :version', { id: report.id, version: report.version })
    .execute();
  return res.affected === 1;
}
