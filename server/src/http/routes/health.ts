import type { RouteTable } from '../routeTable';
import type { HealthCheck } from '../../modules/health/health';
import { openApiDocument } from '../openapi';
import { healthSchema, openApiDocumentSchema } from '../../../../shared/src/contracts/responses/common';

export function healthRoutes(routes: RouteTable, deps: { health: HealthCheck }): void {
  routes.add(
    { method: 'GET', path: '/healthz', access: 'public', summary: '健康检查', response: healthSchema, errors: ['unavailable'] },
    async (ctx) => {
      ctx.body = await deps.health.ready();
    },
  );
  routes.add(
    {
      method: 'GET',
      path: '/readyz',
      access: 'public',
      summary: '就绪检查：停止中、数据库不可达或升级未完成时为 503',
      response: healthSchema,
      errors: ['unavailable'],
    },
    async (ctx) => {
      ctx.body = await deps.health.readiness();
    },
  );
  // The document of the whole table (docs/openapi.json), written on first request, once every route is in.
  let document: object | null = null;
  routes.add(
    {
      method: 'GET',
      path: '/api/v1/openapi.json',
      access: 'public',
      summary: '本 API 的 OpenAPI 3.1 文档',
      response: openApiDocumentSchema,
    },
    (ctx) => {
      document ??= openApiDocument(routes.specs);
      ctx.set('Cache-Control', 'public, max-age=300');
      ctx.body = document;
    },
  );
}
