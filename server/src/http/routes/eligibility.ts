import type { RouteTable } from '../routeTable';
import { eligibilityFactsSchema } from '../../../../shared/src/contracts/eligibility';
import { evaluationSchema, flowDescriptionSchema, policyInfoSchema } from '../../../../shared/src/contracts/responses/eligibility';
import type { EligibilityService } from '../../modules/eligibility/eligibilityService';

export function eligibilityRoutes(routes: RouteTable, deps: { eligibility: EligibilityService }): void {
  routes
    .add(
      {
        method: 'POST',
        path: '/api/v1/eligibility/evaluate',
        access: 'public',
        summary: '申报条件自测与补助测算（不保存）',
        body: eligibilityFactsSchema,
        limit: 'evaluate',
        response: evaluationSchema,
      },
      async (ctx) => {
        ctx.body = await deps.eligibility.evaluate(ctx.request.body, ctx.state.auth);
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/eligibility/flow',
        access: 'public',
        summary: '逐题自测的问题与提前终止条件',
        response: flowDescriptionSchema,
      },
      (ctx) => {
        ctx.set('Cache-Control', 'public, max-age=300');
        ctx.body = deps.eligibility.describeFlow();
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/policy',
        access: 'public',
        summary: '补助标准、上限、施行日期与联系方式',
        response: policyInfoSchema,
      },
      (ctx) => {
        ctx.body = deps.eligibility.policy();
      },
    );
}
