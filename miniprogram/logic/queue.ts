/** The reviewers' queues: one tab per stage, with the count the server gives and the overdue mark. */
import type { Role } from '../shared/contracts/roles';

export interface QueueTab {
  key: string;
  title: string;
  /** The `status` query of the route; '' for the route's default. */
  status: string;
  count: number;
}

export type QueueKind = 'county' | 'city' | 'filings';

const TABS: Record<QueueKind, { key: string; title: string; status: string }[]> = {
  county: [
    { key: 'county_review', title: '待审核', status: 'county_review' },
    { key: 'county_approved', title: '待联合行文', status: 'county_approved' },
    { key: 'provider_check', title: '待服务商确认', status: 'provider_check' },
    { key: 'returned', title: '已退回', status: 'returned' },
  ],
  city: [
    { key: 'reported', title: '待审核', status: 'reported' },
    { key: 'city_approved', title: '已核定', status: 'city_approved' },
    { key: 'listed', title: '已列入名单', status: 'listed' },
    { key: 'approved', title: '待拨付', status: 'approved' },
    { key: 'disbursed', title: '已拨付', status: 'disbursed' },
  ],
  filings: [
    { key: 'submitted', title: '待审核', status: 'submitted' },
    { key: 'approved', title: '已备案', status: 'approved' },
    { key: 'returned', title: '已退回', status: 'returned' },
    { key: 'rejected', title: '不予备案', status: 'rejected' },
    { key: 'revoked', title: '已撤销', status: 'revoked' },
  ],
};

export function queueKind(role: Role | null, tab?: string): QueueKind | null {
  if (role === 'county_miit' || role === 'county_finance') return 'county';
  if ((role === 'city_miit' || role === 'admin') && tab === 'filings') return 'filings';
  if (role === 'admin') return 'filings';
  if (role === 'city_miit' || role === 'city_finance') return 'city';
  return null;
}

export function queueTabs(kind: QueueKind, counts: Record<string, number>): QueueTab[] {
  return TABS[kind].map((t) => ({ ...t, count: counts[t.key] ?? 0 }));
}
