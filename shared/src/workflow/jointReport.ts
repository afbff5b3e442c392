import type { MachineDef } from './machine';

/**
 * The county's joint report (联合行文, 三（四）各县（市）、区工信、财政主管部门…出具审核意见，联合行文报送市工信局、市财政局),
 * driven by its use case (server/src/modules/countyReview/jointReports.ts): created in
 * `draft` with the county's `county_approved` applications, signed off by each department once; the
 * second signature submits it, and in that transaction every listed application goes through `report`.
 *
 *   draft ─sign (one department)→ signing ─sign (the other department)→ submitted
 */
export const REPORT_STATES = ['draft', 'signing', 'submitted'] as const;
export type ReportState = (typeof REPORT_STATES)[number];

export const REPORT_EVENTS = ['sign'] as const;
export type ReportEvent = (typeof REPORT_EVENTS)[number];

export type ReportGuard = 'departmentNotYetSigned' | 'notSameSignerTwice';
export type ReportEffect = 'reportApplications';

export interface ReportContext {
  /** The signer's department: county MIIT (工信) or county finance (财政). */
  department: 'miit' | 'finance';
  actorId: string;
  miitSignedBy: string | null;
  financeSignedBy: string | null;
}

const COUNTY = ['county_miit', 'county_finance'] as const;
const DEPARTMENT = { miit: '工信', finance: '财政' } as const;

export const reportMachine: MachineDef<ReportState, ReportEvent, ReportGuard, ReportEffect, ReportContext> = {
  id: 'joint-report',
  initial: 'draft',
  states: {
    draft: {
      labels: { reviewer: '待两部门签发', applicant: '县里正在联合行文' },
      on: { sign: { target: 'signing', roles: COUNTY, guards: ['departmentNotYetSigned', 'notSameSignerTwice'] } },
    },
    signing: {
      labels: { reviewer: '一方已签发，待另一部门签发', applicant: '县里正在联合行文' },
      on: {
        sign: {
          target: 'submitted',
          roles: COUNTY,
          guards: ['departmentNotYetSigned', 'notSameSignerTwice'],
          effects: ['reportApplications'],
        },
      },
    },
    submitted: {
      labels: { reviewer: '已报送市工信局、市财政局', applicant: '县里已联合行文报送市里' },
      final: true,
      refuse: { sign: '这份联合行文已经报送，不能再签发' },
    },
  },
  guards: {
    departmentNotYetSigned: (c) =>
      (c.department === 'miit' ? c.miitSignedBy : c.financeSignedBy) === null
        ? null
        : `${DEPARTMENT[c.department]}部门已经签发过这份联合行文`,
    // Four eyes: the two sign-offs of one report are two people.
    notSameSignerTwice: (c) =>
      (c.department === 'miit' ? c.financeSignedBy : c.miitSignedBy) === c.actorId
        ? '同一人不能代表工信和财政两个部门签发同一份联合行文'
        : null,
  },
};
