/**
 * Telling people that a round changed (issue 18 item 1): when city MIIT moves a round's window or its
 * deadlines, or closes it before its window ends, in the same transaction as the change —
 * - the people of every enterprise with an unsubmitted draft, when the window they would submit in
 *   moved or was cut short (a round "holds" the drafts while it is open and its window has not ended:
 *   drafts get their round only at submission). The review deadlines ask nothing of an enterprise, so
 *   a change of those alone does not write to it;
 * - the county departments (工信 and 财政 of every county), of any of these changes: the window
 *   decides what reaches them, the county deadline is theirs, and the city's follows from it.
 * One message per person: a person in several enterprises, or both told as an enterprise and as a
 * reviewer, gets one (the reviewer's).
 */
import type { Tx } from '../../db/tx';
import { draftOwnerIds } from '../../db/rounds';
import { enqueueNotifications, holdersOf } from '../notifications/outbox';
import { compareDates } from '../../../../shared/src/rules/calendar';
import { roundName, type Round, type RoundDates } from '../../../../shared/src/workflow/rounds';

export type RoundChange = { kind: 'edit'; before: Round; after: RoundDates } | { kind: 'close'; before: Round };

/** What changed, in the words the messages use; empty when nothing anyone must hear of changed. */
export function changeLines(change: RoundChange, today: string): { window: string[]; deadlines: string[] } {
  const b = change.before;
  if (change.kind === 'close')
    return compareDates(today, b.closesOn) <= 0
      ? { window: [`申报提前截止：${roundName(b)}已于 ${today} 关闭（原定 ${b.closesOn} 截止），不再受理新的申请`], deadlines: [] }
      : { window: [], deadlines: [] };
  const a = change.after;
  const window =
    a.opensOn !== b.opensOn || a.closesOn !== b.closesOn
      ? [`${roundName(b)}的申报时间由 ${b.opensOn} 至 ${b.closesOn} 改为 ${a.opensOn} 至 ${a.closesOn}`]
      : [];
  const deadlines = [
    ...(a.countyDeadline !== b.countyDeadline ? [`县级审核截止日期由 ${b.countyDeadline} 改为 ${a.countyDeadline}`] : []),
    ...(a.cityDeadline !== b.cityDeadline ? [`市级审核截止日期由 ${b.cityDeadline} 改为 ${a.cityDeadline}`] : []),
  ];
  return { window, deadlines };
}

/** Writes the round's change to the outbox (see above); answers how many people were told. */
export async function announceRoundChange(
  tx: Tx,
  change: RoundChange,
  version: number,
  actorId: string,
  today: string,
  now: number,
): Promise<{ enterprises: number; reviewers: number }> {
  const { window, deadlines } = changeLines(change, today);
  if (!window.length && !deadlines.length) return { enterprises: 0, reviewers: 0 };
  const b = change.before;
  const closesOn = change.kind === 'edit' ? change.after.closesOn : today;
  const reviewers = [...new Set([...(await holdersOf(tx, 'county_miit')), ...(await holdersOf(tx, 'county_finance'))])].filter(
    (id) => id !== actorId,
  );
  const holdsDrafts = b.status === 'open' && compareDates(today, b.closesOn) <= 0;
  const enterprises =
    window.length && holdsDrafts ? (await draftOwnerIds(tx)).filter((id) => id !== actorId && !reviewers.includes(id)) : [];
  const name = roundName(b);
  const key = `round:${b.id}:v${version}`;
  if (enterprises.length)
    await enqueueNotifications(
      tx,
      {
        eventKey: `${key}:drafts`,
        recipientUserIds: enterprises,
        template: 'round.changed',
        params: {
          roundName: name,
          change: window.join('；'),
          closed: change.kind === 'close' ? '1' : '',
          closesOn,
          // The progress message's fields (申请事项 / 当前进度 / 温馨提示).
          enterpriseName: '上云补助申请',
          statusLabel: change.kind === 'close' ? '申报已截止' : '申报时间调整',
          nextStep: change.kind === 'close' ? '草稿可保存，等下一批申报' : `请于${closesOn}前提交`,
          trackingNo: '',
        },
        channels: ['mp_subscribe', 'oa_template'],
      },
      now,
    );
  if (reviewers.length)
    await enqueueNotifications(
      tx,
      {
        eventKey: `${key}:counties`,
        recipientUserIds: reviewers,
        template: 'round.changed_review',
        params: {
          roundName: name,
          change: [...window, ...deadlines].join('；'),
          // What the WeChat alert's fields show (待办事项 / 申请单位).
          stageLabel: change.kind === 'close' ? `${name}提前截止` : `${name}日期调整`,
          enterpriseName: '市工信局',
          trackingNo: '',
        },
        channels: ['oa_template'],
      },
      now,
    );
  return { enterprises: enterprises.length, reviewers: reviewers.length };
}
