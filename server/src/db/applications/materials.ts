import { In } from 'typeorm';
import { em } from '../orm';
import type { TxBrand } from '../tx';
import { StoredFileEntity, type StoredFileRow } from '../entities';

/** The enterprise's materials of an application: files owned by it, every version. */

export async function materialFiles(tx: TxBrand, applicationId: string): Promise<StoredFileRow[]> {
  return em(tx)
    .getRepository(StoredFileEntity)
    .find({ where: { ownerType: 'application', ownerId: applicationId }, order: { createdAt: 'ASC', id: 'ASC' } });
}

/** Who else holds files with these hashes (any owner): to flag identical bytes. */
export async function holdersOfHashes(
  tx: TxBrand,
  hashes: readonly string[],
): Promise<{ sha256: string; ownerType: string; ownerId: string }[]> {
  if (!hashes.length) return [];
  return em(tx)
    .getRepository(StoredFileEntity)
    .find({ select: { sha256: true, ownerType: true, ownerId: true }, where: { sha256: In([...hashes]) } });
}

/** The kinds of material the application currently has (a replaced file counts through its successor). */
export async function currentMaterialKinds(tx: TxBrand, applicationId: string): Promise<string[]> {
  const rows: { kind: string }[] = await em(tx).query(
    "SELECT DISTINCT kind FROM files WHERE owner_type = 'application' AND owner_id = ? AND superseded_by IS NULL",
    [applicationId],
  );
  return rows.map((r) => r.kind);
}
