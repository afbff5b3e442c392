import { z } from 'zod';
import type { AppContext } from '../context';
import type { RouteTable } from '../routeTable';
import {
  budgetViewSchema,
  cityDetailSchema,
  cityOpinionResultSchema,
  cityQueueSchema,
} from '../../../../shared/src/contracts/responses/city';
import { parseInput } from '../validate';
import type { Budgets } from '../../modules/cityReview/budget';
import { CITY_VISIBLE_STATES, type CityReview, type CityVisibleState } from '../../modules/cityReview/cityReview';
import type { Disbursements } from '../../modules/ledger/disbursements';
import type { SubsidyLists } from '../../modules/cityReview/subsidyLists';
import { applicationIdParam, body, county, date, fen, id, keyset, limit, optionalText, text, version, yearPath } from './cityInputs';
import { cityLedgerRoutes } from './cityLedger';
import { cityListRoutes } from './cityLists';

/**
 * The city's routes: city MIIT's review (核定金额) and the year's budget here; the proposed list
 * (cityLists.ts) and the disbursement ledger (cityLedger.ts) in their own files, registered in this order.
 */

const reasonItem = z.object(
  { path: z.string({ error: '字段路径须为文字' }).max(120, '字段路径过长').nullish(), message: text('修改意见', 2, 500) },
  { error: '每条意见须含 message' },
);

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
  // Issue 18: a return may set the correction's deadline; without one the round's rule sets it.
  correctionDueOn: date('补正截止日期').optional(),
}).refine((v) => v.correctionDueOn === undefined || v.decision === 'return', {
  error: '补正截止日期只在退回修改时填写',
  path: ['correctionDueOn'],
});

const budgetBody = body({ budgetFen: fen('预算金额').min(0, '预算金额不能为负'), version: version.optional() });

function statuses(raw: string | undefined): CityVisibleState[] {
  const parts = (raw ?? 'reported').split(',').map((s) => s.trim());
  const known = parts.filter((s): s is CityVisibleState => (CITY_VISIBLE_STATES as readonly string[]).includes(s));
  if (!known.length || known.length !== parts.length)
    parseInput(z.never({ error: `状态须为 ${CITY_VISIBLE_STATES.join('、')} 中的一个或多个（以逗号分隔）` }), raw, '查询条件有误');
  return known;
}

/** City review (核定金额), the proposed list (拟补贴名单) with its notice, the budget and the disbursement ledger (三（五）). */
export function cityRoutes(
  routes: RouteTable,
  deps: { cityReview: CityReview; budgets: Budgets; subsidyLists: SubsidyLists; disbursements: Disbursements },
): void {
  const { cityReview: review, budgets, subsidyLists: lists, disbursements: ledger } = deps;
  const appId = (ctx: AppContext) => parseInput(applicationIdParam, ctx.params.id, '申请编号不对');
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

  cityListRoutes(routes, lists);
  cityLedgerRoutes(routes, ledger);
}
