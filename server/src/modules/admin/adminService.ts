import type { Database } from '../../db/database';
import { auditChain } from '../../db/audit';
import { activeGrants, activeGrantsOfRoles, findUser, membershipsOf, revokeGrants, userDisplayName } from '../../db/users';
import { verifyAuditTrail, type AuditTrail } from '../audit/audit';
import { ConflictError, NotFoundError } from '../errors';
import { publicUser, type PublicUser } from '../auth/users';
import { countyName, grantLabel, membershipConflict, type Role } from '../../../../shared/src/contracts/roles';

export class AdminService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    private readonly auditKey: string,
    private readonly now: () => number = Date.now,
  ) {}

  async revokeRole(
    actorId: string,
    userId: string,
    input: { role: string; countyCode?: string | null; reason: string },
  ): Promise<PublicUser> {
    return this.db.transaction(async (tx) => {
      if (!(await findUser(tx, userId))) throw new NotFoundError('没有这个用户');
      if (!(await revokeGrants(tx, userId, input.role, input.countyCode ?? null, this.now())))
        throw new ConflictError('该用户没有这个角色，无需撤销', 'role_not_held');
      await this.audit.append(tx, {
        action: 'role.revoke',
        actorId,
        entityType: 'user',
        entityId: userId,
        data: { role: input.role, countyCode: input.countyCode ?? null, reason: input.reason },
      });
      return publicUser(userId, await activeGrants(tx, userId));
    });
  }

  /**
   * People who hold a reviewer role over an enterprise or provider they belong to (DESIGN.md, "Four
   * eyes"): redemption refuses this today, but roles given before, or by hand, may still pair up.
   * The admin revokes one side; until then the engine refuses them their own cases anyway.
   */
  async roleConflicts(): Promise<
    { userId: string; displayName: string | null; role: Role; countyCode: string | null; roleLabel: string; conflict: string }[]
  > {
    return this.db.read(async (tx) => {
      const grants = await activeGrantsOfRoles(tx, ['county_miit', 'county_finance', 'city_miit', 'city_finance']);
      const out: Awaited<ReturnType<AdminService['roleConflicts']>> = [];
      for (const g of grants) {
        const grant = { role: g.role, countyCode: g.countyCode };
        for (const membership of await membershipsOf(tx, g.userId)) {
          const conflict = membershipConflict(grant, membership);
          if (!conflict) continue;
          out.push({
            userId: g.userId,
            displayName: await userDisplayName(tx, g.userId),
            role: grant.role,
            countyCode: grant.countyCode,
            roleLabel: grantLabel(grant),
            conflict: `担任${grantLabel(grant)}，同时是${membership.kind === 'provider' ? `云服务商“${membership.name || '未命名'}”的账号` : `${countyName(membership.countyCode) ?? ''}企业“${membership.name}”的成员`}`,
          });
        }
      }
      return out;
    });
  }

  async auditOf(entityType: string, entityId: string) {
    const rows = await this.db.read((tx) => auditChain(tx, `${entityType}:${entityId}`, 500));
    return rows.map((r) => ({
      seq: r.seq,
      action: r.action,
      actorId: r.actorId,
      data: r.data,
      at: new Date(r.createdAt).toISOString(),
      hash: r.hash,
    }));
  }

  verifyAudit() {
    return verifyAuditTrail(this.db, this.auditKey);
  }
}
