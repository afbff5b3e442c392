import type { MachineDef } from './machine';

/**
 * A provider's filing (备案, 三（一）): draft → submitted → approved | returned | rejected, and an
 * approved filing may later be revoked. Only city MIIT (市工信局) decides.
 */
export const FILING_STATES = ['draft', 'submitted', 'approved', 'returned', 'rejected', 'revoked'] as const;
export type FilingState = (typeof FILING_STATES)[number];

export const FILING_EVENTS = ['submit', 'approve', 'return', 'reject', 'revoke'] as const;
export type FilingEvent = (typeof FILING_EVENTS)[number];

export type FilingGuard = 'formComplete' | 'allConditionsConfirmed' | 'reasonGiven';
export type FilingEffect = 'assignFilingNumber' | 'notifyProvider' | 'alertCityReviewers';

export interface FilingContext {
  /** Problems validateForSubmit found; empty when the form and materials are complete. */
  formProblems: number;
  /** The five conditions of 三（一）1–5 the reviewer confirmed. */
  conditionsConfirmed: number;
  reason: string | null;
}

export const filingMachine: MachineDef<FilingState, FilingEvent, FilingGuard, FilingEffect, FilingContext> = {
  id: 'provider-filing',
  initial: 'draft',
  states: {
    draft: {
      labels: { reviewer: '草稿', applicant: '尚未提交：填写完整并上传材料后提交' },
      on: { submit: { target: 'submitted', roles: ['provider'], guards: ['formComplete'], effects: ['alertCityReviewers'] } },
    },
    submitted: {
      labels: { reviewer: '待审核', applicant: '市工信局正在审核' },
      on: {
        approve: {
          target: 'approved',
          roles: ['city_miit'],
          guards: ['allConditionsConfirmed'],
          effects: ['assignFilingNumber', 'notifyProvider'],
        },
        return: { target: 'returned', roles: ['city_miit'], guards: ['reasonGiven'], effects: ['notifyProvider'] },
        reject: { target: 'rejected', roles: ['city_miit'], guards: ['reasonGiven'], effects: ['notifyProvider'] },
      },
    },
    returned: {
      labels: { reviewer: '已退回修改', applicant: '需要您按意见修改后重新提交' },
      on: { submit: { target: 'submitted', roles: ['provider'], guards: ['formComplete'], effects: ['alertCityReviewers'] } },
    },
    approved: {
      labels: { reviewer: '已备案', applicant: '备案已通过' },
      on: { revoke: { target: 'revoked', roles: ['city_miit'], guards: ['reasonGiven'], effects: ['notifyProvider'] } },
    },
    rejected: { labels: { reviewer: '不予备案', applicant: '备案未通过' }, final: true },
    revoked: { labels: { reviewer: '已撤销备案', applicant: '备案已被撤销' }, final: true },
  },
  guards: {
    formComplete: (c) => (c.formProblems === 0 ? null : `备案申报书还有 ${c.formProblems} 处需要补充或修改`),
    // 三（一）: the five conditions a provider must meet; the reviewer confirms each against its evidence.
    allConditionsConfirmed: (c) => (c.conditionsConfirmed === 5 ? null : '请逐条核对三（一）1–5 的五项条件后再通过备案'),
    reasonGiven: (c) => (c.reason && c.reason.trim().length >= 2 ? null : '请写明原因，服务商将看到这段文字'),
  },
};
