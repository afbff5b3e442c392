import { z } from 'zod';
import type { AppContext } from '../context';
import { answers, type RouteTable } from '../routeTable';
import {
  countyDetailSchema,
  countyOpinionResultSchema,
  countyQueueSchema,
  jointReportEnvelopeSchema,
  jointReportListSchema,
} from '../../../../shared/src/contracts/responses/county';
import { parseInput } from '../validate';
import { policyPack } from '../../../../shared/src/pack';
import { renderJointReportDocx } from '../../documents';
import { DOCX, sendDocument } from '../download';
import { cursor, id, idList, limit, statusList, text, version } from '../inputs';
import { isCalendarDate } from '../../../../shared/src/rules/calendar';
import type { CountyReview, OpinionInput } from '../../modules/countyReview/countyReview';
import { MAX_REPORT_ITEMS, type JointReports } from '../../modules/countyReview/jointReports';

// ---- input at the edge ----------------------------------------------------------------------------

const countyQuery = z.object({
  status: statusList(['county_review']),
  q: z.string({ error: '搜索词须为文字' }).trim().max(50, '搜索词不超过 50 字').optional(),
  overdue: z.enum(['1', '0', 'true', 'false'], { error: 'overdue 须为 1 或 0' }).optional(),
  after: cursor,
  limit,
});

const rating = (label: string) =>
  z
    .number({ error: `请给“${label}”评分（1–5 分：差、较差、一般、良好、优秀）` })
    .int(`“${label}”评分须为 1–5 的整数`)
    .min(1, `“${label}”评分须为 1–5 分`)
    .max(5, `“${label}”评分须为 1–5 分`);

const reasonItem = z.object(
  {
    field: z.string({ error: '字段须为文字' }).trim().max(120, '字段名称过长').optional(),
    material: z.string({ error: '材料须为文字' }).trim().max(100, '材料名称过长').optional(),
    message: text('需要修改的内容', 2, 500),
  },
  { error: '每条意见须为 {field, material, message}，message 写明要修改的内容' },
);

const opinionSchema = z
  .object({
    version,
    decision: z.enum(['approve', 'return', 'reject'], { error: '审核意见须为 approve（同意）、return（退回修改）或 reject（不予补助）' }),
    // Ratings go with an approval only (issue 14 item 10): a return or a reject asks for none.
    ratings: z
      .object(
        { effect: rating('上云效果'), service: rating('服务商服务质量') },
        { error: '请对上云效果和服务商服务质量分别评分（1–5 分）' },
      )
      .optional(),
    reasons: z.array(reasonItem, { error: '修改意见须为列表' }).max(50, '意见最多 50 条').optional(),
    // Reviewers only; never shown to the enterprise. Blank means none.
    internalNote: z
      .string({ error: '内部备注须为文字' })
      .trim()
      .max(2000, '内部备注不超过 2000 字')
      .optional()
      .transform((v) => (v ? v : undefined)),
    // Issue 18: a return may set the correction's deadline; without one the round's rule sets it.
    correctionDueOn: z
      .string({ error: '补正截止日期须为 YYYY-MM-DD 格式的日期' })
      .refine(isCalendarDate, '补正截止日期须为 YYYY-MM-DD 格式的有效日期')
      .optional(),
  })
  .superRefine((v, ctx) => {
    if (v.correctionDueOn !== undefined && v.decision !== 'return')
      ctx.addIssue({ code: 'custom', path: ['correctionDueOn'], message: '补正截止日期只在退回修改时填写' });
    if (v.decision === 'approve' && !v.ratings)
      ctx.addIssue({
        code: 'custom',
        path: ['ratings'],
        message: '审核同意时，请对上云效果和服务商服务质量分别评分（1–5 分：差、较差、一般、良好、优秀）',
      });
    // Reasons are what the enterprise reads: a return or a reject says what and why (三（四）审核意见).
    if (v.decision !== 'approve' && !(v.reasons && v.reasons.length))
      ctx.addIssue({
        code: 'custom',
        path: ['reasons'],
        message: '退回或不予补助时，请逐条写明原因和需要修改的字段或材料，企业将看到这些文字',
      });
  });

const DOC_NO = /[〔[(（]\s*\d{4}\s*[〕\])）]/;
/** A joint report's 文号 as the pack's first county would write it: its name without 区/县/市, then 工信联〔年〕n号. */
function docNoExample(): string {
  const [county] = policyPack().counties;
  return `${county ? county.name.replace(/[区县市旗]$/, '') : ''}工信联〔2026〕3号`;
}
const docNo = text('文号', 3, 64).refine((v) => DOC_NO.test(v) && /号$/.test(v), {
  error: () => `文号格式如“${docNoExample()}”：年份放在〔〕中，以“号”结尾`,
});
const reportDate = z
  .string({ error: '请填写行文日期（YYYY-MM-DD）' })
  .refine((v) => isCalendarDate(v), { error: '行文日期须为有效日期，格式 YYYY-MM-DD' });
const reportSchema = z.object({ docNo, reportDate, applicationIds: idList('联合行文', MAX_REPORT_ITEMS) });
const signSchema = z.object({ version });
// A draft withdrawn before its second signature (DESIGN.md "Corrections after the fact"): the reason is what the other department reads.
const withdrawalReason = (what: string) => text(`${what}的原因`, 2, 500);
const correctSchema = z
  .object({
    version,
    reason: withdrawalReason('更正'),
    docNo: docNo.optional(),
    reportDate: reportDate.optional(),
    applicationIds: idList('联合行文', MAX_REPORT_ITEMS).optional(),
  })
  .refine((v) => v.docNo !== undefined || v.reportDate !== undefined || v.applicationIds !== undefined, {
    error: '请至少更正文号、行文日期或所列申请中的一项',
    path: ['docNo'],
  });
const cancelSchema = z.object({ version, reason: withdrawalReason('撤销') });

// ---- routes ---------------------------------------------------------------------------------------

/** County review (三（四）) and the county joint report (联合行文). */
export function countyRoutes(routes: RouteTable, deps: { countyReview: CountyReview; jointReports: JointReports }): void {
  const review = deps.countyReview;
  const reports = deps.jointReports;
  const county = ['county_miit', 'county_finance'] as const;
  const appId = (ctx: AppContext) => parseInput(id, ctx.params.id, '申请编号不对');

  routes
    // The county review (三（四）).
    .add(
      {
        method: 'GET',
        path: '/api/v1/county/applications',
        access: county,
        summary: '本县（市）区的申请（按状态、搜索、分页，含各状态数量）',
        query: countyQuery,
        response: countyQueueSchema,
      },
      async (ctx) => {
        const q = parseInput(countyQuery, ctx.query, '查询参数不对');
        ctx.body = await review.queue(ctx.state.auth!, {
          statuses: q.status ?? ['county_review'],
          text: q.q ? q.q : null,
          after: q.after,
          limit: q.limit,
          overdue: q.overdue === '1' || q.overdue === 'true',
        });
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/county/applications/:id',
        access: county,
        summary: '一份申请的全部审核信息（企业、合同、付款、材料、兑付申请表、意见、记录）',
        params: { id },
        response: countyDetailSchema,
      },
      async (ctx) => {
        ctx.body = await review.detail(ctx.state.auth!, appId(ctx));
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/county/applications/:id/opinion',
        access: county,
        summary: '出具本部门审核意见（同意、退回修改、不予补助）并评分',
        params: { id },
        body: opinionSchema,
        response: countyOpinionResultSchema,
        errors: ['invalid_transition', 'opinion_given'],
      },
      async (ctx) => {
        const input: OpinionInput = parseInput(opinionSchema, ctx.request.body ?? {});
        ctx.body = await review.opinion(ctx.state.auth!, appId(ctx), input);
      },
    )
    // The joint report (联合行文).
    .add(
      {
        method: 'POST',
        path: '/api/v1/county/joint-reports',
        access: county,
        summary: '起草联合行文（文号、日期、两部门均已通过的申请）',
        body: reportSchema,
        response: jointReportEnvelopeSchema,
        status: 201,
        errors: ['not_reportable', 'doc_no_taken'],
      },
      async (ctx) => {
        const input = parseInput(reportSchema, ctx.request.body ?? {});
        ctx.status = 201;
        ctx.body = { report: await reports.create(ctx.state.auth!, input) };
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/county/joint-reports',
        access: county,
        summary: '本县（市）区的联合行文',
        response: jointReportListSchema,
      },
      async (ctx) => {
        ctx.body = await reports.list(ctx.state.auth!);
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/county/joint-reports/:id',
        access: county,
        summary: '联合行文详情（所列申请与两部门意见）',
        params: { id },
        response: jointReportEnvelopeSchema,
      },
      async (ctx) => {
        ctx.body = { report: await reports.get(ctx.state.auth!, parseInput(id, ctx.params.id, '联合行文编号不对')) };
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/county/joint-reports/:id/sign',
        access: county,
        summary: '本部门签发联合行文；两部门都签发后报送市里',
        params: { id },
        body: signSchema,
        response: jointReportEnvelopeSchema,
        errors: ['already_submitted'],
      },
      async (ctx) => {
        const input = parseInput(signSchema, ctx.request.body ?? {});
        ctx.body = { report: await reports.sign(ctx.state.auth!, parseInput(id, ctx.params.id, '联合行文编号不对'), input) };
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/county/joint-reports/:id/correct',
        access: county,
        summary: '更正尚未两部门签发的联合行文（文号、行文日期、所列申请；须写明原因，已有的签发作废，另一部门收到提醒）',
        params: { id },
        body: correctSchema,
        response: jointReportEnvelopeSchema,
        errors: ['already_submitted', 'report_cancelled', 'nothing_changed', 'doc_no_taken', 'not_reportable'],
      },
      async (ctx) => {
        const input = parseInput(correctSchema, ctx.request.body ?? {});
        ctx.body = { report: await reports.correct(ctx.state.auth!, parseInput(id, ctx.params.id, '联合行文编号不对'), input) };
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/county/joint-reports/:id/cancel',
        access: county,
        summary: '撤销尚未两部门签发的联合行文（须写明原因；所列申请仍为县级审核通过，可列入新的联合行文）',
        params: { id },
        body: cancelSchema,
        response: jointReportEnvelopeSchema,
        errors: ['already_submitted', 'report_cancelled'],
      },
      async (ctx) => {
        const input = parseInput(cancelSchema, ctx.request.body ?? {});
        ctx.body = { report: await reports.cancel(ctx.state.auth!, parseInput(id, ctx.params.id, '联合行文编号不对'), input) };
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/county/joint-reports/:id/document.docx',
        access: county,
        summary: '下载联合行文（Word，含审核意见汇总表）',
        params: { id },
        response: answers.file('Word 文档', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'),
        errors: ['report_cancelled'],
      },
      async (ctx) => {
        const input = await reports.documentSource(ctx.state.auth!, parseInput(id, ctx.params.id, '联合行文编号不对'));
        sendDocument(ctx, await renderJointReportDocx(input), `联合行文-${input.docNo}.docx`, DOCX);
      },
    );
}
