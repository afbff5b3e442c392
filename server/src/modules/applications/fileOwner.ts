import type { Database } from '../../db/database';
import { reviewsCounty } from '../actor';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors';
import { APPLICATION_MATERIALS } from '../../../../shared/src/contracts/application';
import type { OwnerTypeSpec } from '../files';
import { findApplication } from '../../db/applications';
import { isEnterpriseMember } from '../../db/enterprises';

/** The four materials of 三（三）2–5: the enterprise adds them while it may edit; its county and the city read them. */
export function applicationFileOwner(db: Database): OwnerTypeSpec {
  return {
    kinds: Object.fromEntries(APPLICATION_MATERIALS.map((m) => [m.kind, { label: m.label, maxFiles: 30 }])),
    async canAttach(auth, ownerId, kind) {
      const app = await db.read((m) => findApplication(m, ownerId));
      if (!app || !(await db.read((m) => isEnterpriseMember(m, app.enterpriseId, auth.userId))))
        throw new NotFoundError('没有这份申请，或您不是该企业的成员');
      if (!APPLICATION_MATERIALS.some((m) => m.kind === kind))
        throw new InvalidInputError('材料类别不对', [
          { path: 'kind', message: `须为 ${APPLICATION_MATERIALS.map((m) => m.kind).join('、')} 之一` },
        ]);
      if (app.status !== 'draft' && app.status !== 'returned')
        throw new ConflictError('申请已提交，材料不能再改；如需修改请等待退回', 'not_editable');
    },
    async canRead(auth, ownerId) {
      const app = await db.read((m) => findApplication(m, ownerId));
      if (!app) throw new NotFoundError('没有这份申请');
      if (await db.read((m) => isEnterpriseMember(m, app.enterpriseId, auth.userId))) return;
      if (app.status !== 'draft' && reviewsCounty(auth, app.countyCode)) return;
      throw new NotFoundError('没有这份申请，或您无权查看');
    },
  };
}
