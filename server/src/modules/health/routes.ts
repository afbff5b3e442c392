import type { Database } from '../../db/database';
import type { RouteTable } from '../../http/routes';
import { AppError } from '../../http/errors';

export function healthRoutes(routes: RouteTable, deps: { db: Database }): void {
  routes.add({ method: 'GET', path: '/healthz', access: 'public', summary: '健康检查' }, async (ctx) => {
    try {
      // Migrations run before the server listens, so a reachable database means an up-to-date one.
      await deps.db.query('SELECT 1 AS ok');
    } catch {
      throw new AppError(503, 'unavailable', '数据库暂时不可用');
    }
    ctx.body = { status: 'ok' };
  });
}
