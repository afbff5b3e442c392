import type { Database } from '../../db/database';
import { AuditEntity, UserEntity, UserRoleEntity } from '../../db/entities';
import { verifyAuditTrail, type AuditTrail } from '../audit/audit';
import { ConflictError, NotFoundError } from '../../http/errors';
import { activeGrants, publicUser, type PublicUser } from '../auth/users';

export class AdminService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    private readonly auditKey: string,
    private readonly now: () => number = Date.now,
  ) {}

  async revokeRole(actorId: string, userId: string, input: { role: string; countyCode?: string | null; reason: string }): Promise<PublicUser> {
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
      await this.audit.append(tx, { action: 'role.revoke', actorId, entityType: 'user', entityId: userId, data: { role: input.role, countyCode: input.countyCode ?? null, reason: input.reason } });
      return publicUser(userId, await activeGrants(tx, userId));
    });
  }

  async auditOf(entityType: string, entityId: string) {
    const rows = await this.db.run((m) => m.getRepository(AuditEntity).find({ where: { chain: `${entityType}:${entityId}` }, order: { seq: 'ASC' }, take: 500 }));
    return rows.map((r) => ({ seq: r.seq, action: r.action, actorId: r.actorId, data: r.data, at: new Date(r.createdAt).toISOString(), hash: r.hash }));
  }

  verifyAudit() {
    return verifyAuditTrail(this.db, this.auditKey);
  }
}
