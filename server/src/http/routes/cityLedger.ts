import { z } from 'zod';
import type { AppContext } from '../context';
import { answers, type RouteTable } from '../routeTable';
import { ledgerChangeSchema, ledgerPageSchema } from '../../../../shared/src/contracts/responses/city';
import { policyPack } from '../../../../shared/src/pack';
import { parseInput } from '../validate';
import { renderLedgerXlsx } from '../../documents';
import { MAX_VOUCHER_LENGTH, type Disbursements } from '../../modules/ledger/disbursements';
import { applicationIdParam, body, county, date, fen, id, keyset, limit, sendXlsx, text, version } from './cityInputs';

/** The disbursement ledger's routes (拨付, 三（五）市财政局拨付资金): payments, corrections, 退汇, the ledger and its Excel. */

const entryIdParam = id('台账记录编号');
const voucherNo = z
  .string({ error: '请填写国库支付凭证号 voucherNo' })
  .trim()
  .toUpperCase()
  .regex(new RegExp(`^[0-9A-Z][0-9A-Z\\-_/.]{2,${MAX_VOUCHER_LENGTH - 1}}$`), `凭证号为 3 至 ${MAX_VOUCHER_LENGTH} 位字母、数字或 - _ / .`);

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

export function cityLedgerRoutes(routes: RouteTable, ledger: Disbursements): void {
  const appId = (ctx: AppContext) => parseInput(applicationIdParam, ctx.params.id, '申请编号不对');
  const input = <S extends z.ZodType>(schema: S, ctx: AppContext) => parseInput(schema, ctx.request.body ?? {});

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
        errors: [
          'invalid_transition',
          'already_disbursed',
          'awaiting_confirmation',
          'account_missing',
          'account_name_mismatch',
          'voucher_used',
          'voucher_reversed',
        ],
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
        method: 'POST',
        path: '/api/v1/city/applications/:id/disbursements/:entryId/confirm',
        access: ['city_finance'],
        summary: '确认一笔更正或退汇（须由登记人以外的另一位经办人员确认；退汇确认后才能重新拨付）',
        params: { id: applicationIdParam, entryId: entryIdParam },
        response: ledgerChangeSchema,
        errors: ['not_a_correction', 'already_confirmed'],
      },
      async (ctx) => {
        const applicationId = appId(ctx);
        const entryId = parseInput(entryIdParam, ctx.params.entryId, '台账记录编号不对');
        ctx.body = await ledger.confirm(ctx.state.auth!, applicationId, entryId);
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
        sendXlsx(ctx, await renderLedgerXlsx(source), `${policyPack().city.name}工业企业上云补助资金拨付台账.xlsx`);
      },
    );
}
