import { z } from 'zod';
import type { AppContext } from '../context';
import type { Actor } from '../../modules/actor';
import { answers, type RouteTable } from '../routeTable';
import {
  listDetailSchema,
  listListSchema,
  objectionDecisionSchema,
  objectionEnvelopeSchema,
} from '../../../../shared/src/contracts/responses/city';
import { parseInput } from '../validate';
import { renderProposedListXlsx, proposedListTitle } from '../../documents';
import type { SubsidyLists } from '../../modules/cityReview/subsidyLists';
import { applicationIdParam, body, date, id, optionalText, sendXlsx, text, version, year, yearParam } from './cityInputs';

/** The proposed list's routes (拟补贴名单, 三（五）): drafting, co-signing, the notice (公示) with its objections, approval, the Excel. */

const listIdParam = id('名单编号');
const objectionIdParam = id('异议编号');
const applicationIds = z
  .array(id('申请编号'), { error: '请以列表给出申请编号 applicationIds' })
  .min(1, '请至少选择一份申请')
  .max(500, '一份名单最多 500 份申请')
  .refine((ids) => new Set(ids).size === ids.length, '同一份申请重复列出');

const listQuery = z.object({
  year: yearParam.optional(),
  status: z
    .enum(['draft', 'cosigned', 'notice', 'approved', 'cancelled'], {
      error: '名单状态须为 draft、cosigned、notice、approved 或 cancelled',
    })
    .optional(),
});
const createListBody = body({ year, applicationIds });
const addItemsBody = body({ version, applicationIds });
const removeItemBody = body({ version, reason: text('移出名单的原因', 2, 1000) });
const versionBody = body({ version });
// A draft withdrawn before its co-signature (DESIGN.md "Corrections after the fact"): city finance and the enterprises read the reason.
const cancelBody = body({ version, reason: text('撤销名单的原因', 2, 500) });
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

export function cityListRoutes(routes: RouteTable, lists: SubsidyLists): void {
  const listId = (ctx: AppContext) => parseInput(listIdParam, ctx.params.id, '名单编号不对');
  const noPath = () => undefined;
  /**
   * The handler of a command: the path's numbers first (a bad one is told before the body's faults),
   * then the body by its schema, then the use case as the caller; 201 when it creates something.
   */
  const command =
    <P, S extends z.ZodType, R>(
      path: (ctx: AppContext) => P,
      schema: S,
      run: (auth: Actor, path: P, input: z.output<S>) => Promise<R>,
      status: 200 | 201 = 200,
    ) =>
    async (ctx: AppContext): Promise<void> => {
      const at = path(ctx);
      const res = await run(ctx.state.auth!, at, parseInput(schema, ctx.request.body ?? {}));
      if (status === 201) ctx.status = 201;
      ctx.body = res;
    };

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
      command(noPath, createListBody, (auth, _, input) => lists.create(auth, input), 201),
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
      command(listId, addItemsBody, (auth, id, input) => lists.addItems(auth, id, input)),
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
      command(
        (ctx) => ({ id: listId(ctx), applicationId: parseInput(applicationIdParam, ctx.params.applicationId, '申请编号不对') }),
        removeItemBody,
        (auth, at, input) => lists.removeItem(auth, at.id, at.applicationId, input),
      ),
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/city/lists/:id/cancel',
        access: ['city_miit'],
        summary: '撤销尚未会签的草稿名单（写明原因；所列申请回到“已核定，待列入拟补贴名单”，可列入新的名单）',
        params: { id: listIdParam },
        body: cancelBody,
        response: listDetailSchema,
        errors: ['list_cosigned', 'list_cancelled'],
      },
      command(listId, cancelBody, (auth, id, input) => lists.cancel(auth, id, input)),
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
      command(listId, versionBody, (auth, id, input) => lists.cosign(auth, id, input)),
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
      command(listId, noticeBody, (auth, id, input) => lists.notice(auth, id, input)),
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
      command(listId, objectionBody, (auth, id, input) => lists.recordObjection(auth, id, input), 201),
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
      command(
        (ctx) => parseInput(objectionIdParam, ctx.params.id, '异议编号不对'),
        decideBody,
        (auth, id, input) => lists.decideObjection(auth, id, input),
      ),
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
      command(listId, approveBody, (auth, id, input) => lists.approve(auth, id, input)),
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/city/lists/:id/document.xlsx',
        access: ['city_miit', 'city_finance'],
        summary: '下载拟补贴名单（Excel）',
        params: { id: listIdParam },
        response: answers.file('Excel 文档', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'),
        errors: ['list_cancelled'],
      },
      async (ctx) => {
        const source = await lists.documentSource(listId(ctx));
        sendXlsx(ctx, await renderProposedListXlsx(source), `${proposedListTitle(source.year, source.batchNo)}.xlsx`);
      },
    );
}
