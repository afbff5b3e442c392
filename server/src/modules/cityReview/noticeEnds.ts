import type { Logger } from 'pino';
import type { Database } from '../../db/database';
import { isDuplicateKey } from '../../db/errors';
import { claimNoticeEndAnnouncement, listsWithNoticeEndUnannounced } from '../../db/lists';
import { todayInShanghai } from '../../../../shared/src/rules/calendar';
import { alertCityFinanceOfList, tellEnterprisesOfNotice } from '../notifications/alerts';
import { itemsOf } from './listViews';

/**
 * The end of a list's public notice (公示) is a date, not anyone's act: the outbox worker asks, with its
 * digest check, for lists whose notice ended before today and announces each end once — the
 * enterprises on the list hear that the notice is over (DESIGN.md "Notifications": the start and end
 * of 公示), and city finance, but for the list's co-signer and drafter, that the list now waits for its
 * approval. Once per list and notice end for every instance: the list records the end it announced
 * (a conditional UPDATE that one transaction wins), in the same transaction as the notifications,
 * whose keys start `subsidy_list:<id>:notice_ended:<end>`. A notice extended after its end was
 * announced is announced again at its new end. Answers how many ends were announced.
 */
export async function announceEndedNotices(deps: { db: Database; now: number; logger?: Logger }): Promise<number> {
  const today = todayInShanghai(new Date(deps.now));
  const lists = await deps.db.read((tx) => listsWithNoticeEndUnannounced(tx, today));
  let announced = 0;
  for (const list of lists) {
    const eventKey = `subsidy_list:${list.id}:notice_ended:${list.noticeEnd}`;
    try {
      const done = await deps.db.transaction(async (tx) => {
        if (!list.noticeEnd || !(await claimNoticeEndAnnouncement(tx, list.id, list.noticeEnd))) return false;
        const members = (await itemsOf(tx, list.id)).filter((i) => i.onList);
        await tellEnterprisesOfNotice(
          tx,
          'ended',
          list,
          members.map((i) => i.id),
          eventKey,
          deps.now,
        );
        const waiting = members.filter((i) => i.status === 'listed');
        await alertCityFinanceOfList(
          tx,
          'awaiting_approval',
          list,
          { count: waiting.length, totalFen: waiting.reduce((s, i) => s + i.itemVerifiedFen, 0) },
          [list.cosignedBy, list.draftedBy],
          deps.now,
          { eventKey, noticeEnded: true },
        );
        return true;
      });
      if (done) announced++;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
  if (announced > 0) deps.logger?.info({ announced }, 'outbox: ends of public notices announced');
  return announced;
}
