import type { Database } from '../../db/database';
import { updateUser, userDisplayName } from '../../db/users';
import type { AuditTrail } from '../audit/audit';
import type { Actor } from '../actor';
import { roleStandIn } from '../../../../shared/src/contracts/people';

/**
 * The person's own name (issue 14 item 9): documents and screens name who recorded or decided something
 * by it. Set from the invitation by the admin, or here by the person; validated at the edge
 * (shared/src/contracts/people.ts: 2–20 characters, trimmed).
 */
export class ProfileService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    private readonly now: () => number = Date.now,
  ) {}

  async displayName(auth: Actor): Promise<{ displayName: string | null; shownAs: string }> {
    const name = await this.db.read((tx) => userDisplayName(tx, auth.userId));
    return { displayName: name, shownAs: shownAs(auth, name) };
  }

  /** One transaction: the name and its audit row (the old name kept there: the audit needs who was who). */
  async setDisplayName(auth: Actor, displayName: string): Promise<{ displayName: string | null; shownAs: string }> {
    return this.db.transaction(async (tx) => {
      const before = await userDisplayName(tx, auth.userId);
      if (before !== displayName) {
        await updateUser(tx, auth.userId, { displayName, updatedAt: this.now() });
        await this.audit.append(tx, {
          action: 'user.display_name',
          actorId: auth.userId,
          entityType: 'user',
          entityId: auth.userId,
          data: { from: before, to: displayName },
        });
      }
      return { displayName, shownAs: shownAs(auth, displayName) };
    });
  }
}

/** What others read: the name, else the stand-in of the first role held, else a plain word. */
function shownAs(auth: Actor, name: string | null): string {
  if (name) return name;
  const first = auth.grants[0];
  return first ? roleStandIn(first.role) : '平台用户';
}
