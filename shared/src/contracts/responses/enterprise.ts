import { z } from 'zod';
import { PAYMENT_METHODS } from '../application';
import {
  applicationStateSchema,
  calendarDate,
  decisionSchema,
  departmentSchema,
  fen,
  idField,
  issueSchema,
  reasonItemSchema,
  timestamp,
  versionField,
} from './common';

/** The enterprise's side: its registration, colleagues, and its application from draft to disbursed (server/src/modules/applications). */

export const enterpriseStatusSchema = z.enum(['pending', 'verified', 'disputed', 'rejected']);

export const profileChangeViewSchema = z
  .strictObject({
    id: idField,
    enterpriseId: idField,
    enterpriseName: z.string().nullable(),
    status: z.enum(['pending', 'verified', 'refused', 'withdrawn']),
    statusLabel: z.string(),
    fields: z.array(
      z.strictObject({
        field: z.enum(['name', 'creditCode', 'establishedOn', 'countyCode', 'legalRepresentative']),
        label: z.string().describe('字段的中文名称'),
        from: z.string().nullable().describe('已核验的值（核验前仍以它为准）'),
        to: z.string().nullable().describe('申请变更为'),
      }),
    ),
    summary: z.string().describe('变更内容的中文说明：原值 → 新值'),
    requestedAt: timestamp,
    decidedAt: timestamp.nullable(),
    reason: z.string().nullable().describe('县里不予核验的原因'),
  })
  .meta({ id: 'ProfileChangeView' });
export const profileChangeEnvelopeSchema = z.strictObject({ change: profileChangeViewSchema }).meta({ id: 'ProfileChangeEnvelope' });
export const profileChangeListSchema = z.strictObject({ items: z.array(profileChangeViewSchema) }).meta({ id: 'ProfileChangeList' });

export const enterpriseViewSchema = z
  .strictObject({
    id: idField,
    creditCode: z.string(),
    name: z.string(),
    countyCode: z.string(),
    countyName: z.string().nullable(),
    status: enterpriseStatusSchema,
    statusLabel: z.string(),
    establishedOn: calendarDate.nullable(),
    industryCode: z.string().nullable(),
    legalRepresentative: z.string().nullable(),
    address: z.string().nullable(),
    contactName: z.string().nullable(),
    contactPhone: z.string().nullable(),
    version: versionField,
    pendingChange: profileChangeViewSchema.nullable().describe('已核验信息的变更，待县里核验；核验前以上面的值为准'),
  })
  .meta({ id: 'EnterpriseView' });
export type EnterpriseView = z.infer<typeof enterpriseViewSchema>;

export const enterpriseEnvelopeSchema = z.strictObject({ enterprise: enterpriseViewSchema }).meta({ id: 'EnterpriseEnvelope' });

export const enterpriseRegistrationSchema = z
  .strictObject({
    enterprise: enterpriseViewSchema,
    membership: z.enum(['owner', 'claim_pending']).describe('owner：新登记（201）；claim_pending：代码已登记，转为认领，待县里核实（202）'),
  })
  .meta({ id: 'EnterpriseRegistration' });

export const enterpriseListSchema = z.strictObject({ items: z.array(enterpriseViewSchema) }).meta({ id: 'EnterpriseList' });

export const colleagueInvitationSchema = z
  .strictObject({ code: z.string().describe('8 位数字邀请码：只显示一次'), expiresAt: timestamp })
  .meta({ id: 'ColleagueInvitation' });

export const enterpriseClaimSchema = z
  .strictObject({ memberId: idField, userId: idField, createdAt: timestamp })
  .meta({ id: 'EnterpriseClaim' });
export const countyEnterpriseListSchema = z
  .strictObject({ items: z.array(enterpriseViewSchema.extend({ claims: z.array(enterpriseClaimSchema) })) })
  .meta({ id: 'CountyEnterpriseList' });

// ---- the application -------------------------------------------------------------------------------------------

export const applicationSummarySchema = z
  .strictObject({
    id: idField,
    trackingNo: z.string().nullable().describe('申报编号：提交后生成'),
    status: applicationStateSchema,
    statusLabel: z.string(),
    version: versionField,
    contractAmountFen: fen.nullable(),
    subsidyFen: fen.nullable(),
    verifiedFen: fen.nullable(),
    updatedAt: timestamp,
  })
  .meta({ id: 'ApplicationSummary' });
export type ApplicationSummary = z.infer<typeof applicationSummarySchema>;

export const applicationListSchema = z
  .strictObject({ items: z.array(applicationSummarySchema.extend({ enterpriseId: idField, enterpriseName: z.string().nullable() })) })
  .meta({ id: 'ApplicationList' });

export const paymentMethodSchema = z.enum(PAYMENT_METHODS.map((m) => m.value) as [string, ...string[]]);

/** A payment line of an application: entered by the enterprise (manual) or seen paid on the platform (wechat_pay). */
export const paymentViewSchema = z
  .strictObject({
    id: idField,
    amountFen: fen,
    paidOn: calendarDate,
    method: paymentMethodSchema,
    reference: z.string().nullable(),
    source: z.enum(['wechat_pay', 'manual']),
    verified: z.boolean(),
  })
  .meta({ id: 'PaymentView' });
export type PaymentView = z.infer<typeof paymentViewSchema>;

export const applicationViewSchema = applicationSummarySchema
  .extend({
    enterpriseId: idField,
    countyCode: z.string(),
    contract: z.strictObject({
      providerId: idField.nullable(),
      contractNo: z.string().nullable(),
      signedOn: calendarDate.nullable(),
      start: calendarDate.nullable(),
      end: calendarDate.nullable(),
      amountFen: fen.nullable(),
      services: z.string().nullable(),
    }),
    declarations: z
      .strictObject({
        registeredInYichun: z.boolean(),
        independentLegalPerson: z.boolean(),
        industrial: z.boolean(),
        alignedWithIndustrialPolicy: z.boolean(),
        operatingNormally: z.boolean(),
        badCreditRecord: z.boolean(),
        seriousFiscalViolationWithin5Years: z.boolean(),
        dishonestyRecord: z.boolean(),
        firstPurchase: z.boolean(),
        otherSubsidiesFen: fen,
        otherSubsidyNote: z.string().nullish(),
      })
      .nullable(),
    bank: z.strictObject({ accountName: z.string().nullable(), bankName: z.string().nullable(), accountNo: z.string().nullable() }),
    paidAmountFen: fen.nullable(),
    payments: z.array(paymentViewSchema.extend({ paymentRequestId: idField.nullable() })),
    lastReason: z.string().nullable(),
    returnedFrom: z.enum(['provider', 'county', 'city']).nullable(),
    /** The round (申报批次) it was submitted in, by name (issue 18); null: a draft, or from before rounds. */
    roundName: z.string().nullable(),
    /** When returned: the last day a correction is accepted (issue 18); otherwise null. */
    correctionDueOn: calendarDate.nullable(),
    opinions: z.array(
      z.strictObject({
        level: z.enum(['county', 'city']),
        department: departmentSchema,
        decision: decisionSchema,
        reasons: z.array(reasonItemSchema).nullable(),
        round: z.number().int(),
        at: timestamp,
      }),
    ),
    submittedAt: timestamp.nullable(),
    disbursements: z.array(
      z.strictObject({
        kind: z.string(),
        amountFen: fen,
        paidOn: calendarDate,
        bankName: z.string(),
        accountNo: z.string().describe('只显示末四位'),
        recordedAt: timestamp,
      }),
    ),
    disbursedFen: fen,
  })
  .meta({ id: 'ApplicationView' });
export type ApplicationView = z.infer<typeof applicationViewSchema>;

export const applicationEnvelopeSchema = z
  .strictObject({ application: applicationViewSchema, missing: z.array(issueSchema).describe('提交前尚缺的内容'), editable: z.boolean() })
  .meta({ id: 'ApplicationEnvelope' });
export type ApplicationEnvelope = z.infer<typeof applicationEnvelopeSchema>;

export const applicationEventSchema = z
  .strictObject({
    seq: z.number().int(),
    event: z.string(),
    from: z.string().nullable(),
    to: z.string(),
    toLabel: z.string(),
    reason: z.string().nullable(),
    at: timestamp,
    data: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'ApplicationEvent' });
export type ApplicationEvent = z.infer<typeof applicationEventSchema>;
export const applicationHistorySchema = z.strictObject({ items: z.array(applicationEventSchema) }).meta({ id: 'ApplicationHistory' });
