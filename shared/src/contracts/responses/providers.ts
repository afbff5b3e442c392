import { z } from 'zod';
import { FILING_MATERIAL_KINDS, PLATFORM_FUNCTIONS, PRICE_UNITS, providerFilingDraftSchema } from '../providerFiling';
import { calendarDate, count, fen, filingStateSchema, idField, issueSchema, timestamp, versionField } from './common';

/** Provider filings (备案) and the public registry of filed providers (server/src/modules/providers). */

export const filingSummarySchema = z
  .strictObject({
    id: idField,
    companyName: z.string(),
    platformName: z.string().nullable(),
    status: filingStateSchema,
    statusLabel: z.string(),
    filingNo: z.string().nullable(),
    approvedOn: calendarDate.nullable(),
    revokedOn: calendarDate.nullable(),
    version: versionField,
    submittedAt: timestamp.nullable(),
    updatedAt: timestamp,
  })
  .meta({ id: 'FilingSummary' });
export type FilingSummary = z.infer<typeof filingSummarySchema>;

export const filingViewSchema = filingSummarySchema
  .extend({ applicantLabel: z.string(), form: providerFilingDraftSchema.describe('备案申报书（草稿可不完整）'), createdAt: timestamp })
  .meta({ id: 'FilingView' });
export type FilingView = z.infer<typeof filingViewSchema>;

export const filingEnvelopeSchema = z.strictObject({ filing: filingViewSchema }).meta({ id: 'FilingEnvelope' });

/** A filing with what is still missing before it can be submitted; `filing` is null for someone who has none. */
export const filingWithMissingSchema = z
  .strictObject({ filing: filingViewSchema.nullable(), missing: z.array(issueSchema) })
  .meta({ id: 'FilingWithMissing' });
export type FilingWithMissing = z.infer<typeof filingWithMissingSchema>;

export const filingEventSchema = z
  .strictObject({
    seq: z.number().int(),
    event: z.string(),
    from: z.string().nullable(),
    to: z.string(),
    reason: z.string().nullable(),
    at: timestamp,
    byReviewer: z.boolean(),
  })
  .meta({ id: 'FilingEvent' });
export const filingHistorySchema = z.strictObject({ items: z.array(filingEventSchema) }).meta({ id: 'FilingHistory' });

/** A provider's record of county ratings (上云效果, 服务商服务质量; 1–5), from the county approvals naming it. */
const ratingStatSchema = z.strictObject({
  count,
  average: z.number().nullable().describe('平均分，保留两位小数；尚无评分为 null'),
  distribution: z.strictObject({ '1': count, '2': count, '3': count, '4': count, '5': count }),
});
export const ratingRecordSchema = z
  .strictObject({
    effect: ratingStatSchema,
    service: ratingStatSchema,
    text: z.string().describe('给人看的评价概况，如“县级审核同意时评分 3 次：上云效果平均 4.33 分（良好），……”'),
  })
  .meta({ id: 'ProviderRatingRecord' });
export type RatingRecord = z.infer<typeof ratingRecordSchema>;

export const filingChecklistSchema = z
  .strictObject({
    filing: filingSummarySchema,
    conditions: z.array(
      z.strictObject({
        no: z.number().int().min(1).max(5),
        clause: z.string(),
        text: z.string(),
        fields: z.array(z.strictObject({ label: z.string(), value: z.string() })),
        materials: z.array(
          z.strictObject({
            kind: z.enum(FILING_MATERIAL_KINDS as [string, ...string[]]),
            label: z.string(),
            files: z.array(z.strictObject({ id: idField, name: z.string() })),
          }),
        ),
      }),
    ),
    otherMaterials: z.array(z.strictObject({ id: idField, kind: z.string(), label: z.string(), name: z.string() })),
    ratingRecord: ratingRecordSchema.describe('服务商在县级审核中得到的评分（issue 14 第 10 项）'),
  })
  .meta({ id: 'FilingChecklist' });
export type FilingChecklist = z.infer<typeof filingChecklistSchema>;

export const filingQueueSchema = z
  .strictObject({
    items: z.array(filingSummarySchema),
    counts: z.record(z.string(), count).describe('各状态的数量'),
    next: z.string().nullable().describe('下一页的翻页参数 after；没有下一页为 null'),
  })
  .meta({ id: 'FilingQueue' });

export const providerCardSchema = z
  .strictObject({
    id: idField,
    companyName: z.string(),
    platformName: z.string().nullable(),
    platformUrl: z.string().nullable(),
    filingNo: z.string().nullable(),
    approvedOn: calendarDate.nullable(),
    status: filingStateSchema,
    revokedOn: calendarDate.nullable(),
    selectable: z.boolean().describe('可在申请中选为合同服务商（备案有效）'),
    wechatPay: z.boolean().describe('已开通平台微信支付'),
    functions: z.array(
      z.strictObject({ value: z.enum(PLATFORM_FUNCTIONS.map((f) => f.value) as [string, ...string[]]), label: z.string() }),
    ),
    catalogue: z.array(
      z.strictObject({
        id: z.string().optional(),
        name: z.string().optional(),
        description: z.string().optional(),
        priceFen: fen.optional(),
        yichunPriceFen: fen.nullable(),
        unit: z.enum(PRICE_UNITS.map((u) => u.value) as [string, ...string[]]).optional(),
        unitLabel: z.string().nullable(),
      }),
    ),
    offers: z.array(
      z.strictObject({
        id: z.string().optional(),
        title: z.string().optional(),
        description: z.string().optional(),
        validFrom: calendarDate.nullable(),
        validTo: calendarDate.nullable(),
      }),
    ),
    contact: z.strictObject({ name: z.string().nullable(), phone: z.string().nullable(), mobile: z.string().nullable() }).nullable(),
    ratingRecord: ratingRecordSchema,
  })
  .meta({ id: 'ProviderCard' });
export type ProviderCard = z.infer<typeof providerCardSchema>;

export const providerListSchema = z.strictObject({ items: z.array(providerCardSchema) }).meta({ id: 'ProviderList' });

export const providerDetailSchema = z
  .strictObject({ provider: providerCardSchema.extend({ description: z.string().nullable(), scenarios: z.string().nullable() }) })
  .meta({ id: 'ProviderDetail' });
export type ProviderDetail = z.infer<typeof providerDetailSchema>;
