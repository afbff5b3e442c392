import { EntitySchema } from 'typeorm';
import { col } from '../columns';
import { JsonObject } from './common';

export interface ProviderRow {
  id: string;
  ownerUserId: string;
  companyName: string;
  platformName: string | null;
  /** The filing (备案): draft → submitted → approved | returned | rejected, later revoked. */
  status: 'draft' | 'submitted' | 'approved' | 'returned' | 'rejected' | 'revoked';
  filingNo: string | null;
  /** 三（一）: the server's date at approval, never typed in; the date contracts are compared with. */
  approvedOn: string | null;
  revokedOn: string | null;
  form: JsonObject | null;
  version: number;
  submittedAt: number | null;
  createdAt: number;
  updatedAt: number;
}
export const ProviderEntity = new EntitySchema<ProviderRow>({
  name: 'Provider',
  tableName: 'providers',
  columns: {
    id: col.id(),
    ownerUserId: { ...col.ref(), name: 'owner_user_id' },
    companyName: { ...col.str(100), name: 'company_name' },
    platformName: { ...col.str(100, true), name: 'platform_name' },
    status: col.str(16),
    filingNo: { ...col.str(32, true), name: 'filing_no' },
    approvedOn: { ...col.date(), name: 'approved_on' },
    revokedOn: { ...col.date(), name: 'revoked_on' },
    form: col.json(),
    version: col.version(),
    submittedAt: { ...col.ms(true), name: 'submitted_at' },
    createdAt: { ...col.ms(), name: 'created_at' },
    updatedAt: { ...col.ms(), name: 'updated_at' },
  },
});

export interface ProviderEventRow {
  id: string;
  providerId: string;
  seq: number;
  event: string;
  fromStatus: string | null;
  toStatus: string;
  actorId: string | null;
  /** Shown to the provider. */
  reason: string | null;
  data: JsonObject | null;
  createdAt: number;
}
export const ProviderEventEntity = new EntitySchema<ProviderEventRow>({
  name: 'ProviderEvent',
  tableName: 'provider_events',
  columns: {
    id: col.id(),
    providerId: { ...col.ref(), name: 'provider_id' },
    seq: col.int(),
    event: col.str(32),
    fromStatus: { ...col.str(32, true), name: 'from_status' },
    toStatus: { ...col.str(32), name: 'to_status' },
    actorId: { ...col.ref(true), name: 'actor_id' },
    reason: col.text(),
    data: col.json(),
    createdAt: { ...col.ms(), name: 'created_at' },
  },
});
