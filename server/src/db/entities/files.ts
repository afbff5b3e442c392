import { EntitySchema } from 'typeorm';
import { col } from '../columns';

export interface StoredFileRow {
  id: string;
  ownerType: string;
  ownerId: string;
  kind: string;
  originalName: string;
  mime: string;
  sizeBytes: number;
  sha256: string;
  storageKey: string;
  uploadedBy: string;
  /** A replaced file stays, pointing to its successor: the history keeps every version. */
  supersededBy: string | null;
  createdAt: number;
}
export const StoredFileEntity = new EntitySchema<StoredFileRow>({
  name: 'StoredFile',
  tableName: 'files',
  columns: {
    id: col.id(),
    ownerType: { ...col.str(32), name: 'owner_type' },
    ownerId: { ...col.ref(), name: 'owner_id' },
    kind: col.str(48),
    originalName: { ...col.str(255), name: 'original_name' },
    mime: col.str(64),
    sizeBytes: { ...col.ms(), name: 'size_bytes' },
    sha256: col.str(64),
    storageKey: { ...col.str(128), name: 'storage_key' },
    uploadedBy: { ...col.ref(), name: 'uploaded_by' },
    supersededBy: { ...col.ref(true), name: 'superseded_by' },
    createdAt: { ...col.ms(), name: 'created_at' },
  },
});
