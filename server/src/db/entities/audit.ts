import { EntitySchema } from 'typeorm';
import { col } from '../columns';
import { JsonObject } from './common';

export interface AuditRow {
  id: string;
  /** One hash chain per audited entity, so that writes to different entities never wait on one row. */
  chain: string;
  seq: number;
  action: string;
  actorId: string | null;
  entityType: string;
  entityId: string;
  data: JsonObject | null;
  prevHash: string;
  hash: string;
  createdAt: number;
}
export const AuditEntity = new EntitySchema<AuditRow>({
  name: 'Audit',
  tableName: 'audit_log',
  columns: {
    id: col.id(),
    chain: col.str(80),
    seq: col.int(),
    action: col.str(64),
    actorId: { ...col.ref(true), name: 'actor_id' },
    entityType: { ...col.str(32), name: 'entity_type' },
    entityId: { ...col.str(64), name: 'entity_id' },
    data: col.json(),
    prevHash: { ...col.str(64), name: 'prev_hash' },
    hash: col.str(64),
    createdAt: { ...col.ms(), name: 'created_at' },
  },
});

export interface AuditHeadRow {
  chain: string;
  seq: number;
  hash: string;
  updatedAt: number;
}
export const AuditHeadEntity = new EntitySchema<AuditHeadRow>({
  name: 'AuditHead',
  tableName: 'audit_heads',
  columns: {
    chain: { type: 'varchar', length: 80, primary: true },
    seq: col.int(),
    hash: col.str(64),
    updatedAt: { ...col.ms(), name: 'updated_at' },
  },
});
