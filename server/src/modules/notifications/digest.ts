/**
 * The reviewers' daily digest (DESIGN.md, "Notifications"): once a day per reviewer, what waits
 * for them and what is overdue (the round's deadline for the stage where it sets one, else the days per
 * stage from settings.ts; issue 18). Written by the outbox worker
 * from the configured time of day (Asia/Shanghai) on, never inside the reviewer's quiet hours (a
 * digest due then waits until they end), and decided once per user and date for all instances:
 * the `notification_digest_runs` row (primary key user + date) is inserted in the same transaction
 * as the notifications, whose idempotency keys start `digest:<user>:<date>`.
 *
 * What is whose: a county reviewer sees their own county's applications in county review that
 * still wait for their department's opinion, those approved and waiting for the joint report, and
 * — as a watch item, only once overdue — those stuck with the provider; city MIIT sees reported
 * and verified applications and submitted provider filings; city finance sees listed and approved
 * applications. Nobody sees another county's items. The alerts' rules hold here too (issue 14 item 7):
 * what a person may not do next — approve the list they co-signed, pay the list they approved, sign
 * a joint report again — is not counted as waiting for them (a watch item, shown only once overdue).
 */
import type { Logger } from 'pino';
import type { Database } from '../../db/database';
import { applicationsInStages, type StageItem } from '../../db/applications/readers';
import { digestDecidedFor, recordDigestRun } from '../../db/notifications/digests';
import { submittedFilings } from '../../db/providers';
import { listSignatories } from '../../db/lists';
import { activeUsersGrantsOfRoles } from '../../db/users';
import { applicationMachine, type ApplicationState } from '../../../../shared/src/workflow/application';
import { todayInShanghai } from '../../../../shared/src/rules/calendar';
import { disabledChannels, inQuietHours, quietHoursOf, shanghaiMinuteOfDay } from './preferences';
import type { DigestStage, NotificationSettings } from './settings';
import { enqueueNotifications } from './outbox';
import { isDuplicateKey } from '../../db/errors';
import { pastRoundDeadline, stageDeadline, type RoundDeadlines } from '../../../../shared/src/workflow/rounds';
import { awaitingDepartment, type AwaitingApplication, type CountyDepartment } from '../../db/applications/awaiting';

const DAY_MS = 86_400_000;
type ListSignatories = Awaited<ReturnType<typeof listSignatories>> extends Map<string, infer V> ? V : never;
const REVIEWER_ROLES = ['county_miit', 'county_finance', 'city_miit', 'city_finance'] as const;
type ReviewerRole = (typeof REVIEWER_ROLES)[number];

export interface DigestItem {
  kind: 'application' | 'filing';
  id: string;
  ref: string;
  stage: DigestStage;
  since: number;
  days: number;
  overdue: boolean;
  /** false: a watch item (waits for someone else), reported only once overdue. */
  actionable: boolean;
}

export interface Digest {
  waiting: number;
  overdue: number;
  items: DigestItem[];
}

const STAGE_LABELS: Record<DigestStage, string> = {
  provider_check: '待服务商确认',
  county_review: applicationMachine.states.county_review.labels.reviewer,
  county_approved: '待联合行文上报',
  reported: applicationMachine.states.reported.labels.reviewer,
  city_approved: '待列入拟补贴名单',
  listed: '待审批名单',
  approved: '待拨付',
  filing_submitted: '服务商备案待审核',
};

/** Reads the stages' items once per run: reviewers of one county share them. */
export class StageReader {
  private readonly cache = new Map<string, Promise<StageItem[]>>();
  private readonly awaited = new Map<string, Promise<AwaitingApplication[]>>();
  private readonly signatories = new Map<string, Promise<Map<string, ListSignatories>>>();

  constructor(private readonly db: Database) {}

  applications(statuses: readonly ApplicationState[], countyCode: string | null): Promise<StageItem[]> {
    const key = `${statuses.join(',')}|${countyCode ?? '*'}`;
    let hit = this.cache.get(key);
    if (!hit) {
      hit = applicationsInStages(this.db, statuses, countyCode);
      this.cache.set(key, hit);
    }
    return hit;
  }

  /** What waits for a county department (db/applications/awaiting.ts: the county queue and the chatbot's 待办 ask the same). */
  awaiting(countyCode: string, department: CountyDepartment): Promise<AwaitingApplication[]> {
    const key = `${countyCode}|${department}`;
    let hit = this.awaited.get(key);
    if (!hit) {
      hit = this.db.read((tx) => awaitingDepartment(tx, countyCode, department));
      this.awaited.set(key, hit);
    }
    return hit;
  }

  /** Who drafted, co-signed and approved the lists (four eyes decides what waits for whom). */
  lists(ids: readonly string[]): Promise<Map<string, ListSignatories>> {
    const key = [...new Set(ids)].sort().join(',');
    let hit = this.signatories.get(key);
    if (!hit) {
      hit = this.db.read((tx) => listSignatories(tx, ids));
      this.signatories.set(key, hit);
    }
    return hit;
  }

  filings(): Promise<{ id: string; companyName: string; since: number }[]> {
    return submittedFilings(this.db);
  }
}

/** The digest of one reviewer with these grants at `now`. */
export async function digestFor(
  reader: StageReader,
  grants: readonly { role: string; countyCode: string | null }[],
  settings: NotificationSettings,
  now: number,
  /** The reviewer: what four eyes keeps them from doing waits for someone else (a watch item). */
  userId: string | null = null,
): Promise<Digest> {
  const items = new Map<string, DigestItem>();
  const today = todayInShanghai(new Date(now));
  const add = (
    kind: DigestItem['kind'],
    id: string,
    ref: string,
    stage: DigestStage,
    since: number,
    actionable: boolean,
    round: RoundDeadlines | null = null,
  ) => {
    const days = Math.max(0, Math.floor((now - since) / DAY_MS));
    // Issue 18: the round's deadline for the stage where it sets one, else the stage's days (as the queues: overdueMark).
    const overdue =
      stage !== 'filing_submitted' && stageDeadline(stage, round) !== null
        ? pastRoundDeadline(stage, round, today)
        : now - since > settings.overdueDays[stage] * DAY_MS;
    if (!actionable && !overdue) return;
    const prev = items.get(`${kind}:${id}`);
    if (prev && prev.actionable) return;
    items.set(`${kind}:${id}`, { kind, id, ref, stage, since, days, overdue, actionable });
  };
  const sinceOf = (a: StageItem) => a.since;
  const refOf = (a: StageItem) => a.trackingNo ?? a.id;

  for (const g of grants) {
    const role = g.role as ReviewerRole;
    if (role === 'county_miit' || role === 'county_finance') {
      if (!g.countyCode) continue;
      const department = role === 'county_miit' ? 'miit' : 'finance';
      for (const a of await reader.applications(['provider_check'], g.countyCode))
        add('application', a.id, refOf(a), 'provider_check', sinceOf(a), false, a.roundDeadlines);
      // In county review while this department has not given its opinion in this round, or waiting for the joint report.
      for (const a of await reader.awaiting(g.countyCode, department))
        add('application', a.id, a.trackingNo ?? a.id, a.status, a.since, true, a.roundDeadlines);
    } else if (role === 'city_miit') {
      for (const a of await reader.applications(['reported', 'city_approved'], null))
        add('application', a.id, refOf(a), a.status as DigestStage, sinceOf(a), true, a.roundDeadlines);
      for (const f of await reader.filings()) add('filing', f.id, f.companyName, 'filing_submitted', f.since, true);
    } else if (role === 'city_finance') {
      const apps = await reader.applications(['listed', 'approved'], null);
      const lists = await reader.lists(apps.map((a) => a.listId).filter((id): id is string => id !== null));
      for (const a of apps) add('application', a.id, refOf(a), a.status as DigestStage, sinceOf(a), financeActs(a, lists, userId, now));
    }
  }
  const list = [...items.values()].sort((x, y) => x.since - y.since);
  return { waiting: list.filter((i) => i.actionable).length, overdue: list.filter((i) => i.overdue).length, items: list };
}

/**
 * Whether a listed or approved application waits for this finance person (DESIGN.md "Four eyes"):
 * a draft list waits for anyone's co-signature; a co-signed one for an approver who is not its
 * co-signer, and not before its notice (公示) has ended; an approved one for a payer who did not approve it.
 */
function financeActs(a: StageItem, lists: Map<string, ListSignatories>, userId: string | null, now: number): boolean {
  const list = a.listId ? lists.get(a.listId) : undefined;
  if (!list || userId === null) return true;
  if (a.status === 'approved') return list.approvedBy !== userId;
  if (list.status === 'draft') return true;
  if (list.cosignedBy === userId || list.draftedBy === userId) return false;
  return !(list.status === 'notice' && list.noticeEnd !== null && todayInShanghai(new Date(now)) <= list.noticeEnd);
}

/** The digest's params: counts, one line per stage, the oldest item. */
export function digestParams(d: Digest, date: string): Record<string, string> {
  const perStage = new Map<DigestStage, { n: number; overdue: number }>();
  for (const i of d.items) {
    const s = perStage.get(i.stage) ?? { n: 0, overdue: 0 };
    s.n++;
    if (i.overdue) s.overdue++;
    perStage.set(i.stage, s);
  }
  const details = [...perStage.entries()]
    .map(([stage, s]) => `${STAGE_LABELS[stage]} ${s.n} 件${s.overdue ? `（超期 ${s.overdue} 件）` : ''}`)
    .join('；');
  const oldest = d.items[0];
  return {
    date,
    waiting: String(d.waiting),
    overdue: String(d.overdue),
    details: details ? `${details}。` : '',
    oldest: oldest ? `${oldest.ref} 已等${oldest.days}天` : '',
  };
}

export interface DigestRunDeps {
  db: Database;
  settings: NotificationSettings;
  now: number;
  logger?: Logger;
}

/**
 * Writes the digests due at `now`: from the configured time of day on, for every reviewer who has
 * none decided for today and is not inside their quiet hours. Answers how many digests were
 * written (reviewers with nothing waiting get a run record and no message).
 */
export async function runDigests(deps: DigestRunDeps): Promise<number> {
  const { db, settings, now } = deps;
  if (shanghaiMinuteOfDay(now) < settings.digestMinuteOfDay) return 0;
  const date = todayInShanghai(new Date(now));

  const grantsRows = await activeUsersGrantsOfRoles(db, REVIEWER_ROLES);
  if (grantsRows.length === 0) return 0;
  const done = await digestDecidedFor(db, date);
  const grants = new Map<string, { role: string; countyCode: string | null }[]>();
  for (const r of grantsRows) {
    if (done.has(r.userId)) continue;
    grants.set(r.userId, [...(grants.get(r.userId) ?? []), { role: r.role, countyCode: r.countyCode }]);
  }
  if (grants.size === 0) return 0;

  const users = [...grants.keys()];
  const [disabled, quiet] = await Promise.all([disabledChannels(db, users), quietHoursOf(db, users)]);
  const reader = new StageReader(db);
  let written = 0;
  for (const userId of users) {
    // Inside quiet hours nothing is decided: the next check after they end writes it.
    if (inQuietHours(quiet.get(userId), now)) continue;
    const channels = (['inbox', 'mp_subscribe', 'oa_template'] as const).filter((c) => !disabled.has(`${userId}|digest|${c}`));
    const digest = await digestFor(reader, grants.get(userId) ?? [], settings, now, userId);
    const send = channels.length > 0 && (digest.waiting > 0 || digest.overdue > 0);
    const eventKey = `digest:${userId}:${date}`;
    try {
      await db.transaction(async (tx) => {
        await recordDigestRun(tx, {
          userId,
          digestDate: date,
          waiting: digest.waiting,
          overdue: digest.overdue,
          eventKey: send ? eventKey : null,
          createdAt: now,
        });
        // The user's choice of channels for digests is honoured, the inbox included; the outbox's keys
        // keep the worker's channel order (mini-program first, then the official account).
        if (send) {
          await enqueueNotifications(
            tx,
            {
              eventKey,
              recipientUserIds: [userId],
              template: 'reviewer.digest',
              params: digestParams(digest, date),
              inbox: channels.includes('inbox'),
              channels: channels.filter((c) => c !== 'inbox'),
            },
            now,
          );
        }
      });
      if (send) written++;
    } catch (err) {
      // Another instance decided this user's digest for today first.
      if (!isDuplicateKey(err)) throw err;
    }
  }
  if (written > 0) deps.logger?.info({ date, written }, 'outbox: daily digests written');
  return written;
}
