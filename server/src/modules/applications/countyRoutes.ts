import { z } from 'zod';
import type { AppContext } from '../../http/context';
import { answers, type RouteTable } from '../../http/routes';
import {
  countyDetailSchema, countyOpinionResultSchema, countyQueueSchema, jointReportEnvelopeSchema, jointReportListSchema, providerApplicationDetailSchema, providerApplicationPageSchema,
  settlementFormEnvelopeSchema, settlementFormListSchema,
} from '../../../../shared/src/contracts/responses/county';
import { parseInput } from '../../http/validate';
import { renderJointReportDocx, renderSettlementDocx } from '../../documents';
import { contentDisposition } from '../files';
import { APPLICATION_STATES, type ApplicationState } from '../../../../shared/src/workflow/application';
import { charCount } from '../../../../shared/src/contracts/providerFiling';
import { isCalendarDate } from '../../../../shared/src/rules/calendar';
import type { ApplicationDeps } from './deps';
import { CountyReview, type OpinionInput } from './countyReview';
import { JointReports, MAX_REPORT_ITEMS } from './jointReports';
import { MAX_FORM_ITEMS, ProviderDesk, SETTLEMENT_OWNER_TYPE, SettlementForms, settlementFileOwner } from './settlementForms';

// ---- input at the edge ----------------------------------------------------------------------------

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const id = z.string().regex(ULID, '编号格式不对');
const version = z.number({ error: '请带上您看到的版本号 version（刷新后重试）' }).int('版本号须为整数').min(1, '版本号须为正整数').max(2_000_000_000, '版本号不对');

/** A text a person types: trimmed, counted as a reader counts characters (one per 汉字). */
function text(label: string, min: number, max: number) {
  return z
    .string({ error: `请填写${label}` })
    .trim()
    .superRefine((v, ctx) => {
      const n = charCount(v);
      if (n < min) ctx.addIssue({ code: 'custom', message: min <= 1 ? `请填写${label}` : `${label}至少 ${min} 个字` });
      else if (n > max) ctx.addIssue({ code: 'custom', message: `${label}不能超过 ${max} 字，目前 ${n} 字，请精简` });
    });
}

const idList = (label: string, max: number) =>
  z
    .array(id, { error: `请以列表给出要列入${label}的申请编号` })
    .min(1, `请至少选择一份申请列入${label}`)
    .max(max, `一份${label}最多列 ${max} 份申请`)
    .refine((ids) => new Set(ids).size === ids.length, { error: '同一份申请不能选两次' });

const CURSOR = /^\d{1,15}\.[0-9A-HJKMNP-TV-Z]{26}$/;
const VISIBLE_STATES = APPLICATION_STATES.filter((s) => s !== 'draft');

/** `status=a,b` (or `all`) → the states; anything else is a 400 that lists the choices. */
const statusList = (fallback: readonly ApplicationState[] | null) =>
  z
    .string({ error: '状态须为文字' })
    .max(300, '状态参数过长')
    .optional()
    .transform((raw, ctx): ApplicationState[] | null => {
      if (raw === undefined || raw.trim() === '') return fallback ? [...fallback] : null;
      if (raw === 'all') return [...VISIBLE_STATES];
      const parts = raw.split(',').map((s) => s.trim());
      const bad = parts.filter((s) => !(VISIBLE_STATES as readonly string[]).includes(s));
      if (bad.length) {
        ctx.addIssue({ code: 'custom', message: `状态须为 ${VISIBLE_STATES.join('、')} 之一（可用逗号分隔多个，或 all）` });
        return z.NEVER;
      }
      return [...new Set(parts)] as ApplicationState[];
    });

const cursor = z
  .string({ error: '翻页参数须为文字' })
  .regex(CURSOR, '翻页参数不对，请从上一页的 next 取值')
  .optional()
  .transform((v) => (v ? { updatedAt: Number(v.split('.')[0]), id: v.split('.')[1]! } : null));

const limit = z.coerce.number({ error: '每页条数须为数字' }).int('每页条数须为整数').min(1, '每页至少 1 条').max(100, '每页最多 100 条').default(20);

const providerQuery = z.object({ status: statusList(null), after: cursor, limit });
const countyQuery = z.object({
  status: statusList(['county_review']),
  q: z.string({ error: '搜索词须为文字' }).trim().max(50, '搜索词不超过 50 字').optional(),
  overdue: z.enum(['1', '0', 'true', 'false'], { error: 'overdue 须为 1 或 0' }).optional(),
  after: cursor,
  limit,
});

const confirmSchema = z.object({ version, effectEvaluation: text('上云效果评价', 2, 500) });
const disputeSchema = z.object({ version, reason: text('不符之处（企业将看到这段文字）', 2, 1000) });
const settlementSchema = z.object({ applicationIds: idList('兑付申请表', MAX_FORM_ITEMS) });
// The body carries nothing (the scan is already uploaded); whatever a client adds is ignored.
const emptySchema = z.looseObject({}, { error: '请以 JSON 对象提交，例如 {}' });

const rating = (label: string) =>
  z
    .number({ error: `请给“${label}”评分（1–5 分：差、较差、一般、良好、优秀）` })
    .int(`“${label}”评分须为 1–5 的整数`)
    .min(1, `“${label}”评分须为 1–5 分`)
    .max(5, `“${label}”评分须为 1–5 分`);

const reasonItem = z
  .object(
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
    ratings: z.object({ effect: rating('上云效果'), service: rating('服务商服务质量') }, { error: '请对上云效果和服务商服务质量分别评分（1–5 分）' }),
    reasons: z.array(reasonItem, { error: '修改意见须为列表' }).max(50, '意见最多 50 条').optional(),
    // Reviewers only; never shown to the enterprise. Blank means none.
    internalNote: z
      .string({ error: '内部备注须为文字' })
      .trim()
      .max(2000, '内部备注不超过 2000 字')
      .optional()
      .transform((v) => (v ? v : undefined)),
  })
  .superRefine((v, ctx) => {
    // Reasons are what the enterprise reads: a return or a reject says what and why (三（四）审核意见).
    if (v.decision !== 'approve' && !(v.reasons && v.reasons.length)) ctx.addIssue({ code: 'custom', path: ['reasons'], message: '退回或不予补助时，请逐条写明原因和需要修改的字段或材料，企业将看到这些文字' });
  });

const DOC_NO = /[〔[(（]\s*\d{4}\s*[〕\])）]/;
const reportSchema = z.object({
  docNo: text('文号', 3, 64).refine((v) => DOC_NO.test(v) && /号$/.test(v), { error: '文号格式如“伊美工信联〔2026〕3号”：年份放在〔〕中，以“号”结尾' }),
  reportDate: z.string({ error: '请填写行文日期（YYYY-MM-DD）' }).refine((v) => isCalendarDate(v), { error: '行文日期须为有效日期，格式 YYYY-MM-DD' }),
  applicationIds: idList('联合行文', MAX_REPORT_ITEMS),
});
const signSchema = z.object({ version });

function docx(ctx: AppContext, buffer: Buffer, name: string): void {
  ctx.set('Content-Type', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
  ctx.set('Content-Disposition', contentDisposition('attachment', name));
  ctx.set('Cache-Control', 'private, no-store');
  ctx.body = buffer;
}

// ---- routes ---------------------------------------------------------------------------------------

/** County review (三（四）), the provider's confirmation and 兑付申请表 (三（三）1) and the county joint report. */
export function countyRoutes(routes: RouteTable, deps: ApplicationDeps): void {
  const desk = new ProviderDesk(deps);
  const forms = new SettlementForms(deps);
  const review = new CountyReview(deps);
  const reports = new JointReports(deps);
  deps.files.registerOwnerType(SETTLEMENT_OWNER_TYPE, settlementFileOwner(deps.db));
  const county = ['county_miit', 'county_finance'] as const;
  const appId = (ctx: AppContext) => parseInput(id, ctx.params.id, '申请编号不对');

  routes
    // The provider: confirmation of each application that names it.
    .add({ method: 'GET', path: '/api/v1/provider/applications', access: ['provider'], summary: '选择本服务商的上云补助申请（按状态）', query: providerQuery, response: providerApplicationPageSchema }, async (ctx) => {
      const q = parseInput(providerQuery, ctx.query, '查询参数不对');
      ctx.body = await desk.list(ctx.state.auth!, { statuses: q.status, after: q.after, limit: q.limit });
    })
    .add({ method: 'GET', path: '/api/v1/provider/applications/:id', access: ['provider'], summary: '申请中与本服务商合同有关的内容', params: { id }, response: providerApplicationDetailSchema }, async (ctx) => {
      ctx.body = await desk.detail(ctx.state.auth!, appId(ctx));
    })
    .add({ method: 'POST', path: '/api/v1/provider/applications/:id/confirm', access: ['provider'], summary: '确认合同与付款属实，并给出上云效果评价', params: { id }, body: confirmSchema, response: providerApplicationDetailSchema, errors: ['invalid_transition'] }, async (ctx) => {
      ctx.body = await desk.confirm(ctx.state.auth!, appId(ctx), parseInput(confirmSchema, ctx.request.body ?? {}));
    })
    .add({ method: 'POST', path: '/api/v1/provider/applications/:id/dispute', access: ['provider'], summary: '合同或付款与实际不符：写明原因，退回企业', params: { id }, body: disputeSchema, response: providerApplicationDetailSchema, errors: ['invalid_transition'] }, async (ctx) => {
      ctx.body = await desk.dispute(ctx.state.auth!, appId(ctx), parseInput(disputeSchema, ctx.request.body ?? {}));
    })
    // The provider: the 兑付申请表 (三（三）1), versioned, signed by uploading the stamped scan.
    .add({ method: 'POST', path: '/api/v1/provider/settlement-forms', access: ['provider'], summary: '为选定的已确认申请生成新一版兑付申请表', body: settlementSchema, response: settlementFormEnvelopeSchema, status: 201 }, async (ctx) => {
      const input = parseInput(settlementSchema, ctx.request.body ?? {});
      ctx.status = 201;
      ctx.body = { form: await forms.create(ctx.state.auth!, input.applicationIds) };
    })
    .add({ method: 'GET', path: '/api/v1/provider/settlement-forms', access: ['provider'], summary: '本服务商的兑付申请表各版本', response: settlementFormListSchema }, async (ctx) => {
      ctx.body = await forms.list(ctx.state.auth!);
    })
    .add({ method: 'GET', path: '/api/v1/provider/settlement-forms/:id', access: ['provider'], summary: '一版兑付申请表的内容与签章状态', params: { id }, response: settlementFormEnvelopeSchema }, async (ctx) => {
      ctx.body = { form: await forms.get(ctx.state.auth!, parseInput(id, ctx.params.id, '兑付申请表编号不对')) };
    })
    .add({ method: 'GET', path: '/api/v1/provider/settlement-forms/:id/document.docx', access: ['provider'], summary: '下载兑付申请表（Word，打印盖章后上传扫描件）', params: { id }, response: answers.file('Word 文档', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document') }, async (ctx) => {
      const { input, companyName } = await forms.documentSource(ctx.state.auth!, parseInput(id, ctx.params.id, '兑付申请表编号不对'));
      docx(ctx, await renderSettlementDocx(input), `兑付申请表-${companyName || '云服务商'}-第${input.version}版.docx`);
    })
    .add({ method: 'POST', path: '/api/v1/provider/settlement-forms/:id/sign', access: ['provider'], summary: '确认已上传盖章扫描件：本版兑付申请表生效', params: { id }, body: emptySchema, response: settlementFormEnvelopeSchema, errors: ['already_signed', 'form_superseded', 'newer_version_signed', 'stale_version'] }, async (ctx) => {
      parseInput(emptySchema, ctx.request.body ?? {});
      ctx.body = { form: await forms.sign(ctx.state.auth!, parseInput(id, ctx.params.id, '兑付申请表编号不对')) };
    })
    // The county review (三（四）).
    .add({ method: 'GET', path: '/api/v1/county/applications', access: county, summary: '本县（市）区的申请（按状态、搜索、分页，含各状态数量）', query: countyQuery, response: countyQueueSchema }, async (ctx) => {
      const q = parseInput(countyQuery, ctx.query, '查询参数不对');
      ctx.body = await review.queue(ctx.state.auth!, { statuses: q.status ?? ['county_review'], text: q.q ? q.q : null, after: q.after, limit: q.limit, overdue: q.overdue === '1' || q.overdue === 'true' });
    })
    .add({ method: 'GET', path: '/api/v1/county/applications/:id', access: county, summary: '一份申请的全部审核信息（企业、合同、付款、材料、兑付申请表、意见、记录）', params: { id }, response: countyDetailSchema }, async (ctx) => {
      ctx.body = await review.detail(ctx.state.auth!, appId(ctx));
    })
    .add({ method: 'POST', path: '/api/v1/county/applications/:id/opinion', access: county, summary: '出具本部门审核意见（同意、退回修改、不予补助）并评分', params: { id }, body: opinionSchema, response: countyOpinionResultSchema, errors: ['invalid_transition', 'opinion_given'] }, async (ctx) => {
      const input: OpinionInput = parseInput(opinionSchema, ctx.request.body ?? {});
      ctx.body = await review.opinion(ctx.state.auth!, appId(ctx), input);
    })
    // The joint report (联合行文).
    .add({ method: 'POST', path: '/api/v1/county/joint-reports', access: county, summary: '起草联合行文（文号、日期、两部门均已通过的申请）', body: reportSchema, response: jointReportEnvelopeSchema, status: 201, errors: ['not_reportable', 'doc_no_taken'] }, async (ctx) => {
      const input = parseInput(reportSchema, ctx.request.body ?? {});
      ctx.status = 201;
      ctx.body = { report: await reports.create(ctx.state.auth!, input) };
    })
    .add({ method: 'GET', path: '/api/v1/county/joint-reports', access: county, summary: '本县（市）区的联合行文', response: jointReportListSchema }, async (ctx) => {
      ctx.body = await reports.list(ctx.state.auth!);
    })
    .add({ method: 'GET', path: '/api/v1/county/joint-reports/:id', access: county, summary: '联合行文详情（所列申请与两部门意见）', params: { id }, response: jointReportEnvelopeSchema }, async (ctx) => {
      ctx.body = { report: await reports.get(ctx.state.auth!, parseInput(id, ctx.params.id, '联合行文编号不对')) };
    })
    .add({ method: 'POST', path: '/api/v1/county/joint-reports/:id/sign', access: county, summary: '本部门签发联合行文；两部门都签发后报送市里', params: { id }, body: signSchema, response: jointReportEnvelopeSchema, errors: ['already_submitted'] }, async (ctx) => {
      const input = parseInput(signSchema, ctx.request.body ?? {});
      ctx.body = { report: await reports.sign(ctx.state.auth!, parseInput(id, ctx.params.id, '联合行文编号不对'), input) };
    })
    .add({ method: 'GET', path: '/api/v1/county/joint-reports/:id/document.docx', access: county, summary: '下载联合行文（Word，含审核意见汇总表）', params: { id }, response: answers.file('Word 文档', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document') }, async (ctx) => {
      const input = await reports.documentSource(ctx.state.auth!, parseInput(id, ctx.params.id, '联合行文编号不对'));
      docx(ctx, await renderJointReportDocx(input), `联合行文-${input.docNo}.docx`);
    });
}
