import { packCounties } from '../pack/accessors';

/** A county's GB/T 2260 code; which codes exist is the installed pack's, checked by isCountyCode at run time. */
export type CountyCode = string;

export function isCountyCode(s: string): boolean {
  return packCounties().some((c) => c.code === s);
}

export function countyName(code: string): string | undefined {
  return packCounties().find((c) => c.code === code)?.name;
}

export const ROLES = ['enterprise', 'provider', 'county_miit', 'county_finance', 'city_miit', 'city_finance', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  enterprise: '上云企业',
  provider: '云服务商',
  county_miit: '县（市）区工信部门',
  county_finance: '县（市）区财政部门',
  city_miit: '市工信局',
  city_finance: '市财政局',
  admin: '系统管理员',
};

/** Roles that only an invitation code grants; the others come from registering an enterprise or a filing. */
export const INVITED_ROLES = ['county_miit', 'county_finance', 'city_miit', 'city_finance', 'admin'] as const;
export type InvitedRole = (typeof INVITED_ROLES)[number];

export const COUNTY_ROLES = ['county_miit', 'county_finance'] as const;

export function isCountyRole(role: string): boolean {
  return (COUNTY_ROLES as readonly string[]).includes(role);
}

export interface RoleGrant {
  role: Role;
  /** Set exactly for the county roles: the one county the holder reviews. */
  countyCode: string | null;
}

/**
 * Four eyes: nobody holds both departments' roles at one level (工信 and 财政 of a county, or of
 * the city). Returns the Chinese reason when adding `candidate` to `held` would break that, or null.
 */
export function separationOfDutiesConflict(held: readonly RoleGrant[], candidate: RoleGrant): string | null {
  const pairs: [Role, Role, string][] = [
    ['county_miit', 'county_finance', '同一人不能同时担任县级工信和财政两个部门的审核角色'],
    ['city_miit', 'city_finance', '同一人不能同时担任市工信局和市财政局两个部门的角色'],
  ];
  for (const [a, b, message] of pairs) {
    const other = candidate.role === a ? b : candidate.role === b ? a : null;
    if (other !== null && held.some((g) => g.role === other)) return message;
  }
  return null;
}

/** A grant as a person reads it: "<county>工信部门", "市财政局". */
export function grantLabel(g: RoleGrant): string {
  if (isCountyRole(g.role)) return `${countyName(g.countyCode ?? '') ?? ''}${ROLE_LABELS[g.role].replace('县（市）区', '')}`;
  return ROLE_LABELS[g.role];
}

/** What a person belongs to outside the bureaus: an enterprise (with its county) or a cloud provider. */
export type Membership = { kind: 'enterprise'; name: string; countyCode: string } | { kind: 'provider'; name: string };

const CITY_REVIEW_ROLES: readonly Role[] = ['city_miit', 'city_finance'];

/**
 * Four eyes (DESIGN.md, "Four eyes"): nobody holds a reviewer role over an enterprise or provider
 * they belong to, whichever came first. A county department reviews the applications of its county
 * and judges the providers' service (服务商服务质量), so a county role excludes membership of an
 * enterprise of that county and of any provider; the city reviews, lists and pays every county's
 * cases, so a city role excludes any enterprise or provider membership. Returns the Chinese reason,
 * naming both sides, or null when the two may be held together.
 */
export function membershipConflict(grant: RoleGrant, membership: Membership): string | null {
  const role = ROLE_LABELS[grant.role];
  if (isCountyRole(grant.role)) {
    const county = countyName(grant.countyCode ?? '') ?? '本县';
    if (membership.kind === 'provider')
      return `您是云服务商“${membership.name || '未命名'}”的账号，不能担任${grantLabel(grant)}的审核角色：县里要评价服务商的服务质量`;
    if (membership.countyCode === grant.countyCode)
      return `您是${county}企业“${membership.name}”的成员，不能担任${grantLabel(grant)}的审核角色：不能审核自己企业的申报`;
    return null;
  }
  if (CITY_REVIEW_ROLES.includes(grant.role)) {
    if (membership.kind === 'provider') return `您是云服务商“${membership.name || '未命名'}”的账号，不能担任${role}的审核角色`;
    return `您是企业“${membership.name}”的成员，不能担任${role}的审核角色：不能审核自己企业的申报`;
  }
  return null;
}

/** The first conflict between any of `grants` and any of `memberships`, or null. */
export function firstMembershipConflict(grants: readonly RoleGrant[], memberships: readonly Membership[]): string | null {
  for (const g of grants)
    for (const m of memberships) {
      const c = membershipConflict(g, m);
      if (c) return c;
    }
  return null;
}
