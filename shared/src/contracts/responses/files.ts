import { z } from 'zod';
import { count, idField, timestamp } from './common';

/** Materials: what is told of a stored file (server/src/modules/files). Its bytes come from …/content. */

export const duplicateRefSchema = z.strictObject({ ownerType: z.string(), ownerId: idField }).meta({ id: 'DuplicateRef' });

export const storedFileSchema = z
  .strictObject({
    id: idField,
    ownerType: z.string(),
    ownerId: idField,
    kind: z.string(),
    name: z.string(),
    mime: z.enum(['application/pdf', 'image/jpeg', 'image/png']),
    sizeBytes: count,
    sha256: z.string(),
    createdAt: timestamp,
    uploadedBy: idField,
    supersededBy: idField.nullable(),
    duplicateOf: z.array(duplicateRefSchema).optional().describe('与其他对象的文件字节相同：只对审核人员显示'),
  })
  .meta({ id: 'StoredFile' });
export type StoredFile = z.infer<typeof storedFileSchema>;

export const fileListSchema = z.strictObject({ files: z.array(storedFileSchema) }).meta({ id: 'FileList' });
export const fileEnvelopeSchema = z.strictObject({ file: storedFileSchema }).meta({ id: 'FileEnvelope' });
