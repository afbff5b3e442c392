import type { Database } from '../../db/database';
import { findFiling } from '../../db/providers';
import { hasRole, type Actor } from '../actor';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors';
import { FILING_MATERIALS } from '../../../../shared/src/contracts/providerFiling';
import type { OwnerTypeSpec } from '../files';

/** The eight 备案材料 of 三（二） are files owned by the filing. */
export function filingFileOwner(db: Database): OwnerTypeSpec {
  return {
    kinds: Object.fromEntries(FILING_MATERIALS.map((m) => [m.kind, { label: m.label, maxFiles: 20 }])),
    async canAttach(auth: Actor, ownerId: string, kind: string) {
      const filing = await db.read((tx) => findFiling(tx, ownerId));
      if (!filing || filing.ownerUserId !== auth.userId) throw new NotFoundError('没有这份备案申报，或它不是您的');
      if (!FILING_MATERIALS.some((m) => m.kind === kind))
        throw new InvalidInputError('材料类别不对', [
          { path: 'kind', message: `须为 ${FILING_MATERIALS.map((m) => m.kind).join('、')} 之一` },
        ]);
      if (filing.status !== 'draft' && filing.status !== 'returned')
        throw new ConflictError('备案已提交，材料不能再改；如需修改请等待市工信局退回', 'not_editable');
    },
    async canRead(auth: Actor, ownerId: string) {
      const filing = await db.read((tx) => findFiling(tx, ownerId));
      if (!filing || (filing.ownerUserId !== auth.userId && !hasRole(auth, 'city_miit', 'admin')))
        throw new NotFoundError('没有这份备案申报，或您无权查看');
    },
  };
}
