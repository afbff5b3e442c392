/**
 * An application's history as the enterprise reads it: each step with its date and, where a reviewer
 * gave one, the opinion; after a return, exactly what to fix, item by item, naming the material or field.
 */
import type { ApplicationEvent, ApplicationView, ReasonItem } from '../shared/contracts/responses';
import { formatTime } from './format';

export interface TimelineItem {
  key: string;
  title: string;
  time: string;
  note: string;
  /** The latest step: drawn highlighted. */
  current: boolean;
}

const EVENT_TITLES: Record<string, string> = {
  create: '开始填写申请',
  submit: '提交申请',
  resubmit: '修改后重新提交',
  withdraw: '撤回申请',
  provider_confirm: '云服务商确认了合同和付款',
  provider_dispute: '云服务商认为合同或付款与实际不符',
  county_approve: '县里一个部门审核同意',
  county_return: '县里退回修改',
  county_reject: '县里审核不予补助',
  report: '县里联合行文报送市里',
  leave_report: '县里更正或撤销了联合行文草稿，申请仍为县级审核通过',
  city_approve: '市工信局审核通过并核定金额',
  city_return: '市工信局退回修改',
  city_reject: '市工信局审核不予补助',
  put_on_list: '列入拟补贴名单',
  take_off_list: '移出拟补贴名单',
  list_cancelled: '拟补贴名单草稿已撤销，回到待列入名单',
  approve_list: '市财政局审批通过名单',
  disburse: '补助已拨付',
  reverse_payment: '拨付被退回（退汇），将重新拨付',
  payments_reduced: '付款金额减少，退回市里重新审核',
  // The receiving account changed after submission (issue 14): the status stays where it was.
  account_change_request: '申请变更收款账户',
  account_change_confirm: '市财政局确认了收款账户变更',
  account_change_refuse: '市财政局不同意收款账户变更',
  account_change_withdraw: '撤回了收款账户变更',
};

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

function where(r: ReasonItem): string {
  return [r.material, r.field, r.path].filter((s): s is string => typeof s === 'string' && s.trim().length > 0).join('，');
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
    reasons: (o.reasons ?? []).map((r) => (where(r) ? `【${where(r)}】${r.message}` : r.message)),
  }));
}
