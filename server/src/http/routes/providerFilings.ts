import { z } from 'zod';
import { answers, type RouteTable } from '../routeTable';
import {
  filingChecklistSchema,
  filingEnvelopeSchema,
  filingHistorySchema,
  filingQueueSchema,
  filingWithMissingSchema,
  providerDetailSchema,
  providerListSchema,
} from '../../../../shared/src/contracts/responses/providers';
import { parseInput } from '../validate';
import { renderFilingDocx } from '../../documents';
import { DOCX, sendDocument } from '../download';
import { REVIEWER_ROLES, type FilingService, type ReviewInput } from '../../modules/providers/filingService';
import type { ProviderRegistry } from '../../modules/providers/registry';
import { FILING_STATES, type FilingEvent, type FilingState } from '../../../../shared/src/workflow/providerFiling';
import { PLATFORM_FUNCTIONS } from '../../../../shared/src/contracts/providerFiling';
import { todayInShanghai } from '../../../../shared/src/rules/calendar';
import { policyPack } from '../../../../shared/src/pack';

const id = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, '编号格式不对');
const version = z.number({ error: '请带上您看到的版本号 version（刷新后重试）' }).int('版本号须为整数').min(1, '版本号须为正整数');
const saveSchema = z.object({ version, form: z.unknown() });
const createSchema = z.object({ form: z.unknown().optional() });
const reasonItem = z.object({
  path: z.string().max(120, '字段路径过长').nullish(),
  message: z.string({ error: '请写明要修改的内容' }).trim().min(2, '请写明要修改的内容').max(500, '每条意见不超过 500 字'),
});
const decisionSchema = z.object({
  version,
  reason: z.string({ error: '原因须为文字' }).max(1000, '原因不超过 1000 字').nullish(),
  reasons: z.array(reasonItem, { error: '修改意见须为列表' }).max(50, '意见条数过多').optional(),
  conditions: z.array(z.number().int(), { error: '请以数字列出已核对的条件，如 [1,2,3,4,5]' }).max(10).optional(),
});
const queueSchema = z.object({
  status: z.string().optional(),
  after: z
    .string()
    .regex(/^\d+\.[0-9A-HJKMNP-TV-Z]{26}$/, '翻页参数不对，请从上一页的 next 取值')
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
const registrySchema = z.object({
  q: z.string().max(50, '搜索词不超过 50 字').optional(),
  function: z.enum(PLATFORM_FUNCTIONS.map((f) => f.value) as [string, ...string[]], { error: '平台功能不在可选范围内' }).optional(),
});

export function providerFilingRoutes(routes: RouteTable, deps: { filings: FilingService; registry: ProviderRegistry }): void {
  const decision = { params: { id }, body: decisionSchema, response: filingEnvelopeSchema, errors: ['invalid_transition'] } as const;
  const decide = (event: FilingEvent) => async (ctx: Parameters<Parameters<RouteTable['add']>[1]>[0]) => {
    const filingId = parseInput(id, ctx.params.id, '备案编号不对');
    const input: ReviewInput = parseInput(decisionSchema, ctx.request.body ?? {});
    ctx.body = { filing: await deps.filings.act(ctx.state.auth!, filingId, event, input) };
  };

  routes
    .add(
      {
        method: 'POST',
        path: '/api/v1/provider-filings',
        access: 'authenticated',
        deny: REVIEWER_ROLES,
        denyReason: '不能以同一账号申报云服务商备案：审核人员要评价服务商的服务质量',
        summary: '开始一份云服务商备案申报（草稿）',
        body: createSchema,
        response: filingEnvelopeSchema,
        status: 201,
        errors: ['filing_exists'],
      },
      async (ctx) => {
        const input = parseInput(createSchema, ctx.request.body ?? {});
        ctx.status = 201;
        ctx.body = { filing: await deps.filings.create(ctx.state.auth!, input) };
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/provider-filings/mine',
        access: 'authenticated',
        summary: '我的备案申报与尚缺内容',
        response: filingWithMissingSchema,
      },
      async (ctx) => {
        ctx.body = (await deps.filings.mine(ctx.state.auth!)) ?? { filing: null, missing: [] };
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/provider-filings',
        access: ['city_miit', 'admin'],
        summary: '备案审核队列（按状态，含各状态数量）',
        query: queueSchema,
        response: filingQueueSchema,
      },
      async (ctx) => {
        const q = parseInput(queueSchema, ctx.query);
        const statuses = (q.status ?? 'submitted')
          .split(',')
          .filter((s): s is FilingState => (FILING_STATES as readonly string[]).includes(s));
        if (!statuses.length) parseInput(z.never({ error: `状态须为 ${FILING_STATES.join('、')} 之一` }), q.status);
        const after = q.after ? { updatedAt: Number(q.after.split('.')[0]), id: q.after.split('.')[1] } : null;
        ctx.body = await deps.filings.queue(statuses, after, q.limit);
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/provider-filings/:id',
        access: 'authenticated',
        summary: '备案申报详情（本人或市工信局）',
        params: { id },
        response: filingWithMissingSchema,
      },
      async (ctx) => {
        ctx.body = await deps.filings.get(ctx.state.auth!, parseInput(id, ctx.params.id, '备案编号不对'));
      },
    )
    .add(
      {
        method: 'PUT',
        path: '/api/v1/provider-filings/:id/form',
        access: ['provider'],
        summary: '保存备案申报书草稿',
        params: { id },
        body: saveSchema,
        response: filingEnvelopeSchema,
        errors: ['not_editable'],
      },
      async (ctx) => {
        const input = parseInput(saveSchema, ctx.request.body ?? {});
        ctx.body = { filing: await deps.filings.saveForm(ctx.state.auth!, parseInput(id, ctx.params.id, '备案编号不对'), input) };
      },
    )
    .add(
      { method: 'POST', path: '/api/v1/provider-filings/:id/submit', access: ['provider'], summary: '提交备案申报', ...decision },
      decide('submit'),
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/provider-filings/:id/checklist',
        access: ['city_miit'],
        summary: '三（一）五项条件核对表及佐证',
        params: { id },
        response: filingChecklistSchema,
      },
      async (ctx) => {
        ctx.body = await deps.filings.checklist(parseInput(id, ctx.params.id, '备案编号不对'));
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/provider-filings/:id/approve',
        access: ['city_miit'],
        summary: '通过备案（备案编号、备案日期由系统生成）',
        ...decision,
      },
      decide('approve'),
    )
    .add(
      { method: 'POST', path: '/api/v1/provider-filings/:id/return', access: ['city_miit'], summary: '退回修改（写明原因）', ...decision },
      decide('return'),
    )
    .add(
      { method: 'POST', path: '/api/v1/provider-filings/:id/reject', access: ['city_miit'], summary: '不予备案（写明原因）', ...decision },
      decide('reject'),
    )
    .add(
      { method: 'POST', path: '/api/v1/provider-filings/:id/revoke', access: ['city_miit'], summary: '撤销备案（写明原因）', ...decision },
      decide('revoke'),
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/provider-filings/:id/history',
        access: 'authenticated',
        summary: '备案办理记录',
        params: { id },
        response: filingHistorySchema,
      },
      async (ctx) => {
        ctx.body = { items: await deps.filings.history(ctx.state.auth!, parseInput(id, ctx.params.id, '备案编号不对')) };
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/provider-filings/:id/document.docx',
        access: 'authenticated',
        summary: '下载备案申报书（Word，用于打印盖章）',
        params: { id },
        response: answers.file('Word 文档', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'),
      },
      async (ctx) => {
        const { filing, materials } = await deps.filings.documentSource(ctx.state.auth!, parseInput(id, ctx.params.id, '备案编号不对'));
        const submittedOn = filing.submittedAt ? todayInShanghai(new Date(filing.submittedAt)) : null;
        const buffer = await renderFilingDocx(filing.form, {
          filingNo: filing.filingNo,
          submittedOn,
          status: filing.status,
          attachedMaterialKinds: materials,
        });
        sendDocument(ctx, buffer, `云服务商备案申报书-${filing.companyName || '草稿'}.docx`, DOCX);
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/providers',
        access: 'public',
        summary: `已备案云服务商名录（产品目录、报价、${policyPack().city.shortName}优惠）`,
        query: registrySchema,
        response: providerListSchema,
      },
      async (ctx) => {
        const q = parseInput(registrySchema, ctx.query);
        ctx.body = { items: await deps.registry.list({ text: q.q, fn: q.function }) };
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/providers/:id',
        access: 'public',
        summary: '云服务商详情（含已撤销者，供既有申报查看）',
        params: { id },
        response: providerDetailSchema,
      },
      async (ctx) => {
        ctx.body = { provider: await deps.registry.detail(parseInput(id, ctx.params.id, '服务商编号不对')) };
      },
    );
}
