import { EntitySchema } from 'typeorm';
import { col } from '../columns';
import { COUNTY_CODE_LENGTH } from './common';

export interface EnterpriseRow {
  id: string;
  creditCode: string;
  name: string;
  countyCode: string;
  establishedOn: string | null;
  industryCode: string | null;
  legalRepresentative: string | null;
  address: string | null;
  contactName: string | null;
  contactPhone: string | null;
  /** pending: the county has not yet checked the licence and letter of authorisation. */
  status: 'pending' | 'verified' | 'disputed' | 'rejected';
  version: number;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}
export const EnterpriseEntity = new EntitySchema<EnterpriseRow>({
  name: 'Enterprise',
  tableName: 'enterprises',
  columns: {
    id: col.id(),
    creditCode: { ...col.str(18), name: 'credit_code' },
    name: col.str(100),
    countyCode: { ...col.str(COUNTY_CODE_LENGTH), name: 'county_code' },
    establishedOn: { ...col.date(), name: 'established_on' },
    industryCode: { ...col.str(4, true), name: 'industry_code' },
    legalRepresentative: { ...col.str(50, true), name: 'legal_representative' },
    address: col.str(200, true),
    contactName: { ...col.str(50, true), name: 'contact_name' },
    contactPhone: { ...col.str(32, true), name: 'contact_phone' },
    status: col.str(16),
    version: col.version(),
    createdBy: { ...col.ref(), name: 'created_by' },
    createdAt: { ...col.ms(), name: 'created_at' },
    updatedAt: { ...col.ms(), name: 'updated_at' },
  },
});

export interface EnterpriseMemberRow {
  id: string;
  enterpriseId: string;
  userId: string;
  memberRole: 'owner' | 'member';
  status: 'pending' | 'active' | 'removed';
  createdAt: number;
}
export const EnterpriseMemberEntity = new EntitySchema<EnterpriseMemberRow>({
  name: 'EnterpriseMember',
  tableName: 'enterprise_members',
  columns: {
    id: col.id(),
    enterpriseId: { ...col.ref(), name: 'enterprise_id' },
    userId: { ...col.ref(), name: 'user_id' },
    memberRole: { ...col.str(16), name: 'member_role' },
    status: col.str(16),
    createdAt: { ...col.ms(), name: 'created_at' },
  },
});

export interface EnterpriseInvitationRow {
  id: string;
  enterpriseId: string;
  codeHash: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
  usedBy: string | null;
  usedAt: number | null;
  /** Wrong tries on this code's enterprise while it was open; at JOIN_CODE_MAX_FAILURES it locks. */
  failedAttempts: number;
  lockedAt: number | null;
}
export const EnterpriseInvitationEntity = new EntitySchema<EnterpriseInvitationRow>({
  name: 'EnterpriseInvitation',
  tableName: 'enterprise_invitations',
  columns: {
    id: col.id(),
    enterpriseId: { ...col.ref(), name: 'enterprise_id' },
    codeHash: { ...col.str(64), name: 'code_hash' },
    createdBy: { ...col.ref(), name: 'created_by' },
    createdAt: { ...col.ms(), name: 'created_at' },
    expiresAt: { ...col.ms(), name: 'expires_at' },
    usedBy: { ...col.ref(true), name: 'used_by' },
    usedAt: { ...col.ms(true), name: 'used_at' },
    failedAttempts: { ...col.int(), name: 'failed_attempts', default: 0 },
    lockedAt: { ...col.ms(true), name: 'locked_at' },
  },
});

/** One request to change verified fields of the profile (shared/src/workflow/profileChange.ts): its values and its outcome. */
export interface EnterpriseProfileChangeRow {
  id: string;
  enterpriseId: string;
  /** The county that verifies it: the enterprise's registered county when it was asked for. */
  countyCode: string;
  status: 'pending' | 'verified' | 'refused' | 'withdrawn';
  /** Each changed field with the verified value it replaces and the value asked for. */
  changes: Record<string, { from: string | null; to: string | null }>;
  requestedBy: string;
  requestedAt: number;
  decidedBy: string | null;
  decidedAt: number | null;
  reason: string | null;
}
export const EnterpriseProfileChangeEntity = new EntitySchema<EnterpriseProfileChangeRow>({
  name: 'EnterpriseProfileChange',
  tableName: 'enterprise_profile_changes',
  columns: {
    id: col.id(),
    enterpriseId: { ...col.ref(), name: 'enterprise_id' },
    countyCode: { ...col.str(COUNTY_CODE_LENGTH), name: 'county_code' },
    status: col.str(16),
    changes: col.json(false),
    requestedBy: { ...col.ref(), name: 'requested_by' },
    requestedAt: { ...col.ms(), name: 'requested_at' },
    decidedBy: { ...col.ref(true), name: 'decided_by' },
    decidedAt: { ...col.ms(true), name: 'decided_at' },
    reason: col.str(500, true),
  },
});
