import type { MachineDef } from './machine';

/**
 * The county's joint report (联合行文, 三（四）各县（市）、区工信、财政主管部门…出具审核意见，联合行文报送市工信局、市财政局),
 * driven by its use case (server/src/modules/countyReview/jointReports.ts): created in
 * `draft` with the county's `county_approved` applications, signed off by each department once; the
 * second signature submits it, and in that transaction every listed application goes through `report`.
 *
 *   draft ─sign (one department)→ signing ─sign (the other department)→ submitted
 *     │ ▲                            │
 *     │ └──────correct───────────────┤   (before the second signature: 文号, date, members; a first signature is void)
 *     └─cancel──▶ cancelled ◀─cancel─┘   (with a reason; its applications leave it, still county_approved)
 *
 * DESIGN.md, "Corrections after the fact": a draft joint report can be corrected or cancelled with a
 * reason before its second signature, by the department that drafted it; each version stays in the history.
 */
export const REPORT_STATES = ['draft', 'signing', 'submitted', 'cancelled'] as const;
export type ReportState = (typeof REPORT_STATES)[number];

export const REPORT_EVENTS = ['sign', 'correct', 'cancel'] as const;
export type ReportEvent = (typeof REPORT_EVENTS)[number];

export type ReportGuard = 'departmentNotYetSigned' | 'notSameSignerTwice' | 'draftingDepartment' | 'reasonGiven';
export type ReportEffect =
  | 'reportApplications'
  /** Each listed application leaves the report (its claim released, a history row), still county_approved. */
  | 'releaseApplications'
  /** The report lists the corrected members: those dropped are released, those added are claimed. */
  | 'replaceApplications'
  /** A signature given to the earlier version does not cover the corrected one. */
  | 'voidSignatures'
  /** The other county department hears of the correction or the cancellation, once. */
  | 'alertOtherDepartment';

export interface ReportContext {
  /** The signer's department: county MIIT (工信) or county finance (财政). */
  department: 'miit' | 'finance';
  actorId: string;
  miitSignedBy: string | null;
  financeSignedBy: string | null;
  /** The department that drafted the report; null for reports drafted before this was recorded. */
  draftedDepartment: 'miit' | 'finance' | null;
  /** Why it is corrected or cancelled (the other department and the history read it). */
  reason: string | null;
}

const COUNTY = ['county_miit', 'county_finance'] as const;
const DEPARTMENT = { miit: '工信', finance: '财政' } as const;
const CORRECT = { roles: COUNTY, guards: ['draftingDepartment', 'reasonGiven'] } as const;
const CANCEL = {
  target: 'cancelled',
  roles: COUNTY,
  guards: ['draftingDepartment', 'reasonGiven'],
  effects: ['releaseApplications', 'alertOtherDepartment'],
} as const;

export const reportMachine: MachineDef<ReportState, ReportEvent, ReportGuard, ReportEffect, ReportContext> = {
  id: 'joint-report',
  initial: 'draft',
  states: {
    draft: {
      labels: { reviewer: '待两部门签发', applicant: '县里正在联合行文' },
      on: {
        sign: { target: 'signing', roles: COUNTY, guards: ['departmentNotYetSigned', 'notSameSignerTwice'] },
        correct: { ...CORRECT, target: 'draft', effects: ['replaceApplications', 'alertOtherDepartment'] },
        cancel: CANCEL,
      },
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
        // The first signature was given to the version it saw: a corrected report is signed again by both.
        correct: { ...CORRECT, target: 'draft', effects: ['voidSignatures', 'replaceApplications', 'alertOtherDepartment'] },
        cancel: CANCEL,
      },
    },
    submitted: {
      labels: { reviewer: '已报送市工信局、市财政局', applicant: '县里已联合行文报送市里' },
      final: true,
      refuse: {
        sign: '这份联合行文已经报送，不能再签发',
        correct: '这份联合行文已经两部门签发并报送，不能再更正；如有错误，请联系市工信局退回相关申请',
        cancel: '这份联合行文已经两部门签发并报送，不能再撤销；如有错误，请联系市工信局退回相关申请',
      },
    },
    cancelled: {
      labels: { reviewer: '已撤销', applicant: '县里撤销了这份联合行文，申请仍为县级审核通过' },
      final: true,
      refuse: {
        sign: '这份联合行文已撤销，不能再签发',
        correct: '这份联合行文已撤销，不能再更正，请重新起草',
        cancel: '这份联合行文已经撤销',
      },
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
    // DESIGN.md: the department that drafted the report corrects or cancels it; the other one signs or not.
    draftingDepartment: (c) =>
      c.draftedDepartment === null || c.draftedDepartment === c.department
        ? null
        : `这份联合行文由${DEPARTMENT[c.draftedDepartment]}部门起草，只有起草部门可以更正或撤销；如有问题，请联系${DEPARTMENT[c.draftedDepartment]}部门`,
    // The same length rule as the application machine's reasons.
    reasonGiven: (c) => (c.reason && c.reason.trim().length >= 2 ? null : '请写明更正或撤销的原因（至少 2 个字）'),
  },
};
