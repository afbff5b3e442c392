/**
 * Reminders of unsubmitted drafts before a round's window closes (issue 18 item 1): three days and
 * one day before, once each. Run like the digest (the outbox worker calls it; a test calls it by
 * hand): each reminder is one transaction that records it (`round_reminders`, keyed by round, draft
 * and kind) with its notifications, so a second run — or a second instance — sends nothing again.
 * A subscribe message reaches only those who consented (the mini-program asks when a draft is
 * saved) and kept the progress channel on: the report says how many drafts a reminder could reach.
 */
import type { Logger } from 'pino';
import type { Database } from '../../db/database';
import { isDuplicateKey } from '../../db/errors';
import { enterpriseMemberIds, enterpriseNames } from '../../db/enterprises';
import { draftsAwaitingReminder, recordReminder } from '../../db/rounds';
import { todayInShanghai } from '../../../../shared/src/rules/calendar';
import { daysBetween, reminderDue, roundName, roundOpenOn } from '../../../../shared/src/workflow/rounds';
import { enqueueNotifications } from '../notifications/outbox';
import { consentedTo, disabledChannels } from '../notifications/preferences';
import type { RoundService } from './rounds';

export interface ReminderReport {
  /** The round whose window closes soon, by name; null when no reminder is due today. */
  round: string | null;
  kind: 'three_days' | 'one_day' | null;
  /** Drafts reminded in this run. */
  reminded: number;
  /**
   * Of those, the drafts at least one of whose people accepted the progress subscribe messages in the
   * mini-program (POST /api/v1/me/subscriptions) and keeps them on: the reminder could reach them on
   * WeChat (if that acceptance is not spent yet — WeChat allows one message per acceptance).
   */
  reachable: number;
}

export class RoundReminders {
  constructor(private readonly deps: { db: Database; now: () => number; rounds: RoundService; logger?: Logger }) {}

  async run(): Promise<ReminderReport> {
    const now = this.deps.now();
    const today = todayInShanghai(new Date(now));
    const rounds = await this.deps.db.transaction((tx) => this.deps.rounds.roundsIn(tx));
    const round = roundOpenOn(rounds, today);
    const kind = round ? reminderDue(round, today) : null;
    if (!round || !kind) return { round: null, kind: null, reminded: 0, reachable: 0 };
    const drafts = await this.deps.db.read((tx) => draftsAwaitingReminder(tx, round.id, kind));
    let reminded = 0;
    let reachable = 0;
    for (const draft of drafts) {
      try {
        const members = await this.deps.db.transaction(async (tx) => {
          const people = await enterpriseMemberIds(tx, draft.enterpriseId);
          const name = (await enterpriseNames(tx, [draft.enterpriseId])).get(draft.enterpriseId) ?? '';
          await recordReminder(tx, { roundId: round.id, applicationId: draft.id, kind, recipients: people.length, createdAt: now });
          await enqueueNotifications(
            tx,
            {
              eventKey: `round-reminder:${round.id}:${draft.id}:${kind}`,
              recipientUserIds: people,
              template: 'round.reminder',
              params: {
                applicationId: draft.id,
                enterpriseName: name,
                roundName: roundName(round),
                closesOn: round.closesOn,
                daysLeft: String(daysBetween(today, round.closesOn)),
                statusLabel: '待提交',
                nextStep: `请于${round.closesOn}前提交`,
                trackingNo: '',
              },
              channels: ['mp_subscribe'],
            },
            now,
          );
          return people;
        });
        reminded++;
        // Reachable on WeChat: someone of the enterprise accepted the progress messages in the mini-program
        // (recorded when it reports the consent) and has not switched them off since.
        const [off, consented] = await Promise.all([
          disabledChannels(this.deps.db, members),
          consentedTo(this.deps.db, members, 'progress'),
        ]);
        if (members.some((u) => consented.has(u) && !off.has(`${u}|progress|mp_subscribe`))) reachable++;
      } catch (err) {
        // Another run recorded this reminder first: it is sent once.
        if (!isDuplicateKey(err)) throw err;
      }
    }
    if (reminded > 0) this.deps.logger?.info({ round: roundName(round), kind, reminded, reachable }, 'rounds: draft reminders written');
    return { round: roundName(round), kind, reminded, reachable };
  }
}

/**
 * Runs the reminders once an hour (and once shortly after start): a day's reminders go out in the
 * first run of that day; every instance may run it, the records keep each reminder single.
 */
export function remindOnTimer(reminders: RoundReminders, logger: Pick<Logger, 'warn'>, everyMs = 3_600_000): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = reminders.run().catch((err: unknown) => logger.warn({ err }, 'rounds: draft reminders failed'));
  };
  const first = setTimeout(tick, 30_000);
  const timer = setInterval(tick, everyMs);
  first.unref();
  timer.unref();
  return async () => {
    clearTimeout(first);
    clearInterval(timer);
    await running;
  };
}
