import type { AppContext } from '../context';
import type { RouteTable } from '../routeTable';
import { parseInput } from '../validate';
import { bankAccountSchema } from '../../../../shared/src/contracts/application';
import { accountChangeEnvelopeSchema, accountChangeListSchema } from '../../../../shared/src/contracts/responses/accountChanges';
import type { AccountChanges } from '../../modules/ledger/accountChanges';
import { body, id, text, version } from './cityInputs';

/**
 * A change of the receiving bank account (issue 14 item 3): the enterprise asks, city finance confirms or
 * refuses (DESIGN.md "Corrections after the fact", "Four eyes").
 */
const applicationId = id('申请编号');
const changeId = id('变更申请编号');
const requestBody = bankAccountSchema.extend({ version, reason: text('变更原因', 2, 500) });
const confirmBody = body({ version });
const refuseBody = body({ version, reason: text('不同意的原因', 2, 500) });
const withdrawBody = body({ version });

export function accountChangeRoutes(routes: RouteTable, changes: AccountChanges): void {
  const change = (ctx: AppContext) => parseInput(changeId, ctx.params.id, '变更申请编号不对');
  routes
    .add(
      {
        method: 'GET',
        path: '/api/v1/applications/:id/account-changes',
        access: ['enterprise'],
        summary: '本申请的收款账户变更记录（原账户与新账户）',
        params: { id: applicationId },
        response: accountChangeListSchema,
      },
      async (ctx) => {
        ctx.body = await changes.ofApplication(ctx.state.auth!, parseInput(applicationId, ctx.params.id, '申请编号不对'));
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/applications/:id/account-changes',
        access: ['enterprise'],
        summary: '申请变更收款账户（开户名称须为企业名称；提交后、拨付前或退汇后），由市财政局确认',
        params: { id: applicationId },
        body: requestBody,
        response: accountChangeEnvelopeSchema,
        status: 201,
        errors: ['account_change_pending', 'account_change_closed'],
      },
      async (ctx) => {
        const appId = parseInput(applicationId, ctx.params.id, '申请编号不对');
        ctx.body = await changes.request(ctx.state.auth!, appId, parseInput(requestBody, ctx.request.body ?? {}));
        ctx.status = 201;
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/applications/:id/account-changes/:changeId/withdraw',
        access: ['enterprise'],
        summary: '撤回尚未确认的收款账户变更（仍拨付到原账户）',
        params: { id: applicationId, changeId },
        body: withdrawBody,
        response: accountChangeEnvelopeSchema,
        errors: ['invalid_transition'],
      },
      async (ctx) => {
        ctx.body = await changes.withdraw(
          ctx.state.auth!,
          parseInput(applicationId, ctx.params.id, '申请编号不对'),
          parseInput(changeId, ctx.params.changeId, '变更申请编号不对'),
          parseInput(withdrawBody, ctx.request.body ?? {}),
        );
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/city/account-changes',
        access: ['city_finance'],
        summary: '待确认的收款账户变更',
        response: accountChangeListSchema,
      },
      async (ctx) => {
        ctx.body = await changes.waiting();
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/city/account-changes/:id/confirm',
        access: ['city_finance'],
        summary: '确认收款账户变更（下一笔拨付到新账户；确认人不能登记下一笔拨付）',
        params: { id: changeId },
        body: confirmBody,
        response: accountChangeEnvelopeSchema,
        errors: ['invalid_transition', 'account_change_closed'],
      },
      async (ctx) => {
        ctx.body = await changes.decide(ctx.state.auth!, change(ctx), 'confirm', parseInput(confirmBody, ctx.request.body ?? {}));
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/city/account-changes/:id/refuse',
        access: ['city_finance'],
        summary: '不同意收款账户变更（须说明原因；仍拨付到原账户）',
        params: { id: changeId },
        body: refuseBody,
        response: accountChangeEnvelopeSchema,
        errors: ['invalid_transition'],
      },
      async (ctx) => {
        ctx.body = await changes.decide(ctx.state.auth!, change(ctx), 'refuse', parseInput(refuseBody, ctx.request.body ?? {}));
      },
    );
}
