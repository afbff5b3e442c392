import { EntitySchema } from 'typeorm';
import { col } from '../columns';
import { COUNTY_CODE_LENGTH } from './common';

export interface UserRow {
  id: string;
  mpOpenid: string | null;
  unionid: string | null;
  oaOpenid: string | null;
  displayName: string | null;
  phone: string | null;
  status: 'active' | 'disabled';
  createdAt: number;
  updatedAt: number;
}
export const UserEntity = new EntitySchema<UserRow>({
  name: 'User',
  tableName: 'users',
  columns: {
    id: col.id(),
    mpOpenid: { ...col.str(64, true), name: 'mp_openid' },
    unionid: { ...col.str(64, true) },
    oaOpenid: { ...col.str(64, true), name: 'oa_openid' },
    displayName: { ...col.str(64, true), name: 'display_name' },
    phone: col.str(32, true),
    status: col.str(16),
    createdAt: { ...col.ms(), name: 'created_at' },
    updatedAt: { ...col.ms(), name: 'updated_at' },
  },
});

export interface UserRoleRow {
  id: string;
  userId: string;
  role: string;
  countyCode: string | null;
  grantedBy: string | null;
  invitationId: string | null;
  createdAt: number;
  revokedAt: number | null;
}
export const UserRoleEntity = new EntitySchema<UserRoleRow>({
  name: 'UserRole',
  tableName: 'user_roles',
  columns: {
    id: col.id(),
    userId: { ...col.ref(), name: 'user_id' },
    role: col.str(32),
    countyCode: { ...col.str(COUNTY_CODE_LENGTH, true), name: 'county_code' },
    grantedBy: { ...col.ref(true), name: 'granted_by' },
    invitationId: { ...col.ref(true), name: 'invitation_id' },
    createdAt: { ...col.ms(), name: 'created_at' },
    revokedAt: { ...col.ms(true), name: 'revoked_at' },
  },
});

export interface SessionRow {
  id: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}
export const SessionEntity = new EntitySchema<SessionRow>({
  name: 'Session',
  tableName: 'sessions',
  columns: {
    // sha256 of the bearer token: a stolen database does not yield usable tokens.
    id: { type: 'varchar', length: 64, primary: true },
    userId: { ...col.ref(), name: 'user_id' },
    createdAt: { ...col.ms(), name: 'created_at' },
    expiresAt: { ...col.ms(), name: 'expires_at' },
    revokedAt: { ...col.ms(true), name: 'revoked_at' },
  },
});

export interface InvitationRow {
  id: string;
  codeHash: string;
  role: string;
  countyCode: string | null;
  note: string | null;
  /** The name of the person the code is for: their display name once they redeem it (none before). */
  inviteeName: string | null;
  createdBy: string | null;
  createdAt: number;
  expiresAt: number;
  usedBy: string | null;
  usedAt: number | null;
  revokedAt: number | null;
  /** The last refusal of this code for a conflict of interest (DESIGN.md, "Four eyes"). */
  refusedAt: number | null;
  refusedBy: string | null;
  refusedReason: string | null;
}
export const InvitationEntity = new EntitySchema<InvitationRow>({
  name: 'Invitation',
  tableName: 'invitations',
  columns: {
    id: col.id(),
    codeHash: { type: 'varchar', length: 64, name: 'code_hash' },
    role: col.str(32),
    countyCode: { ...col.str(COUNTY_CODE_LENGTH, true), name: 'county_code' },
    note: col.str(200, true),
    inviteeName: { ...col.str(64, true), name: 'invitee_name' },
    createdBy: { ...col.ref(true), name: 'created_by' },
    createdAt: { ...col.ms(), name: 'created_at' },
    expiresAt: { ...col.ms(), name: 'expires_at' },
    usedBy: { ...col.ref(true), name: 'used_by' },
    usedAt: { ...col.ms(true), name: 'used_at' },
    revokedAt: { ...col.ms(true), name: 'revoked_at' },
    refusedAt: { ...col.ms(true), name: 'refused_at' },
    refusedBy: { ...col.ref(true), name: 'refused_by' },
    refusedReason: { ...col.str(300, true), name: 'refused_reason' },
  },
});
