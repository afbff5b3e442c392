import { z } from 'zod';
import { applicationStateSchema, idField, timestamp, versionField } from './common';

/** A change of the receiving account (DESIGN.md "Corrections after the fact"): the account replaced and the new one, both kept. */
export const accountChangeSchema = z
  .strictObject({
    id: idField,
    applicationId: idField,
    trackingNo: z.string().nullable(),
    enterpriseName: z.string(),
    status: z.enum(['requested', 'confirmed', 'refused', 'withdrawn']),
    statusLabel: z.string().describe('给人看的状态'),
    oldAccount: z.strictObject({ accountName: z.string(), bankName: z.string(), accountNo: z.string() }).nullable(),
    newAccount: z.strictObject({ accountName: z.string(), bankName: z.string(), accountNo: z.string() }),
    reason: z.string().describe('企业说明的变更原因'),
    requestedAt: timestamp,
    decidedAt: timestamp.nullable(),
    decidedByName: z.string().nullable(),
    decisionReason: z.string().nullable(),
    version: versionField,
  })
  .meta({ id: 'AccountChange' });
export type AccountChangeView = z.infer<typeof accountChangeSchema>;

export const accountChangeEnvelopeSchema = z
  .strictObject({
    change: accountChangeSchema,
    application: z.strictObject({ id: idField, status: applicationStateSchema, version: versionField }),
  })
  .meta({ id: 'AccountChangeEnvelope' });

export const accountChangeListSchema = z.strictObject({ items: z.array(accountChangeSchema) }).meta({ id: 'AccountChangeList' });
