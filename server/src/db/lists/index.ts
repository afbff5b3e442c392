import { em } from '../orm';
import { In } from 'typeorm';
import type { Tx } from '../tx';
import { SubsidyListEntity, SubsidyListItemEntity, type SubsidyListItemRow, type SubsidyListRow } from '../entities';
import { insertRow } from '../rows';
import { nextInSequence } from '../sequences';
import { num, numOrNull } from '../values';

/**
 * The proposed lists (拟补贴名单) and their lines: a list row whose every change goes through a
 * conditional UPDATE of its version (bumpList), and one line per application put on it.
 */
export type SubsidyList = SubsidyListRow;
export type ListStatus = SubsidyList['status'];
export type ListItem = SubsidyListItemRow;

export async function findList(tx: Tx, id: string): Promise<SubsidyList | null> {
  return em(tx).getRepository(SubsidyListEntity).findOne({ where: { id } });
}

export async function insertList(tx: Tx, list: SubsidyList): Promise<void> {
  await insertRow(em(tx), SubsidyListEntity, list);
}

/** The next batch number of the year's lists: gap-free, consumed only if the transaction commits. */
export async function nextListBatchNo(tx: Tx, year: number): Promise<number> {
  return nextInSequence(em(tx), `subsidy-list-${year}`);
}

/**
 * The conditional UPDATE that every change of a list starts with: it takes the list's row lock and
 * bumps its version, or returns false when someone changed the list (version or status) since it was read.
 */
export async function bumpList(tx: Tx, list: SubsidyList, set: Partial<SubsidyList>, now: number): Promise<boolean> {
  const res = await em(tx)
    .getRepository(SubsidyListEntity)
    .createQueryBuilder()
    .update()
    .set({ ...(set as Record<string, unknown>), version: () => 'version + 1', updatedAt: now })
    .where('id = :id AND version = :version AND status = :status', { id: list.id, version: list.version, status: list.status })
    .execute();
  return res.affected === 1;
}

export interface ListOverview {
  id: string;
  year: number;
  batchNo: number;
  status: ListStatus;
  noticeStart: string | null;
  noticeEnd: string | null;
  /** The round (申报批次) of its applications; null: from before rounds. */
  roundId: string | null;
  draftedBy: string;
  cosignedBy: string | null;
  approvedBy: string | null;
  version: number;
  createdAt: number;
  updatedAt: number;
  /** Lines not removed, and the sum of their 核定金额. */
  itemCount: number;
  verifiedTotalFen: number;
}

/** The lists, newest year and batch first (at most 200). */
export async function listOverviews(tx: Tx, filter: { year?: number; status?: ListStatus }): Promise<ListOverview[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.year !== undefined) {
    where.push('l.year = ?');
    params.push(filter.year);
  }
  if (filter.status) {
    where.push('l.status = ?');
    params.push(filter.status);
  }
  const rows: {
    id: string;
    year: number | string;
    batch_no: number | string;
    status: ListStatus;
    notice_start: string | null;
    notice_end: string | null;
    round_id: string | null;
    drafted_by: string;
    cosigned_by: string | null;
    approved_by: string | null;
    version: number | string;
    created_at: number | string;
    updated_at: number | string;
    n: number | string | null;
    total: number | string | null;
  }[] = await em(tx).query(
    `SELECT l.id, l.year, l.batch_no, l.status, l.notice_start, l.notice_end, l.round_id, l.drafted_by, l.cosigned_by, l.approved_by, l.version, l.created_at, l.updated_at,
       (SELECT COUNT(*) FROM subsidy_list_items i WHERE i.list_id = l.id AND i.removed_at IS NULL) AS n,
       (SELECT SUM(i.verified_fen) FROM subsidy_list_items i WHERE i.list_id = l.id AND i.removed_at IS NULL) AS total
     FROM subsidy_lists l ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY l.year DESC, l.batch_no DESC LIMIT 200`,
    params,
  );
  return rows.map((r) => ({
    id: r.id,
    year: num(r.year),
    batchNo: num(r.batch_no),
    status: r.status,
    noticeStart: r.notice_start,
    noticeEnd: r.notice_end,
    roundId: r.round_id ?? null,
    draftedBy: r.drafted_by,
    cosignedBy: r.cosigned_by,
    approvedBy: r.approved_by,
    version: num(r.version),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
    itemCount: num(r.n),
    verifiedTotalFen: num(r.total),
  }));
}

/** A list's lines, removed ones included, in the order they were put on. */
export async function listItems(tx: Tx, listId: string): Promise<ListItem[]> {
  const rows: {
    id: string;
    application_id: string;
    verified_fen: number | string;
    removed_at: number | string | null;
    removed_reason: string | null;
  }[] = await em(tx).query(
    'SELECT id, application_id, verified_fen, removed_at, removed_reason FROM subsidy_list_items WHERE list_id = ? ORDER BY id ASC',
    [listId],
  );
  return rows.map((r) => ({
    id: r.id,
    listId,
    applicationId: r.application_id,
    verifiedFen: num(r.verified_fen),
    removedAt: numOrNull(r.removed_at),
    removedReason: r.removed_reason,
  }));
}

export async function findListItem(tx: Tx, listId: string, applicationId: string): Promise<ListItem | null> {
  return em(tx).getRepository(SubsidyListItemEntity).findOne({ where: { listId, applicationId } });
}

export async function insertListItem(tx: Tx, item: ListItem): Promise<void> {
  await insertRow(em(tx), SubsidyListItemEntity, item);
}

/** Puts a removed line back on its list with the application's 核定金额 now (its removal stays in the history). */
export async function reinstateListItem(tx: Tx, itemId: string, verifiedFen: number): Promise<void> {
  await em(tx).getRepository(SubsidyListItemEntity).update({ id: itemId }, { verifiedFen, removedAt: null, removedReason: null });
}

export async function removeListItem(tx: Tx, itemId: string, removedAt: number, reason: string): Promise<void> {
  await em(tx).getRepository(SubsidyListItemEntity).update({ id: itemId }, { removedAt, removedReason: reason });
}

/** Takes the application's live line off the list (its payments changed under it). */
export async function removeApplicationFromList(
  tx: Tx,
  listId: string,
  applicationId: string,
  removedAt: number,
  reason: string,
): Promise<void> {
  await em(tx)
    .getRepository(SubsidyListItemEntity)
    .createQueryBuilder()
    .update()
    .set({ removedAt, removedReason: reason })
    .where('list_id = :list AND application_id = :app AND removed_at IS NULL', { list: listId, app: applicationId })
    .execute();
}

/** Lists in their notice (公示) whose period ended before `today` ('YYYY-MM-DD') and whose end is not announced yet. */
export async function listsWithNoticeEndUnannounced(tx: Tx, today: string): Promise<SubsidyList[]> {
  return em(tx)
    .getRepository(SubsidyListEntity)
    .createQueryBuilder('l')
    .where("l.status = 'notice' AND l.noticeEnd < :today", { today })
    .andWhere('(l.noticeEndAnnounced IS NULL OR l.noticeEndAnnounced <> l.noticeEnd)')
    .orderBy('l.noticeEnd', 'ASC')
    .getMany();
}

/**
 * Claims the announcement of the list's notice end (`noticeEnd` as read): true for exactly one caller
 * across instances; the list's version does not move (an approver's view stays current).
 */
export async function claimNoticeEndAnnouncement(tx: Tx, id: string, noticeEnd: string): Promise<boolean> {
  const res = await em(tx)
    .getRepository(SubsidyListEntity)
    .createQueryBuilder()
    .update()
    .set({ noticeEndAnnounced: noticeEnd })
    .where("id = :id AND status = 'notice' AND notice_end = :noticeEnd", { id, noticeEnd })
    .andWhere('(notice_end_announced IS NULL OR notice_end_announced <> notice_end)')
    .execute();
  return res.affected === 1;
}

/** Who drafted, co-signed and approved each list, its state and notice end: the digest's four-eyes facts. */
export async function listSignatories(
  tx: Tx,
  ids: readonly string[],
): Promise<Map<string, Pick<SubsidyList, 'id' | 'status' | 'draftedBy' | 'cosignedBy' | 'approvedBy' | 'noticeEnd'>>> {
  if (ids.length === 0) return new Map();
  const rows = await em(tx)
    .getRepository(SubsidyListEntity)
    .find({
      where: { id: In([...new Set(ids)]) },
      select: { id: true, status: true, draftedBy: true, cosignedBy: true, approvedBy: true, noticeEnd: true },
    });
  return new Map(rows.map((r) => [r.id, r]));
}
