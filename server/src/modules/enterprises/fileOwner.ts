import type { Database } from '../../db/database';
import { reviewsCounty } from '../actor';
import { InvalidInputError, NotFoundError } from '../errors';
import { ENTERPRISE_MATERIALS } from '../../../../shared/src/contracts/application';
import type { OwnerTypeSpec } from '../files';
import { findEnterprise, isEnterpriseMember } from '../../db/enterprises';

/** The business licence and the letter of authorisation the county checks when an enterprise registers. */
export function enterpriseFileOwner(db: Database): OwnerTypeSpec {
  return {
    kinds: Object.fromEntries(ENTERPRISE_MATERIALS.map((m) => [m.kind, { label: m.label, maxFiles: 10 }])),
    async canAttach(auth, ownerId, kind) {
      if (!(await db.read((m) => isEnterpriseMember(m, ownerId, auth.userId)))) throw new NotFoundError('没有这家企业，或您不是它的成员');
      if (!ENTERPRISE_MATERIALS.some((m) => m.kind === kind))
        throw new InvalidInputError('材料类别不对', [
          { path: 'kind', message: `须为 ${ENTERPRISE_MATERIALS.map((m) => m.kind).join('、')} 之一` },
        ]);
    },
    async canRead(auth, ownerId) {
      const e = await db.read((m) => findEnterprise(m, ownerId));
      if (!e) throw new NotFoundError('没有这家企业');
      if ((await db.read((m) => isEnterpriseMember(m, ownerId, auth.userId))) || reviewsCounty(auth, e.countyCode)) return;
      throw new NotFoundError('没有这家企业，或您无权查看');
    },
  };
}
