import type { Database } from '../../db/database';
import type { RouteTable } from '../../http/routes';
import { UnavailableError } from '../errors';
import { openApiDocument } from '../../http/openapi';
import { healthSchema, openApiDocumentSchema } from '../../../../shared/src/contracts/responses/common';

export function healthRoutes(routes: RouteTable, deps: { db: Database }): void {
  routes.add({ method: 'GET', path: '/healthz', access: 'public', summary: '健康检查', response: healthSchema, errors: ['unavailable'] }, async (ctx) => {
    try {
      // Migrations run before the server listens, so a reachable database means an up-to-date one.
      await deps.db.query('SELECT 1 AS ok');
    } catch {
      throw new UnavailableError('数据库暂时不可用');
    }
    ctx.body = { status: 'ok' };
  });
  // The document of the whole table (docs/openapi.json), written on first request, once every route is in.
  let document: object | null = null;
  routes.add({ method: 'GET', path: '/api/v1/openapi.json', access: 'public', summary: '本 API 的 OpenAPI 3.1 文档', response: openApiDocumentSchema }, async (ctx) => {
    document ??= openApiDocument(routes.specs);
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = document;
  });
}
