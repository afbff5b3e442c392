import { em } from './orm';
import type { Tx } from './tx';
import { insertRow } from './rows';
import { DocumentVersionEntity, type DocumentVersionRow } from './entities';

/**
 * The versions of drafted documents (joint reports, proposed lists): each change adds a row with the
 * document as it then stood — 文号, date, members — and who changed it, when and why. Never edited.
 */
export type DocumentVersion = DocumentVersionRow;

/** Adds the next version; the document's row lock (taken by its conditional UPDATE) keeps `seq` serial. */
export async function appendDocumentVersion(tx: Tx, row: Omit<DocumentVersion, 'seq'>): Promise<DocumentVersion> {
  const last = await em(tx)
    .getRepository(DocumentVersionEntity)
    .findOne({ where: { documentType: row.documentType, documentId: row.documentId }, order: { seq: 'DESC' } });
  const version: DocumentVersion = { ...row, seq: (last?.seq ?? 0) + 1 };
  await insertRow(em(tx), DocumentVersionEntity, version);
  return version;
}

/** A document's versions, oldest first. */
export async function versionsOf(tx: Tx, documentType: DocumentVersion['documentType'], documentId: string): Promise<DocumentVersion[]> {
  return em(tx)
    .getRepository(DocumentVersionEntity)
    .find({ where: { documentType, documentId }, order: { seq: 'ASC' } });
}
