import { z } from 'zod';
import type { AppContext } from '../context';
import { answers, type RouteTable } from '../routeTable';
import {
  budgetViewSchema,
  cityDetailSchema,
  cityOpinionResultSchema,
  cityQueueSchema,
  ledgerChangeSchema,
  ledgerPageSchema,
  listDetailSchema,
  listListSchema,
  objectionDecisionSchema,
  objectionEnvelopeSchema,
} from '../../../../shared/src/contracts/responses/city';
import { parseInput } from '../validate';
import { renderLedgerXlsx, renderProposedListXlsx, proposedListTitle } from '../../documents';
import { sendDocument, XLSX } from '../download';
import { isCalendarDate } from '../../../../shared/src/rules/calendar';
import { isCountyCode } from '../../../../shared/src/contracts/roles';
import type { Budgets } from '../../modules/cityReview/budget';
import { CITY_VISIBLE_STATES, type CityReview, type CityVisibleState } from '../../modules/cityReview/cityReview';
import { MAX_VOUCHER_LENGTH, type Disbursements } from '../../modules/ledger/disbursements';
import type { SubsidyLists } from '../../modules/cityReview/subsidyLists';

// ---- input at the edge ------------------------------------------------------------------------------

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const id = (what: string) => z.string({ error: `${what}格式不对` }).regex(ULID, `${what}格式不对`);
const version = z.number({ error: '请带上您看到的版本号 version（刷新后重试）' }).int('版本号须为整数').min(1, '版本号须为正整数');
/** Money is integer fen (分), never a float. */
const fen = (what: string) => z.number({ error: `${what}须为整数，单位为分` }).int(`${what}须为整数，单位为分`);
const date = (what: string) =>
  z.string({ error: `${what}须为 YYYY-MM-DD 格式的日期` }).refine(isCalendarDate, `${what}须为 YYYY-MM-DD 格式的有效日期`);
const text = (what: string, min: number, max: number) =>
  z
    .string({ error: `请填写${what}` })
    .trim()
    .min(min, `请填写${what}（至少 ${min} 个字）`)
    .max(max, `${what}不超过 ${max} 字`);
const optionalText = (what: string, max: number) =>
  z
    .string({ error: `${what}须为文字` })
    .trim()
    .max(max, `${what}不超过 ${max} 字`)
    .nullish();
const body = <T extends z.ZodRawShape>(shape: T) => z.object(shape, { error: '请以 JSON 对象提交' });
const yearParam = z
  .string()
  .regex(/^\d{4}$/, '年度须为四位数字，如 2026')
  .transform(Number);
const year = z.number({ error: '年度须为四位数字，如 2026' }).int('年度须为整数').min(2000, '年度不对').max(2999, '年度不对');
/** Path parameters, one schema each. */
const yearPath = yearParam.pipe(year);
const applicationIdParam = id('申请编号');
const listIdParam = id('名单编号');
const objectionIdParam = id('异议编号');
const entryIdParam = id('台账记录编号');
const applicationIds = z
  .array(id('申请编号'), { error: '请以列表给出申请编号 applicationIds' })
  .min(1, '请至少选择一份申请')
  .max(500, '一份名单最多 500 份申请')
  .refine((ids) => new Set(ids).size === ids.length, '同一份申请重复列出');
const reasonItem = z.object(
  { path: z.string({ error: '字段路径须为文字' }).max(120, '字段路径过长').nullish(), message: text('修改意见', 2, 500) },
  { error: '每条意见须含 message' },
);
const county = z.string({ error: '县（市）区代码须为文字' }).refine(isCountyCode, '县（市）区代码不对（如 230717 伊美区）');
const limit = z.coerce
  .number({ error: '每页条数须为数字' })
  .int('每页条数须为整数')
  .min(1, '每页至少 1 条')
  .max(100, '每页最多 100 条')
  .default(20);
const voucherNo = z
  .string({ error: '请填写国库支付凭证号 voucherNo' })
  .trim()
  .toUpperCase()
  .regex(new RegExp(`^[0-9A-Z][0-9A-Z\\-_/.]{2,${MAX_VOUCHER_LENGTH - 1}}$`), `凭证号为 3 至 ${MAX_VOUCHER_LENGTH} 位字母、数字或 - _ / .`);

const queueQuery = z.object({
  status: z.string({ error: '状态须为文字' }).optional(),
  county: county.optional(),
  provider: id('服务商编号').optional(),
  q: z.string({ error: '搜索词须为文字' }).trim().max(50, '搜索词不超过 50 字').optional(),
  after: z
    .string({ error: '翻页参数不对' })
    .regex(/^\d{1,15}\.[0-9A-HJKMNP-TV-Z]{26}$/, '翻页参数不对，请从上一页的 next 取值')
    .optional(),
  limit,
});

const opinionBody = body({
  version,
  decision: z.enum(['approve', 'return', 'reject'], {
    error: '审核结论 decision 须为 approve（通过并核定金额）、return（退回修改）或 reject（不予补助）',
  }),
  verifiedFen: fen('核定金额').min(1, '核定金额须大于 0').optional(),
  verifiedReason: optionalText('核减原因', 1000),
  reason: optionalText('原因', 1000),
  reasons: z.array(reasonItem, { error: '修改意见须为列表' }).max(50, '意见条数过多').optional(),
  internalNote: optionalText('内部备注', 2000),
});

const budgetBody = body({ budgetFen: fen('预算金额').min(0, '预算金额不能为负'), version: version.optional() });

const listQuery = z.object({
  year: yearParam.optional(),
  status: z.enum(['draft', 'cosigned', 'notice', 'approved'], { error: '名单状态须为 draft、cosigned、notice 或 approved' }).optional(),
});
const createListBody = body({ year, applicationIds });
const addItemsBody = body({ version, applicationIds });
const removeItemBody = body({ version, reason: text('移出名单的原因', 2, 1000) });
const versionBody = body({ version });
const noticeBody = body({ version, start: date('公示开始日期'), end: date('公示结束日期') });
const objectionBody = body({
  applicationId: id('申请编号'),
  content: text('异议内容', 2, 2000),
  objector: optionalText('异议人', 100),
  receivedOn: date('收到异议的日期'),
});
const decideBody = body({
  decision: z.enum(['upheld', 'dismissed'], { error: '处理结论 decision 须为 upheld（异议成立）或 dismissed（异议不成立）' }),
  reason: text('处理理由', 2, 1000),
  outcome: z
    .enum(['back_to_review', 'reject'], { error: '异议成立后的处理 outcome 须为 back_to_review（退回市级审核）或 reject（不予补助）' })
    .optional(),
});
const approveBody = body({ version, acknowledgeOverBudget: z.boolean({ error: 'acknowledgeOverBudget 须为 true 或 false' }).optional() });

const paymentBody = body({ version, amountFen: fen('拨付金额').min(1, '拨付金额须大于 0'), voucherNo, paidOn: date('拨付日期') });
const correctionBody = body({
  amountFen: fen('更正金额').refine((n) => n !== 0, '更正金额不能为 0（正数为补记，负数为冲减）'),
  reason: text('更正原因', 2, 1000),
  paidOn: date('日期').optional(),
});
const reversalBody = body({ version, reason: text('退汇原因', 2, 1000), returnedOn: date('退汇日期') });
const ledgerQuery = z.object({
  applicationId: id('申请编号').optional(),
  county: county.optional(),
  kind: z.enum(['payment', 'correction', 'reversal'], { error: '类型须为 payment、correction 或 reversal' }).optional(),
  from: date('开始日期').optional(),
  to: date('结束日期').optional(),
  voucherNo: z.string({ error: '凭证号须为文字' }).trim().toUpperCase().max(64, '凭证号过长').optional(),
  q: z.string({ error: '搜索词须为文字' }).trim().max(50, '搜索词不超过 50 字').optional(),
  after: z
    .string({ error: '翻页参数不对' })
    .regex(/^\d{1,15}\.[0-9A-HJKMNP-TV-Z]{26}$/, '翻页参数不对，请从上一页的 next 取值')
    .optional(),
  limit,
});

function statuses(raw: string | undefined): CityVisibleState[] {
  const parts = (raw ?? 'reported').split(',').map((s) => s.trim());
  const known = parts.filter((s): s is CityVisibleState => (CITY_VISIBLE_STATES as readonly string[]).includes(s));
  if (!known.length || known.length !== parts.length)
    parseInput(z.never({ error: `状态须为 ${CITY_VISIBLE_STATES.join('、')} 中的一个或多个（以逗号分隔）` }), raw, '查询条件有误');
  return known;
}

function keyset(after: string | undefined): { at: number; id: string } | null {
  if (!after) return null;
  const [at, key] = after.split('.');
  return { at: Number(at), id: key };
}

function sendXlsx(ctx: AppContext, buffer: Buffer, name: string): void {
  sendDocument(ctx, buffer, name, XLSX);
}

/** City review (核定金额), the proposed list (拟补贴名单) with its notice, the budget and the disbursement ledger (三（五）). */
export function cityRoutes(
  routes: RouteTable,
  deps: { cityReview: CityReview; budgets: Budgets; subsidyLists: SubsidyLists; disbursements: Disbursements },
): void {
  const { cityReview: review, budgets, subsidyLists: lists, disbursements: ledger } = deps;
  const appId = (ctx: AppContext) => parseInput(applicationIdParam, ctx.params.id, '申请编号不对');
  const listId = (ctx: AppContext) => parseInput(listIdParam, ctx.params.id, '名单编号不对');
  const input = <S extends z.ZodType>(schema: S, ctx: AppContext) => parseInput(schema, ctx.request.body ?? {});

  // ---- city MIIT review --------------------------------------------------------------------------
  routes
    .add(
      {
        method: 'GET',
        path: '/api/v1/city/applications',
        access: ['city_miit', 'city_finance'],
        summary: '市级申请队列（按状态、县区、服务商、关键词；含各状态数量）',
        query: queueQuery,
        response: cityQueueSchema,
      },
      async (ctx) => {
        const q = parseInput(queueQuery, ctx.query, '查询条件有误');
        const after = keyset(q.after);
        ctx.body = await review.queue({
          statuses: statuses(q.status),
          countyCode: q.county,
          providerId: q.provider,
          text: q.q || undefined,
          after: after && { updatedAt: after.at, id: after.id },
          limit: q.limit,
        });
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/city/applications/:id',
        access: ['city_miit', 'city_finance'],
        summary: '申请详情（可补助金额、审核意见、办理记录、拨付台账）',
        params: { id: applicationIdParam },
        response: cityDetailSchema,
      },
      async (ctx) => {
        ctx.body = await review.detail(appId(ctx));
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/city/applications/:id/opinion',
        access: ['city_miit'],
        summary: '市工信局审核意见：通过并核定金额、退回或不予补助',
        params: { id: applicationIdParam },
        body: opinionBody,
        response: cityOpinionResultSchema,
        errors: ['invalid_transition'],
      },
      async (ctx) => {
        const applicationId = appId(ctx);
        ctx.body = { application: await review.opinion(ctx.state.auth!, applicationId, input(opinionBody, ctx)) };
      },
    );

  // ---- budget --------------------------------------------------------------------------------------
  routes
    .add(
      {
        method: 'PUT',
        path: '/api/v1/city/budgets/:year',
        access: ['city_finance'],
        summary: '设定年度补助预算（修改时带版本号）',
        params: { year: yearPath },
        body: budgetBody,
        response: budgetViewSchema,
        errors: ['version_required'],
      },
      async (ctx) => {
        const y = parseInput(yearPath, ctx.params.year, '年度不对');
        ctx.body = await budgets.set(ctx.state.auth!, y, input(budgetBody, ctx));
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/city/budgets/:year',
        access: ['city_miit', 'city_finance'],
        summary: '年度预算、已承诺和剩余金额',
        params: { year: yearPath },
        response: budgetViewSchema,
      },
      async (ctx) => {
        ctx.body = await budgets.get(parseInput(yearPath, ctx.params.year, '年度不对'));
      },
    );

  // ---- the proposed list -------------------------------------------------------------------------------
  routes
    .add(
      {
        method: 'POST',
        path: '/api/v1/city/lists',
        access: ['city_miit'],
        summary: '起草拟补贴名单（已核定的申请）',
        body: createListBody,
        response: listDetailSchema,
        status: 201,
        errors: ['not_city_approved'],
      },
      async (ctx) => {
        const res = await lists.create(ctx.state.auth!, input(createListBody, ctx));
        ctx.status = 201;
        ctx.body = res;
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/city/lists',
        access: ['city_miit', 'city_finance'],
        summary: '拟补贴名单列表',
        query: listQuery,
        response: listListSchema,
      },
      async (ctx) => {
        ctx.body = await lists.list(parseInput(listQuery, ctx.query, '查询条件有误'));
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/city/lists/:id',
        access: ['city_miit', 'city_finance'],
        summary: '名单详情：申请、合计、预算与超预算提示、公示异议',
        params: { id: listIdParam },
        response: listDetailSchema,
      },
      async (ctx) => {
        ctx.body = await lists.get(listId(ctx));
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/city/lists/:id/items',
        access: ['city_miit'],
        summary: '向草稿名单增加申请',
        params: { id: listIdParam },
        body: addItemsBody,
        response: listDetailSchema,
        errors: ['invalid_transition', 'not_city_approved'],
      },
      async (ctx) => {
        const lid = listId(ctx);
        ctx.body = await lists.addItems(ctx.state.auth!, lid, input(addItemsBody, ctx));
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/city/lists/:id/items/:applicationId/remove',
        access: ['city_miit'],
        summary: '把申请移出草稿名单（退回市级审核，写明原因）',
        params: { id: listIdParam, applicationId: applicationIdParam },
        body: removeItemBody,
        response: listDetailSchema,
        errors: ['invalid_transition'],
      },
      async (ctx) => {
        const lid = listId(ctx);
        const aid = parseInput(applicationIdParam, ctx.params.applicationId, '申请编号不对');
        ctx.body = await lists.removeItem(ctx.state.auth!, lid, aid, input(removeItemBody, ctx));
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/city/lists/:id/cosign',
        access: ['city_finance'],
        summary: '市财政局会签名单',
        params: { id: listIdParam },
        body: versionBody,
        response: listDetailSchema,
        errors: ['invalid_transition', 'empty_list'],
      },
      async (ctx) => {
        const lid = listId(ctx);
        ctx.body = await lists.cosign(ctx.state.auth!, lid, input(versionBody, ctx));
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/city/lists/:id/notice',
        access: ['city_miit'],
        summary: '登记名单公示期（会签后，可选；公示中只能延长）',
        params: { id: listIdParam },
        body: noticeBody,
        response: listDetailSchema,
        errors: ['invalid_transition'],
      },
      async (ctx) => {
        const lid = listId(ctx);
        ctx.body = await lists.notice(ctx.state.auth!, lid, input(noticeBody, ctx));
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/city/lists/:id/objections',
        access: ['city_miit', 'city_finance'],
        summary: '登记公示期间收到的异议',
        params: { id: listIdParam },
        body: objectionBody,
        response: objectionEnvelopeSchema,
        status: 201,
        errors: ['not_in_notice'],
      },
      async (ctx) => {
        const lid = listId(ctx);
        const res = await lists.recordObjection(ctx.state.auth!, lid, input(objectionBody, ctx));
        ctx.status = 201;
        ctx.body = res;
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/city/objections/:id/decide',
        access: ['city_miit'],
        summary: '处理公示异议：成立则该申请移出名单（退回审核或不予补助），其余照常',
        params: { id: objectionIdParam },
        body: decideBody,
        response: objectionDecisionSchema,
        errors: ['already_decided'],
      },
      async (ctx) => {
        const oid = parseInput(objectionIdParam, ctx.params.id, '异议编号不对');
        ctx.body = await lists.decideObjection(ctx.state.auth!, oid, input(decideBody, ctx));
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/city/lists/:id/approve',
        access: ['city_finance'],
        summary: '市财政局审批名单（会签人不能审批；公示期满、异议处理完毕；超预算须确认）',
        params: { id: listIdParam },
        body: approveBody,
        response: listDetailSchema,
        errors: ['not_cosigned', 'notice_running', 'objection_pending', 'empty_list', 'no_budget', 'over_budget'],
      },
      async (ctx) => {
        const lid = listId(ctx);
        ctx.body = await lists.approve(ctx.state.auth!, lid, input(approveBody, ctx));
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/city/lists/:id/document.xlsx',
        access: ['city_miit', 'city_finance'],
        summary: '下载拟补贴名单（Excel）',
        params: { id: listIdParam },
        response: answers.file('Excel 文档', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'),
      },
      async (ctx) => {
        const source = await lists.documentSource(listId(ctx));
        sendXlsx(ctx, await renderProposedListXlsx(source), `${proposedListTitle(source.year, source.batchNo)}.xlsx`);
      },
    );

  // ---- the disbursement ledger --------------------------------------------------------------------------
  routes
    .add(
      {
        method: 'POST',
        path: '/api/v1/city/applications/:id/disbursements',
        access: ['city_finance'],
        summary: '登记拨付（金额等于核定金额，拨付到企业本单位账户，凭证号只登记一次）',
        params: { id: applicationIdParam },
        body: paymentBody,
        response: ledgerChangeSchema,
        status: [201, 200],
        errors: ['invalid_transition', 'already_disbursed', 'account_missing', 'account_name_mismatch', 'voucher_used', 'voucher_reversed'],
      },
      async (ctx) => {
        const applicationId = appId(ctx);
        const res = await ledger.pay(ctx.state.auth!, applicationId, input(paymentBody, ctx));
        ctx.status = res.created ? 201 : 200;
        ctx.body = res.body;
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/city/applications/:id/disbursements/:entryId/correct',
        access: ['city_finance'],
        summary: '更正拨付记录（新增一笔更正，不修改原记录）',
        params: { id: applicationIdParam, entryId: entryIdParam },
        body: correctionBody,
        response: ledgerChangeSchema,
        status: 201,
        errors: ['not_a_payment', 'already_reversed'],
      },
      async (ctx) => {
        const applicationId = appId(ctx);
        const entryId = parseInput(entryIdParam, ctx.params.entryId, '台账记录编号不对');
        const res = await ledger.correct(ctx.state.auth!, applicationId, entryId, input(correctionBody, ctx));
        ctx.status = 201;
        ctx.body = res;
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/city/applications/:id/disbursements/:entryId/reverse',
        access: ['city_finance'],
        summary: '登记退汇（冲回该笔拨付，申请回到待拨付）',
        params: { id: applicationIdParam, entryId: entryIdParam },
        body: reversalBody,
        response: ledgerChangeSchema,
        status: 201,
        errors: ['invalid_transition', 'not_a_payment', 'already_reversed'],
      },
      async (ctx) => {
        const applicationId = appId(ctx);
        const entryId = parseInput(entryIdParam, ctx.params.entryId, '台账记录编号不对');
        const res = await ledger.reverse(ctx.state.auth!, applicationId, entryId, input(reversalBody, ctx));
        ctx.status = 201;
        ctx.body = res;
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/city/disbursements',
        access: ['city_finance', 'city_miit'],
        summary: '拨付台账（按申请、县区、类型、日期、凭证号筛选；含合计）',
        query: ledgerQuery,
        response: ledgerPageSchema,
      },
      async (ctx) => {
        const q = parseInput(ledgerQuery, ctx.query, '查询条件有误');
        const after = keyset(q.after);
        ctx.body = await ledger.ledger({
          applicationId: q.applicationId,
          countyCode: q.county,
          kind: q.kind,
          from: q.from,
          to: q.to,
          voucherNo: q.voucherNo || undefined,
          text: q.q || undefined,
          after: after && { createdAt: after.at, id: after.id },
          limit: q.limit,
        });
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/city/disbursements/document.xlsx',
        access: ['city_finance', 'city_miit'],
        summary: '下载拨付台账（Excel）',
        query: ledgerQuery,
        response: answers.file('Excel 文档', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'),
      },
      async (ctx) => {
        const q = parseInput(ledgerQuery, ctx.query, '查询条件有误');
        const source = await ledger.documentSource({
          applicationId: q.applicationId,
          countyCode: q.county,
          kind: q.kind,
          from: q.from,
          to: q.to,
          voucherNo: q.voucherNo || undefined,
          text: q.q || undefined,
          limit: q.limit,
        });
        sendXlsx(ctx, await renderLedgerXlsx(source), '伊春市工业企业上云补助资金拨付台账.xlsx');
      },
    );
}
