import { z } from 'zod';
import {
  applicationStateSchema,
  calendarDate,
  count,
  decisionSchema,
  departmentSchema,
  documentVersionSchema,
  fen,
  idField,
  reasonItemSchema,
  timestamp,
  versionField,
} from './common';
import { enterpriseStatusSchema, profileChangeViewSchema } from './enterprise';
import { flagSchema } from './county';
import { policyVersionSchema } from './eligibility';

/**
 * The city: review and 核定金额, the year's budget, the proposed list (拟补贴名单) with its notice and
 * objections, and the disbursement ledger (server/src/modules/applications: cityReview, budget,
 * subsidyLists, disbursements).
 */

export const cityQueueItemSchema = z
  .strictObject({
    id: idField,
    trackingNo: z.string().nullable(),
    status: applicationStateSchema,
    statusLabel: z.string(),
    version: versionField,
    countyCode: z.string(),
    countyName: z.string().nullable(),
    enterprise: z.strictObject({ id: idField, name: z.string(), creditCode: z.string() }),
    provider: z.strictObject({ id: idField, name: z.string() }).nullable(),
    contractAmountFen: fen.nullable(),
    paidAmountFen: fen.nullable(),
    otherSubsidiesFen: fen,
    subsidyFen: fen.nullable(),
    verifiedFen: fen.nullable(),
    verifiedReason: z.string().nullable(),
    listId: idField.nullable(),
    submittedAt: timestamp.nullable(),
    updatedAt: timestamp,
  })
  .meta({ id: 'CityQueueItem' });
export type CityQueueItem = z.infer<typeof cityQueueItemSchema>;

export const cityQueueSchema = z
  .strictObject({
    items: z.array(
      cityQueueItemSchema.extend({
        waitingDays: count,
        overdue: z.boolean(),
        roundName: z.string().nullable().describe('申报批次，如 2026年第1批；申报批次设立前提交的为 null'),
      }),
    ),
    counts: z.record(z.string(), count).describe('各状态的数量'),
    next: z.string().nullable().describe('下一页的翻页参数 after；没有下一页为 null'),
  })
  .meta({ id: 'CityQueue' });

export const cityOpinionResultSchema = z
  .strictObject({ application: cityQueueItemSchema.extend({ lastReason: z.string().nullable() }) })
  .meta({ id: 'CityOpinionResult' });

export const ledgerKindSchema = z.enum(['payment', 'correction', 'reversal']);

export const ledgerEntrySchema = z
  .strictObject({
    id: idField,
    applicationId: idField,
    seq: z.number().int(),
    kind: ledgerKindSchema,
    kindLabel: z.string(),
    amountFen: fen,
    voucherNo: z.string(),
    paidOn: calendarDate,
    accountName: z.string(),
    bankName: z.string(),
    accountNo: z.string(),
    reason: z.string().nullable(),
    correctsId: idField.nullable(),
    recordedBy: idField,
    createdAt: timestamp,
  })
  .meta({ id: 'LedgerEntry' });
export type LedgerEntry = z.infer<typeof ledgerEntrySchema>;

export const cityDetailSchema = z
  .strictObject({
    flags: z.array(flagSchema),
    application: z.strictObject({
      id: idField,
      trackingNo: z.string().nullable(),
      status: applicationStateSchema,
      statusLabel: z.string(),
      version: versionField,
      round: z.number().int(),
      countyCode: z.string(),
      countyName: z.string().nullable(),
      contractNo: z.string().nullable(),
      contractSignedOn: calendarDate.nullable(),
      contractStart: calendarDate.nullable(),
      contractEnd: calendarDate.nullable(),
      services: z.string().nullable(),
      contractAmountFen: fen.nullable(),
      paidAmountFen: fen.nullable(),
      otherSubsidiesFen: fen,
      subsidyFen: fen.nullable(),
      verifiedFen: fen.nullable(),
      verifiedReason: z.string().nullable(),
      providerEvaluation: z.string().nullable(),
      lastReason: z.string().nullable(),
      returnedFrom: z.enum(['provider', 'county', 'city']).nullable(),
      bankAccount: z.strictObject({
        accountName: z.string().nullable(),
        bankName: z.string().nullable(),
        accountNo: z.string().nullable(),
        matchesEnterprise: z.boolean(),
      }),
      reportId: idField.nullable(),
      listId: idField.nullable(),
      submittedAt: timestamp.nullable(),
      updatedAt: timestamp,
    }),
    enterprise: z
      .strictObject({
        id: idField,
        name: z.string(),
        creditCode: z.string(),
        countyCode: z.string(),
        establishedOn: calendarDate.nullable(),
        industryCode: z.string().nullable(),
        legalRepresentative: z.string().nullable(),
        contactName: z.string().nullable(),
        contactPhone: z.string().nullable(),
        status: enterpriseStatusSchema,
        pendingChange: profileChangeViewSchema.nullable().describe('企业已核验信息的变更，待县里核验（核验前以原信息为准）'),
      })
      .nullable(),
    provider: z
      .strictObject({
        id: idField,
        companyName: z.string(),
        platformName: z.string().nullable(),
        filingNo: z.string().nullable(),
        approvedOn: calendarDate.nullable(),
        revokedOn: calendarDate.nullable(),
        status: z.string(),
      })
      .nullable(),
    amount: z.strictObject({
      payableFen: fen,
      computedFen: fen,
      capped: z.boolean(),
      on: calendarDate,
      policyVersion: policyVersionSchema.describe('计算可补助金额所依据的政策版本：申请首次提交之日施行的版本，补正后不变'),
    }),
    opinions: z.array(
      z.strictObject({
        id: idField,
        round: z.number().int(),
        level: z.enum(['county', 'city']),
        department: departmentSchema,
        reviewerId: idField,
        decision: decisionSchema,
        reasons: z.array(reasonItemSchema).nullable(),
        ratingEffect: z.number().int().nullable(),
        ratingService: z.number().int().nullable(),
        internalNote: z.string().nullable(),
        createdAt: timestamp,
      }),
    ),
    history: z.array(
      z.strictObject({
        seq: z.number().int(),
        event: z.string(),
        from: z.string().nullable(),
        to: z.string(),
        actorId: idField.nullable(),
        actorRole: z.string().nullable(),
        reason: z.string().nullable(),
        internalNote: z.string().nullable(),
        data: z.record(z.string(), z.unknown()).nullable(),
        at: timestamp,
      }),
    ),
    payments: z.array(
      z.strictObject({
        id: idField,
        amountFen: fen,
        paidOn: calendarDate,
        method: z.string(),
        reference: z.string().nullable(),
        source: z.string(),
        verified: z.boolean(),
      }),
    ),
    paymentsTotalFen: fen,
    materials: z.array(z.strictObject({ id: idField, kind: z.string(), name: z.string(), sha256: z.string(), uploadedAt: timestamp })),
    list: z.strictObject({ id: idField, year: z.number().int(), batchNo: z.number().int(), status: z.string() }).nullable(),
    ledger: z.strictObject({ entries: z.array(ledgerEntrySchema.omit({ applicationId: true, kindLabel: true })), netFen: fen }),
  })
  .meta({ id: 'CityDetail' });
export type CityDetail = z.infer<typeof cityDetailSchema>;

// ---- budget ---------------------------------------------------------------------------------------------------------

export const budgetViewSchema = z
  .strictObject({
    budget: z.strictObject({
      year: z.number().int(),
      budgetFen: fen.nullable(),
      version: z.number().int().nullable(),
      setBy: idField.nullable(),
      updatedAt: timestamp.nullable(),
      committedFen: fen,
      reservedFen: fen,
      disbursedNetFen: fen,
      remainingFen: fen.nullable(),
    }),
  })
  .meta({ id: 'BudgetView' });
export type BudgetView = z.infer<typeof budgetViewSchema>;

// ---- the proposed list ----------------------------------------------------------------------------------------------

export const listStatusSchema = z.enum(['draft', 'cosigned', 'notice', 'approved', 'cancelled']);

const listCore = {
  id: idField,
  year: z.number().int(),
  batchNo: z.number().int(),
  title: z.string(),
  /** The round (申报批次) of its applications (issue 18); null: applications from before rounds. */
  round: z.strictObject({ id: idField, name: z.string() }).nullable(),
  status: listStatusSchema,
  statusLabel: z.string(),
  noticeStart: calendarDate.nullable(),
  noticeEnd: calendarDate.nullable(),
  draftedBy: idField,
  cosignedBy: idField.nullable(),
  approvedBy: idField.nullable(),
  version: versionField,
  createdAt: timestamp,
  updatedAt: timestamp,
};

export const listSummarySchema = z.strictObject({ ...listCore, itemCount: count, verifiedTotalFen: fen }).meta({ id: 'ListSummary' });
export type ListSummary = z.infer<typeof listSummarySchema>;
export const listListSchema = z.strictObject({ items: z.array(listSummarySchema) }).meta({ id: 'ListList' });

export const listObjectionSchema = z
  .strictObject({
    id: idField,
    listId: idField,
    applicationId: idField,
    content: z.string().nullable(),
    objector: z.string().nullable(),
    receivedOn: calendarDate,
    decision: z.enum(['pending', 'upheld', 'dismissed']),
    decisionLabel: z.string(),
    recordedBy: idField,
    decidedBy: idField.nullable(),
    decidedAt: timestamp.nullable(),
    decisionReason: z.string().nullable(),
    createdAt: timestamp,
  })
  .meta({ id: 'ListObjection' });
export type ListObjection = z.infer<typeof listObjectionSchema>;
export const objectionEnvelopeSchema = z.strictObject({ objection: listObjectionSchema }).meta({ id: 'ObjectionEnvelope' });

export const listItemViewSchema = cityQueueItemSchema
  .extend({
    itemId: idField,
    itemVerifiedFen: fen,
    onList: z.boolean(),
    removedAt: timestamp.nullable(),
    removedReason: z.string().nullable(),
    pendingObjections: count,
  })
  .meta({ id: 'ListItemView' });

export const listDetailSchema = z
  .strictObject({
    list: z.strictObject({ ...listCore, cosignedAt: timestamp.nullable(), approvedAt: timestamp.nullable() }),
    items: z.array(listItemViewSchema),
    removedItems: z.array(listItemViewSchema),
    totals: z.strictObject({ count, verifiedFen: fen, payableFen: fen, contractAmountFen: fen }),
    budget: z.strictObject({
      year: z.number().int(),
      budgetFen: fen.nullable(),
      committedBeforeFen: fen,
      listFen: fen,
      remainingFen: fen.nullable(),
      exceedsByFen: fen,
      warning: z.string().nullable(),
    }),
    budgetWarning: z.string().nullable(),
    objections: z.array(listObjectionSchema),
    approvalBlockers: z.array(z.string()),
    /** Every version of the list's membership, oldest first: who changed it, when and why. */
    versions: z.array(documentVersionSchema),
  })
  .meta({ id: 'ListDetail' });
export type ListDetail = z.infer<typeof listDetailSchema>;

export const objectionDecisionSchema = listDetailSchema
  .extend({ objection: listObjectionSchema, outcome: z.enum(['back_to_review', 'reject']).nullable() })
  .meta({ id: 'ObjectionDecision' });

// ---- the ledger ---------------------------------------------------------------------------------------------------

export const ledgerChangeSchema = z
  .strictObject({
    entry: ledgerEntrySchema,
    application: z.strictObject({
      id: idField,
      status: applicationStateSchema,
      statusLabel: z.string(),
      version: versionField,
      verifiedFen: fen.nullable(),
    }),
    ledger: z.strictObject({
      entries: z.array(ledgerEntrySchema),
      netFen: fen,
      awaitingConfirmation: z.array(idField).describe('尚待另一位经办人员确认的更正、退汇（台账记录编号）'),
    }),
    replayed: z.boolean().describe('同一请求重复提交：返回原记录，不再登记'),
  })
  .meta({ id: 'LedgerChange' });

export const ledgerPageSchema = z
  .strictObject({
    items: z.array(
      ledgerEntrySchema.extend({
        trackingNo: z.string().nullable(),
        enterpriseName: z.string(),
        countyCode: z.string(),
        recordedByName: z.string().describe('登记人：姓名，未填写姓名时为“市财政局经办人”'),
      }),
    ),
    totals: z.strictObject({ paymentFen: fen, correctionFen: fen, reversalFen: fen, netFen: fen, count }),
    next: z.string().nullable(),
  })
  .meta({ id: 'LedgerPage' });
export type LedgerPage = z.infer<typeof ledgerPageSchema>;
