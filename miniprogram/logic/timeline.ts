/**
 * An application's history as the enterprise reads it: each step with its date and, where a reviewer
 * gave one, the opinion; after a return, exactly what to fix, item by item, naming the material or field.
 */
import type { ApplicationEvent, ApplicationView, ReasonItem } from '../shared/contracts/responses';
import { formatTime } from './format';
import { APPLICATION_EVENT_NAMES, reasonLine, reasonWhere } from '../shared/glossary/terms';

export interface TimelineItem {
  key: string;
  title: string;
  time: string;
  note: string;
  /** The latest step: drawn highlighted. */
  current: boolean;
}

// Every event's name comes from the glossary (shared/src/glossary/terms.ts): the same words as the server's texts.
const EVENT_TITLES = APPLICATION_EVENT_NAMES;

/** Edits and payments are the enterprise's own drafting, not steps of the case. */
const DRAFTING = new Set(['edit', 'payments']);

/** What the timeline reads of an event: pages also build these from a filing's or a reviewer's history. */
export type TimelineEvent = Pick<ApplicationEvent, 'seq' | 'event' | 'from' | 'to' | 'toLabel' | 'reason' | 'at'>;

export function timeline(events: readonly TimelineEvent[]): TimelineItem[] {
  const steps = events.filter((e) => !DRAFTING.has(e.event));
  return steps
    .map((e, i) => ({
      key: String(e.seq),
      title: EVENT_TITLES[e.event] ?? e.toLabel,
      time: formatTime(e.at),
      note: [e.toLabel && EVENT_TITLES[e.event] ? `状态：${e.toLabel}` : '', e.reason ? `意见：${e.reason}` : '']
        .filter(Boolean)
        .join('\n'),
      current: i === steps.length - 1,
    }))
    .reverse();
}

export interface FixItem {
  where: string;
  message: string;
}

/** Where a reason points, in words (a code such as verifiedFen reads as 核定金额). */
function where(r: ReasonItem): string {
  return reasonWhere(r);
}

/**
 * What to fix after a return: the reasons of the opinion that returned it (county or city, in the latest
 * round), or the provider's words when it disputed the contract.
 */
export function fixList(app: Pick<ApplicationView, 'status' | 'returnedFrom' | 'opinions' | 'lastReason'>): FixItem[] {
  if (app.status !== 'returned') return [];
  const returns = app.opinions.filter((o) => o.decision === 'return' && o.level === app.returnedFrom);
  const latest = returns[returns.length - 1];
  const items = (latest?.reasons ?? [])
    .filter((r) => r && typeof r.message === 'string')
    .map((r) => ({ where: where(r), message: r.message }));
  if (items.length) return items;
  return app.lastReason ? [{ where: app.returnedFrom === 'provider' ? '云服务商的意见' : '', message: app.lastReason }] : [];
}

/** Each opinion as the enterprise may read it (never a reviewer's internal note: the server leaves it out). */
export function opinionLines(app: Pick<ApplicationView, 'opinions'>): { key: string; title: string; reasons: string[] }[] {
  const level: Record<string, string> = { county: '县', city: '市' };
  const dept: Record<string, string> = { miit: '工信部门', finance: '财政部门' };
  const decision: Record<string, string> = { approve: '同意', return: '退回修改', reject: '不予补助' };
  return app.opinions.map((o, i) => ({
    key: `${i}`,
    title: `第${o.round}轮 ${level[o.level] ?? ''}${o.department ? (dept[o.department] ?? o.department) : '工信局'}：${decision[o.decision] ?? o.decision}（${formatTime(o.at)}）`,
    reasons: (o.reasons ?? []).map((r) => reasonLine(r)),
  }));
}
