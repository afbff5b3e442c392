import { z } from 'zod';
import { APPLICATION_STATES } from '../../workflow/application';
import { FILING_STATES } from '../../workflow/providerFiling';
import { ROLES } from '../roles';
import { ERROR_CODES, type ErrorCode } from '../errors';

/**
 * The building blocks of the server's answers (the 2xx JSON bodies; see docs/openapi.json). Every
 * object is strict: an answer with a field that is not declared here fails the test suite, which
 * checks every answer against its route's declaration (server/src/http/routes.ts).
 */

/** A record's id (a ULID: 26 characters, time-ordered). */
export const idField = z.string().describe('编号（ULID）');
/** Milliseconds since 1970-01-01 UTC. */
export const timestamp = z.number().int().describe('时刻：毫秒时间戳（UTC）');
/** A calendar day in Beijing time. */
export const calendarDate = z.string().describe('日期 YYYY-MM-DD（北京时间）');
/** Money in integer fen (分), never a float. */
export const fen = z.number().int().describe('金额，单位分');
export const count = z.number().int().min(0);
/** The optimistic-lock version a change must carry back. */
export const versionField = z.number().int().min(1).describe('版本号：修改时原样带回，内容已被他人修改则 409 stale_version');

export const roleSchema = z.enum(ROLES);
export const applicationStateSchema = z.enum(APPLICATION_STATES);
export const filingStateSchema = z.enum(FILING_STATES);
export const departmentSchema = z.enum(['miit', 'finance']);
export const decisionSchema = z.enum(['approve', 'return', 'reject']);

/** One problem with a piece of input, or one thing still missing: where, and what to do. */
export const issueSchema = z.strictObject({ path: z.string(), message: z.string() }).meta({ id: 'Issue' });
export type Issue = z.infer<typeof issueSchema>;

/** Every error answer (4xx, 5xx). */
export const errorAnswerSchema = z
  .strictObject({
    error: z.strictObject({
      code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]),
      message: z.string().describe('给人看的中文说明，告诉如何改正'),
      details: z.array(issueSchema),
    }),
  })
  .meta({ id: 'Error' });
export type ErrorAnswer = z.infer<typeof errorAnswerSchema>;

/** A reviewer's reason as the enterprise reads it: what to change, and where. */
export const reasonItemSchema = z
  .strictObject({
    field: z.string().nullish(),
    material: z.string().nullish(),
    path: z.string().nullish(),
    verifiedFen: z.number().int().nullish().describe('市级核定时：核定的金额（分），path 为 verifiedFen'),
    message: z.string(),
  })
  .meta({ id: 'ReasonItem' });
export type ReasonItem = z.infer<typeof reasonItemSchema>;

/** A page of a queue: the items, the number in each state, and the cursor of the next page. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.strictObject({
    items: z.array(item),
    counts: z.record(z.string(), count).describe('各状态的数量'),
    next: z.string().nullable().describe('下一页的翻页参数 after；没有下一页为 null'),
  });
}

/** `{ items: [...] }` */
export function itemsOf<T extends z.ZodType>(item: T) {
  return z.strictObject({ items: z.array(item) });
}

/** GET /healthz */
export const healthSchema = z.strictObject({ status: z.literal('ok') }).meta({ id: 'Health' });

/** GET /api/v1/openapi.json: the OpenAPI 3.1 document itself (docs/openapi.json). */
export const openApiDocumentSchema = z
  .looseObject({
    openapi: z.literal('3.1.0'),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'OpenApiDocument' });

/** One version of a drafted document (joint report, proposed list): 文号, date, members, who changed it, when and why. */
export const documentVersionSchema = z
  .strictObject({
    seq: count,
    change: z.enum(['created', 'corrected', 'cancelled']),
    changeLabel: z.string(),
    docNo: z.string().nullable(),
    docDate: calendarDate.nullable(),
    applicationIds: z.array(idField),
    trackingNos: z.array(z.string()),
    reason: z.string().nullable(),
    actorId: idField,
    actorName: z.string().nullable(),
    actorRoleLabel: z.string().nullable(),
    at: timestamp,
  })
  .meta({ id: 'DocumentVersion' });
