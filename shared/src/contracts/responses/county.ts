import { z } from 'zod';
import {
  applicationStateSchema,
  calendarDate,
  count,
  decisionSchema,
  departmentSchema,
  documentVersionSchema,
  fen,
  filingStateSchema,
  idField,
  pageOf,
  reasonItemSchema,
  timestamp,
  versionField,
} from './common';
import { enterpriseStatusSchema, paymentViewSchema, profileChangeViewSchema } from './enterprise';
import { duplicateRefSchema } from './files';

/**
 * The provider's desk (confirming applications, 兑付申请表), the county review and the county joint
 * report (server/src/modules/applications: settlementForms, countyReview, jointReports).
 */

const contractSchema = z.strictObject({
  no: z.string().nullable(),
  signedOn: calendarDate.nullable(),
  start: calendarDate.nullable(),
  end: calendarDate.nullable(),
  amountFen: fen.nullable(),
  services: z.string().nullable(),
});

// ---- the provider's desk ---------------------------------------------------------------------------------------

export const providerApplicationItemSchema = z
  .strictObject({
    id: idField,
    trackingNo: z.string().nullable(),
    enterpriseName: z.string(),
    countyCode: z.string(),
    countyName: z.string(),
    contractNo: z.string().nullable(),
    contractAmountFen: fen.nullable(),
    appliedFen: fen.nullable(),
    status: applicationStateSchema,
    statusLabel: z.string(),
    version: versionField,
    settlementFormId: idField.nullable(),
    submittedAt: timestamp.nullable(),
    updatedAt: timestamp,
  })
  .meta({ id: 'ProviderApplicationItem' });
export const providerApplicationPageSchema = pageOf(providerApplicationItemSchema).meta({ id: 'ProviderApplicationPage' });

export const providerApplicationDetailSchema = z
  .strictObject({
    application: z.strictObject({
      id: idField,
      trackingNo: z.string().nullable(),
      status: applicationStateSchema,
      statusLabel: z.string(),
      applicantLabel: z.string(),
      version: versionField,
      enterpriseName: z.string(),
      countyCode: z.string(),
      countyName: z.string(),
      contract: contractSchema,
      paidAmountFen: fen.nullable(),
      appliedFen: fen.nullable(),
      payments: z.array(paymentViewSchema),
      effectEvaluation: z.string().nullable(),
      lastReason: z.string().nullable(),
      settlementFormId: idField.nullable(),
      submittedAt: timestamp.nullable(),
      updatedAt: timestamp,
    }),
  })
  .meta({ id: 'ProviderApplicationDetail' });
export type ProviderApplicationDetail = z.infer<typeof providerApplicationDetailSchema>;

export const settlementFormSchema = z
  .strictObject({
    id: idField,
    providerId: idField,
    version: z.number().int(),
    status: z.enum(['generated', 'signed', 'superseded']),
    statusLabel: z.string(),
    createdAt: timestamp,
    signedAt: timestamp.nullable(),
    signedFileId: idField.nullable(),
    totalAppliedFen: fen,
    scans: z.array(z.strictObject({ id: idField, name: z.string(), createdAt: timestamp })),
    items: z.array(
      z.strictObject({
        position: z.number().int(),
        applicationId: idField,
        trackingNo: z.string().nullable(),
        enterpriseName: z.string(),
        appliedFen: fen,
        contractAmountFen: fen,
        paidAmountFen: fen.nullable(),
        effectEvaluation: z.string().nullable(),
        applicationStatus: applicationStateSchema.nullable(),
        current: z.boolean(),
      }),
    ),
  })
  .meta({ id: 'SettlementForm' });
export type SettlementForm = z.infer<typeof settlementFormSchema>;
export const settlementFormEnvelopeSchema = z.strictObject({ form: settlementFormSchema }).meta({ id: 'SettlementFormEnvelope' });
export const settlementFormListSchema = z
  .strictObject({
    items: z.array(settlementFormSchema),
    // Confirmed applications awaiting the county that no signed version covers as they are now.
    needingNewForm: z.array(
      z.strictObject({
        applicationId: idField,
        trackingNo: z.string().nullable(),
        enterpriseName: z.string(),
        status: applicationStateSchema,
        statusLabel: z.string(),
        contractAmountFen: fen.nullable(),
        paidAmountFen: fen.nullable(),
        appliedFen: fen.nullable(),
        signedVersion: z.number().int().nullable(),
        changedFigures: z.array(z.string()),
        why: z.string(),
      }),
    ),
  })
  .meta({ id: 'SettlementFormList' });

// ---- the county review ----------------------------------------------------------------------------------------

export const flagSchema = z
  .strictObject({
    code: z.enum([
      'rule_warning',
      'paid_less_than_contract',
      'duplicate_file',
      'contract_no_reused',
      'provider_revoked',
      'unverified_payments',
      'payment_refunded',
      'payment_problem',
    ]),
    message: z.string(),
    refs: z.array(z.string()).optional(),
  })
  .meta({ id: 'Flag' });
export type Flag = z.infer<typeof flagSchema>;

export const countyQueueItemSchema = z
  .strictObject({
    id: idField,
    trackingNo: z.string().nullable(),
    enterpriseName: z.string(),
    contractNo: z.string().nullable(),
    contractAmountFen: fen.nullable(),
    subsidyFen: fen.nullable(),
    status: applicationStateSchema,
    statusLabel: z.string(),
    version: versionField,
    round: z.number().int(),
    myOpinion: z.string().nullable(),
    otherOpinion: z.string().nullable(),
    submittedAt: timestamp.nullable(),
    updatedAt: timestamp,
    waitingDays: count,
    overdue: z.boolean(),
  })
  .meta({ id: 'CountyQueueItem' });
export const countyQueueSchema = pageOf(countyQueueItemSchema).meta({ id: 'CountyQueue' });

export const countyOpinionViewSchema = z
  .strictObject({
    id: idField,
    round: z.number().int(),
    level: z.enum(['county', 'city']),
    department: departmentSchema,
    departmentLabel: z.string(),
    decision: decisionSchema,
    decisionLabel: z.string(),
    reasons: z.array(reasonItemSchema),
    ratings: z.strictObject({
      effect: z.number().int().nullable(),
      effectLabel: z.string().nullable(),
      service: z.number().int().nullable(),
      serviceLabel: z.string().nullable(),
    }),
    internalNote: z.string().nullable(),
    reviewerId: idField,
    reviewerName: z.string().nullable(),
    createdAt: timestamp,
  })
  .meta({ id: 'CountyOpinionView' });

const fileBrief = z.strictObject({
  id: idField,
  name: z.string(),
  mime: z.string(),
  sizeBytes: count,
  sha256: z.string(),
  createdAt: timestamp,
  supersededBy: idField.nullable(),
});

export const countyDetailSchema = z
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
      countyName: z.string(),
      contract: contractSchema,
      paidAmountFen: fen.nullable(),
      otherSubsidiesFen: fen,
      subsidyFen: fen.nullable(),
      facts: z.record(z.string(), z.unknown()).nullable(),
      bankAccount: z.strictObject({
        name: z.string().nullable(),
        bank: z.string().nullable(),
        accountNo: z.string(),
        nameMatchesEnterprise: z.boolean(),
      }),
      providerEvaluation: z.string().nullable(),
      returnedFrom: z.enum(['provider', 'county', 'city']).nullable(),
      lastReason: z.string().nullable(),
      reportId: idField.nullable(),
      submittedAt: timestamp.nullable(),
      updatedAt: timestamp,
    }),
    enterprise: z
      .strictObject({
        id: idField,
        name: z.string(),
        creditCode: z.string(),
        status: enterpriseStatusSchema,
        establishedOn: calendarDate.nullable(),
        industryCode: z.string().nullable(),
        legalRepresentative: z.string().nullable(),
        address: z.string().nullable(),
        contactName: z.string().nullable(),
        contactPhone: z.string().nullable(),
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
        status: filingStateSchema,
      })
      .nullable(),
    payments: z.array(paymentViewSchema.extend({ removedAt: timestamp.nullable() })),
    materials: z.array(fileBrief.extend({ kind: z.string(), duplicateOf: z.array(duplicateRefSchema) })),
    settlementForm: z
      .strictObject({
        id: idField,
        version: z.number().int(),
        status: z.enum(['generated', 'signed', 'superseded']),
        signedAt: timestamp.nullable(),
        signed: z.boolean(),
        matchesCurrent: z.boolean(),
        changedFigures: z.array(z.string()),
        matchLabel: z.string(),
        item: z
          .strictObject({
            position: z.number().int(),
            appliedFen: fen,
            contractAmountFen: fen,
            paidAmountFen: fen.nullable(),
            effectEvaluation: z.string().nullable(),
          })
          .nullable(),
        signedFileId: idField.nullable(),
        files: z.array(fileBrief),
      })
      .nullable(),
    opinions: z.array(countyOpinionViewSchema),
    history: z.array(
      z.strictObject({
        seq: z.number().int(),
        event: z.string(),
        from: z.string().nullable(),
        to: z.string(),
        actorRole: z.string().nullable(),
        actorName: z.string().nullable(),
        reason: z.string().nullable(),
        internalNote: z.string().nullable(),
        at: timestamp,
      }),
    ),
    myDepartment: departmentSchema,
    myOpinionThisRound: decisionSchema.nullable(),
    otherOpinionThisRound: decisionSchema.nullable(),
  })
  .meta({ id: 'CountyDetail' });
export type CountyDetail = z.infer<typeof countyDetailSchema>;

export const countyOpinionResultSchema = z
  .strictObject({
    application: z.strictObject({
      id: idField,
      status: applicationStateSchema,
      statusLabel: z.string(),
      version: versionField,
      round: z.number().int(),
    }),
    opinion: countyOpinionViewSchema,
    waitingFor: departmentSchema.nullable().describe('还在等哪个部门的意见；两部门都已出具为 null'),
  })
  .meta({ id: 'CountyOpinionResult' });

// ---- the joint report (联合行文) -----------------------------------------------------------------------------------

export const jointReportSummarySchema = z
  .strictObject({
    id: idField,
    countyCode: z.string(),
    countyName: z.string(),
    docNo: z.string(),
    reportDate: calendarDate,
    status: z.enum(['draft', 'signing', 'submitted', 'cancelled']),
    statusLabel: z.string(),
    version: versionField,
    /** The department that drafted it, the one that may correct or cancel it (null: drafted before this was kept, either may). */
    draftedDepartment: departmentSchema.nullable(),
    miitSignedBy: idField.nullable(),
    miitSignedAt: timestamp.nullable(),
    financeSignedBy: idField.nullable(),
    financeSignedAt: timestamp.nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'JointReportSummary' });

export const jointReportListSchema = z
  .strictObject({ items: z.array(jointReportSummarySchema.extend({ applicationCount: count, totalAppliedFen: fen })) })
  .meta({ id: 'JointReportList' });

export const jointReportSchema = jointReportSummarySchema
  .extend({
    items: z.array(
      z.strictObject({
        applicationId: idField,
        trackingNo: z.string().nullable(),
        status: applicationStateSchema,
        statusLabel: z.string(),
        enterpriseName: z.string(),
        creditCode: z.string(),
        providerName: z.string(),
        contractAmountFen: fen.nullable(),
        paidAmountFen: fen.nullable(),
        appliedFen: fen.nullable(),
        opinions: z.array(
          z.strictObject({
            department: departmentSchema,
            departmentLabel: z.string(),
            decision: decisionSchema.nullable(),
            ratings: z.strictObject({ effect: z.number().int().nullable(), service: z.number().int().nullable() }).nullable(),
            round: z.number().int().nullable(),
          }),
        ),
      }),
    ),
    /** Every version of the report, oldest first: 文号, date, members, who changed it, when and why. */
    versions: z.array(documentVersionSchema),
  })
  .meta({ id: 'JointReport' });
export type JointReport = z.infer<typeof jointReportSchema>;
export const jointReportEnvelopeSchema = z.strictObject({ report: jointReportSchema }).meta({ id: 'JointReportEnvelope' });
