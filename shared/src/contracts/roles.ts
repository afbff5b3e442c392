/** The ten county-level divisions of today's Yichun (DESIGN.md, "Who uses it"). */
export const COUNTIES = [
  { code: '230717', name: '伊美区' },
  { code: '230718', name: '乌翠区' },
  { code: '230719', name: '友好区' },
  { code: '230722', name: '嘉荫县' },
  { code: '230723', name: '汤旺县' },
  { code: '230724', name: '丰林县' },
  { code: '230725', name: '大箐山县' },
  { code: '230726', name: '南岔县' },
  { code: '230751', name: '金林区' },
  { code: '230781', name: '铁力市' },
] as const;

export type CountyCode = (typeof COUNTIES)[number]['code'];

export function isCountyCode(s: string): s is CountyCode {
  return COUNTIES.some((c) => c.code === s);
}

export function countyName(code: string): string | undefined {
  return COUNTIES.find((c) => c.code === code)?.name;
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
