import { z } from 'zod';
import type { RouteTable } from '../routeTable';
import { parseInput } from '../validate';
import {
  bankAccountSchema,
  contractSchema,
  declarationsSchema,
  enterpriseProfileSchema,
  paymentSchema,
} from '../../../../shared/src/contracts/application';
import type { DraftService } from '../../modules/applications/drafts';
import type { EnterpriseService } from '../../modules/enterprises/enterprises';
import type { ProfileChangeService } from '../../modules/enterprises/profileChanges';
import {
  applicationEnvelopeSchema,
  applicationHistorySchema,
  applicationListSchema,
  colleagueInvitationSchema,
  countyEnterpriseListSchema,
  enterpriseEnvelopeSchema,
  enterpriseListSchema,
  enterpriseRegistrationSchema,
  profileChangeEnvelopeSchema,
  profileChangeListSchema,
} from '../../../../shared/src/contracts/responses/enterprise';

const id = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, '编号格式不对');
const version = z.number({ error: '请带上您看到的版本号 version（刷新后重试）' }).int().min(1);
const REVIEWERS = ['county_miit', 'county_finance', 'city_miit', 'city_finance'] as const;
// The credit code may be sent: on a verified enterprise a different one becomes a change the county verifies.
const updateEnterpriseSchema = enterpriseProfileSchema.extend({ version, creditCode: enterpriseProfileSchema.shape.creditCode.optional() });
const joinSchema = z.object({
  creditCode: enterpriseProfileSchema.shape.creditCode,
  code: z.string({ error: '请填写邀请码' }).trim().min(4, '邀请码太短，请核对').max(32, '邀请码太长，请核对'),
});
const countyEnterpriseQuery = z.object({ status: z.enum(['pending', 'disputed', 'verified', 'rejected']).optional() });
const enterpriseDecisionSchema = z.object({
  version,
  decision: z.enum(['verify', 'reject'], { error: '决定须为 verify（核验通过）或 reject（不通过）' }),
  reason: z.string().max(500).nullish(),
  acceptClaims: z.array(id).max(20).optional(),
  refuseClaims: z.array(id).max(20).optional(),
});
const profileChangeDecisionSchema = z.object({
  decision: z.enum(['verify', 'refuse'], { error: '决定须为 verify（核验通过）或 refuse（不予核验）' }),
  reason: z.string().max(500, '原因请控制在 500 字以内').nullish(),
});
const startSchema = z.object({ enterpriseId: id, facts: z.record(z.string(), z.unknown()).nullish() });
const saveApplicationSchema = z.object({
  version,
  contract: contractSchema.optional(),
  declarations: declarationsSchema.optional(),
  bank: bankAccountSchema.optional(),
});
const addPaymentSchema = paymentSchema.extend({ version });
const versionOnlySchema = z.object({ version });
const withdrawSchema = z.object({ version, reason: z.string().trim().max(500).nullish() });

/** The enterprise's side: registering, colleagues, the application from draft to submit. */
export function enterpriseRoutes(
  routes: RouteTable,
  deps: { enterprises: EnterpriseService; profileChanges: ProfileChangeService; drafts: DraftService },
): void {
  const { enterprises, profileChanges, drafts } = deps;

  routes
    .add(
      {
        method: 'POST',
        path: '/api/v1/enterprises',
        access: 'authenticated',
        deny: REVIEWERS,
        denyReason: '不能以同一账号登记企业：审核人员不能审核自己所在企业的申报',
        summary: '登记企业（统一社会信用代码）；已登记的代码转为认领，由县里核实',
        body: enterpriseProfileSchema,
        response: enterpriseRegistrationSchema,
        status: [201, 202],
        errors: ['already_member'],
      },
      async (ctx) => {
        const profile = parseInput(enterpriseProfileSchema, ctx.request.body ?? {});
        const result = await enterprises.register(ctx.state.auth!, profile);
        ctx.status = result.membership === 'owner' ? 201 : 202;
        ctx.body = result;
      },
    )
    .add(
      { method: 'GET', path: '/api/v1/enterprises/mine', access: 'authenticated', summary: '我所属的企业', response: enterpriseListSchema },
      async (ctx) => {
        ctx.body = { items: await enterprises.mine(ctx.state.auth!) };
      },
    )
    .add(
      {
        method: 'PUT',
        path: '/api/v1/enterprises/:id',
        access: ['enterprise'],
        summary: '修改企业信息（已核验的名称、信用代码、成立日期、注册地、法定代表人转为变更申请，待县里核验）',
        params: { id },
        body: updateEnterpriseSchema,
        response: enterpriseEnvelopeSchema,
        errors: ['change_pending'],
      },
      async (ctx) => {
        const body = parseInput(updateEnterpriseSchema, ctx.request.body ?? {});
        const { version: v, ...profile } = body;
        ctx.body = { enterprise: await enterprises.update(ctx.state.auth!, parseInput(id, ctx.params.id), v, profile) };
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/enterprises/:id/invitations',
        access: ['enterprise'],
        summary: '邀请同事加入本企业（邀请码只显示一次）',
        params: { id },
        response: colleagueInvitationSchema,
        status: 201,
      },
      async (ctx) => {
        ctx.status = 201;
        ctx.body = await enterprises.inviteColleague(ctx.state.auth!, parseInput(id, ctx.params.id));
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/enterprises/join',
        access: 'authenticated',
        deny: REVIEWERS,
        denyReason: '不能以同一账号加入企业：审核人员不能审核自己所在企业的申报',
        limit: 'join',
        summary: '凭同事的邀请码加入企业',
        body: joinSchema,
        response: enterpriseEnvelopeSchema,
        errors: ['invitation_used', 'already_member', 'too_many_requests'],
      },
      async (ctx) => {
        const body = parseInput(joinSchema, ctx.request.body ?? {});
        ctx.body = { enterprise: await enterprises.join(ctx.state.auth!, body.creditCode, body.code) };
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/county/enterprises',
        access: ['county_miit', 'county_finance'],
        summary: '本县待核验或有认领争议的企业',
        query: countyEnterpriseQuery,
        response: countyEnterpriseListSchema,
      },
      async (ctx) => {
        const q = parseInput(countyEnterpriseQuery, ctx.query);
        ctx.body = { items: await enterprises.countyQueue(ctx.state.auth!, q.status ? [q.status] : ['pending', 'disputed']) };
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/county/enterprises/:id/decide',
        access: ['county_miit', 'county_finance'],
        summary: '核验企业营业执照与授权委托书，处理认领',
        params: { id },
        body: enterpriseDecisionSchema,
        response: enterpriseEnvelopeSchema,
      },
      async (ctx) => {
        const body = parseInput(enterpriseDecisionSchema, ctx.request.body ?? {});
        ctx.body = { enterprise: await enterprises.countyDecide(ctx.state.auth!, parseInput(id, ctx.params.id), body) };
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/enterprises/:id/profile-changes',
        access: ['enterprise'],
        summary: '本企业已核验信息的变更申请及县里的核验结果',
        params: { id },
        response: profileChangeListSchema,
      },
      async (ctx) => {
        ctx.body = { items: await profileChanges.ofEnterprise(ctx.state.auth!, parseInput(id, ctx.params.id)) };
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/enterprises/:id/profile-changes/:changeId/withdraw',
        access: ['enterprise'],
        summary: '撤回尚未核验的企业信息变更',
        params: { id, changeId: id },
        response: profileChangeEnvelopeSchema,
        errors: ['invalid_transition'],
      },
      async (ctx) => {
        ctx.body = {
          change: await profileChanges.withdraw(ctx.state.auth!, parseInput(id, ctx.params.id), parseInput(id, ctx.params.changeId)),
        };
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/county/profile-changes',
        access: ['county_miit', 'county_finance'],
        summary: '本县待核验的企业信息变更',
        response: profileChangeListSchema,
      },
      async (ctx) => {
        ctx.body = { items: await profileChanges.countyQueue(ctx.state.auth!) };
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/county/profile-changes/:id/decide',
        access: ['county_miit', 'county_finance'],
        summary: '核验企业信息变更（通过则新信息生效；不予核验须写明原因）',
        params: { id },
        body: profileChangeDecisionSchema,
        response: profileChangeEnvelopeSchema,
        errors: ['invalid_transition'],
      },
      async (ctx) => {
        const body = parseInput(profileChangeDecisionSchema, ctx.request.body ?? {});
        ctx.body = { change: await profileChanges.decide(ctx.state.auth!, parseInput(id, ctx.params.id), body) };
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/applications',
        access: ['enterprise'],
        summary: '开始一份补助申请（可带入自测的答案）',
        body: startSchema,
        response: applicationEnvelopeSchema,
        status: 201,
        errors: ['application_exists'],
      },
      async (ctx) => {
        const body = parseInput(startSchema, ctx.request.body ?? {});
        ctx.status = 201;
        ctx.body = await drafts.start(ctx.state.auth!, {
          enterpriseId: body.enterpriseId,
          facts: body.facts ? { eligibilityCheck: body.facts } : null,
        });
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/applications/mine',
        access: ['enterprise'],
        summary: '我企业的申请',
        response: applicationListSchema,
      },
      async (ctx) => {
        ctx.body = { items: await drafts.mine(ctx.state.auth!) };
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/applications/:id',
        access: ['enterprise'],
        summary: '申请详情、尚缺内容与审核意见',
        params: { id },
        response: applicationEnvelopeSchema,
      },
      async (ctx) => {
        ctx.body = await drafts.get(ctx.state.auth!, parseInput(id, ctx.params.id));
      },
    )
    .add(
      {
        method: 'PUT',
        path: '/api/v1/applications/:id',
        access: ['enterprise'],
        summary: '保存申请（合同、声明、收款账户，可分步）',
        params: { id },
        body: saveApplicationSchema,
        response: applicationEnvelopeSchema,
        errors: ['not_editable'],
      },
      async (ctx) => {
        const body = parseInput(saveApplicationSchema, ctx.request.body ?? {});
        const { version: v, ...input } = body;
        ctx.body = await drafts.save(ctx.state.auth!, parseInput(id, ctx.params.id), v, input);
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/applications/:id/payments',
        access: ['enterprise'],
        summary: '登记一笔付款',
        params: { id },
        body: addPaymentSchema,
        response: applicationEnvelopeSchema,
        status: 201,
        errors: ['not_editable'],
      },
      async (ctx) => {
        const body = parseInput(addPaymentSchema, ctx.request.body ?? {});
        const { version: v, ...payment } = body;
        ctx.status = 201;
        ctx.body = await drafts.addPayment(ctx.state.auth!, parseInput(id, ctx.params.id), v, payment);
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/applications/:id/payments/:paymentId/remove',
        access: ['enterprise'],
        summary: '删除一笔登记有误的付款（历史中保留）',
        params: { id, paymentId: id },
        body: versionOnlySchema,
        response: applicationEnvelopeSchema,
        errors: ['not_editable'],
      },
      async (ctx) => {
        const body = parseInput(versionOnlySchema, ctx.request.body ?? {});
        ctx.body = await drafts.removePayment(
          ctx.state.auth!,
          parseInput(id, ctx.params.id),
          body.version,
          parseInput(id, ctx.params.paymentId),
        );
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/applications/:id/submit',
        access: ['enterprise'],
        summary: '提交申请（退回后为重新提交）',
        params: { id },
        body: versionOnlySchema,
        response: applicationEnvelopeSchema,
        errors: ['invalid_transition'],
      },
      async (ctx) => {
        const body = parseInput(versionOnlySchema, ctx.request.body ?? {});
        ctx.body = await drafts.submit(ctx.state.auth!, parseInput(id, ctx.params.id), body.version);
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/applications/:id/withdraw',
        access: ['enterprise'],
        summary: '撤回申请（县里作出决定之前）',
        params: { id },
        body: withdrawSchema,
        response: applicationEnvelopeSchema,
        errors: ['invalid_transition'],
      },
      async (ctx) => {
        const body = parseInput(withdrawSchema, ctx.request.body ?? {});
        ctx.body = await drafts.withdraw(ctx.state.auth!, parseInput(id, ctx.params.id), body.version, body.reason ?? null);
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/applications/:id/history',
        access: ['enterprise'],
        summary: '申请的办理过程',
        params: { id },
        response: applicationHistorySchema,
      },
      async (ctx) => {
        ctx.body = { items: await drafts.history(ctx.state.auth!, parseInput(id, ctx.params.id)) };
      },
    );
}
