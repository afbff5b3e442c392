import type { Tx } from '../db/tx';
import { appendDocumentVersion, versionsOf, type DocumentVersion } from '../db/documentVersions';
import { applicationsByIds } from '../db/applications/readers';
import { actorNames } from '../db/users';
import { newId } from '../ids';
import { ROLE_LABELS, type Role } from '../../../shared/src/contracts/roles';

/**
 * The versions of a drafted document (DESIGN.md "Corrections after the fact": each version of a
 * document stays in the history): written with every change of a joint report or proposed list's
 * 文号, date or members, and read back as the document's history in plain words.
 */

const CHANGE_LABELS: Record<DocumentVersion['changeKind'], string> = { created: '起草', corrected: '更正', cancelled: '撤销' };

export interface VersionInput {
  documentType: DocumentVersion['documentType'];
  documentId: string;
  changeKind: DocumentVersion['changeKind'];
  status: string;
  docNo: string | null;
  docDate: string | null;
  applicationIds: readonly string[];
  reason: string | null;
  actorId: string;
  actorRole: Role | null;
  now: number;
}

export function recordVersion(tx: Tx, v: VersionInput): Promise<DocumentVersion> {
  return appendDocumentVersion(tx, {
    id: newId(),
    documentType: v.documentType,
    documentId: v.documentId,
    changeKind: v.changeKind,
    status: v.status,
    docNo: v.docNo,
    docDate: v.docDate,
    applicationIds: [...v.applicationIds],
    reason: v.reason,
    actorId: v.actorId,
    actorRole: v.actorRole,
    createdAt: v.now,
  });
}

/** The document's history, oldest first, with the members' 申报编号 and the actors' names (where known). */
export async function versionHistory(tx: Tx, documentType: DocumentVersion['documentType'], documentId: string) {
  const versions = await versionsOf(tx, documentType, documentId);
  const apps = new Map(
    (
      await applicationsByIds(
        tx,
        versions.flatMap((v) => v.applicationIds),
      )
    ).map((a) => [a.id, a]),
  );
  const names = await actorNames(
    tx,
    versions.map((v) => v.actorId),
  );
  return versions.map((v) => ({
    seq: v.seq,
    change: v.changeKind,
    changeLabel: CHANGE_LABELS[v.changeKind],
    docNo: v.docNo,
    docDate: v.docDate,
    applicationIds: v.applicationIds,
    trackingNos: v.applicationIds.map((id) => apps.get(id)?.trackingNo ?? '（未编号）'),
    reason: v.reason,
    actorId: v.actorId,
    actorName: names.get(v.actorId) ?? null,
    actorRoleLabel: v.actorRole ? (ROLE_LABELS[v.actorRole as Role] ?? null) : null,
    at: v.createdAt,
  }));
}
