import type { Database } from '../../db/database';
import { AuditEntity, UserEntity, UserRoleEntity } from '../../db/entities';
import { verifyAuditTrail, type AuditTrail } from '../audit/audit';
import { ConflictError, NotFoundError } from '../errors';
import { activeGrants, membershipsOf, publicUser, type PublicUser } from '../auth/users';
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
      const user = await tx.getRepository(UserEntity).findOne({ where: { id: userId } });
      if (!user) throw new NotFoundError('没有这个用户');
      const qb = tx
        .getRepository(UserRoleEntity)
        .createQueryBuilder()
        .update()
        .set({ revokedAt: this.now() })
        .where('user_id = :userId AND role = :role AND revoked_at IS NULL', { userId, role: input.role });
      if (input.countyCode) qb.andWhere('county_code = :county', { county: input.countyCode });
      const res = await qb.execute();
      if (!res.affected) throw new ConflictError('该用户没有这个角色，无需撤销', 'role_not_held');
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
    return this.db.run(async (m) => {
      const grants = await m
        .getRepository(UserRoleEntity)
        .createQueryBuilder('r')
        .where('r.revokedAt IS NULL AND r.role IN (:...roles)', { roles: ['county_miit', 'county_finance', 'city_miit', 'city_finance'] })
        .orderBy('r.createdAt', 'ASC')
        .getMany();
      const out: Awaited<ReturnType<AdminService['roleConflicts']>> = [];
      for (const g of grants) {
        const grant = { role: g.role as Role, countyCode: g.countyCode };
        for (const membership of await membershipsOf(m, g.userId)) {
          const conflict = membershipConflict(grant, membership);
          if (!conflict) continue;
          const user = await m.getRepository(UserEntity).findOne({ select: { id: true, displayName: true }, where: { id: g.userId } });
          out.push({
            userId: g.userId,
            displayName: user?.displayName ?? null,
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
    const rows = await this.db.run((m) =>
      m.getRepository(AuditEntity).find({ where: { chain: `${entityType}:${entityId}` }, order: { seq: 'ASC' }, take: 500 }),
    );
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
