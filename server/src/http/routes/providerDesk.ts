import { z } from 'zod';
import type { AppContext } from '../context';
import { answers, type RouteTable } from '../routeTable';
import { parseInput } from '../validate';
import { renderSettlementDocx } from '../../documents';
import { DOCX, sendDocument } from '../download';
import { cursor, id, idList, limit, statusList, text, version } from '../inputs';
import { MAX_FORM_ITEMS, type SettlementForms } from '../../modules/providerDesk/settlementForms';
import {
  providerApplicationDetailSchema,
  providerApplicationPageSchema,
  settlementFormEnvelopeSchema,
  settlementFormListSchema,
} from '../../../../shared/src/contracts/responses/county';
import { type ProviderDesk } from '../../modules/providerDesk/confirmations';

const providerQuery = z.object({ status: statusList(null), after: cursor, limit });
const confirmSchema = z.object({ version, effectEvaluation: text('上云效果评价', 2, 500) });
const disputeSchema = z.object({ version, reason: text('不符之处（企业将看到这段文字）', 2, 1000) });
const settlementSchema = z.object({ applicationIds: idList('兑付申请表', MAX_FORM_ITEMS) });
// The body carries nothing (the scan is already uploaded); whatever a client adds is ignored.
const emptySchema = z.looseObject({}, { error: '请以 JSON 对象提交，例如 {}' });

/** The provider desk: confirming each application that names the provider, and its 兑付申请表 (三（三）1). */
export function providerDeskRoutes(routes: RouteTable, deps: { providerDesk: ProviderDesk; settlementForms: SettlementForms }): void {
  const desk = deps.providerDesk;
  const forms = deps.settlementForms;
  const appId = (ctx: AppContext) => parseInput(id, ctx.params.id, '申请编号不对');

  routes
    // The provider: confirmation of each application that names it.
    .add(
      {
        method: 'GET',
        path: '/api/v1/provider/applications',
        access: ['provider'],
        summary: '选择本服务商的上云补助申请（按状态）',
        query: providerQuery,
        response: providerApplicationPageSchema,
      },
      async (ctx) => {
        const q = parseInput(providerQuery, ctx.query, '查询参数不对');
        ctx.body = await desk.list(ctx.state.auth!, { statuses: q.status, after: q.after, limit: q.limit });
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/provider/applications/:id',
        access: ['provider'],
        summary: '申请中与本服务商合同有关的内容',
        params: { id },
        response: providerApplicationDetailSchema,
      },
      async (ctx) => {
        ctx.body = await desk.detail(ctx.state.auth!, appId(ctx));
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/provider/applications/:id/confirm',
        access: ['provider'],
        summary: '确认合同与付款属实，并给出上云效果评价',
        params: { id },
        body: confirmSchema,
        response: providerApplicationDetailSchema,
        errors: ['invalid_transition'],
      },
      async (ctx) => {
        ctx.body = await desk.confirm(ctx.state.auth!, appId(ctx), parseInput(confirmSchema, ctx.request.body ?? {}));
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/provider/applications/:id/dispute',
        access: ['provider'],
        summary: '合同或付款与实际不符：写明原因，退回企业',
        params: { id },
        body: disputeSchema,
        response: providerApplicationDetailSchema,
        errors: ['invalid_transition'],
      },
      async (ctx) => {
        ctx.body = await desk.dispute(ctx.state.auth!, appId(ctx), parseInput(disputeSchema, ctx.request.body ?? {}));
      },
    )
    // The provider: the 兑付申请表 (三（三）1), versioned, signed by uploading the stamped scan.
    .add(
      {
        method: 'POST',
        path: '/api/v1/provider/settlement-forms',
        access: ['provider'],
        summary: '为选定的已确认申请生成新一版兑付申请表',
        body: settlementSchema,
        response: settlementFormEnvelopeSchema,
        status: 201,
      },
      async (ctx) => {
        const input = parseInput(settlementSchema, ctx.request.body ?? {});
        ctx.status = 201;
        ctx.body = { form: await forms.create(ctx.state.auth!, input.applicationIds) };
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/provider/settlement-forms',
        access: ['provider'],
        summary: '本服务商的兑付申请表各版本',
        response: settlementFormListSchema,
      },
      async (ctx) => {
        ctx.body = await forms.list(ctx.state.auth!);
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/provider/settlement-forms/:id',
        access: ['provider'],
        summary: '一版兑付申请表的内容与签章状态',
        params: { id },
        response: settlementFormEnvelopeSchema,
      },
      async (ctx) => {
        ctx.body = { form: await forms.get(ctx.state.auth!, parseInput(id, ctx.params.id, '兑付申请表编号不对')) };
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/provider/settlement-forms/:id/document.docx',
        access: ['provider'],
        summary: '下载兑付申请表（Word，打印盖章后上传扫描件）',
        params: { id },
        response: answers.file('Word 文档', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'),
      },
      async (ctx) => {
        const { input, companyName } = await forms.documentSource(ctx.state.auth!, parseInput(id, ctx.params.id, '兑付申请表编号不对'));
        sendDocument(ctx, await renderSettlementDocx(input), `兑付申请表-${companyName || '云服务商'}-第${input.version}版.docx`, DOCX);
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/provider/settlement-forms/:id/sign',
        access: ['provider'],
        summary: '确认已上传盖章扫描件：本版兑付申请表生效',
        params: { id },
        body: emptySchema,
        response: settlementFormEnvelopeSchema,
        errors: ['already_signed', 'form_superseded', 'newer_version_signed', 'stale_version'],
      },
      async (ctx) => {
        parseInput(emptySchema, ctx.request.body ?? {});
        ctx.body = { form: await forms.sign(ctx.state.auth!, parseInput(id, ctx.params.id, '兑付申请表编号不对')) };
      },
    );
}
