import type { Config } from '../../config';
import type { Database } from '../../db/database';
import type { RouteTable } from '../../http/routes';
import { createLogger } from '../../logger';
import type { AuditTrail } from '../audit/audit';
import type { EligibilityService } from '../eligibility/eligibilityService';
import { BindingCodes, CODE_TTL_MS } from './binding';
import { Chatbot } from './chatbot';
import { OfficialAccountEndpoint } from './endpoint';
import { bindingCodeHowTo } from './texts';

export interface OfficialAccountDeps {
  config: Config;
  db: Database;
  audit: AuditTrail;
  eligibility: EligibilityService;
  now: () => number;
}

/** `/wechat/official-account` (spec/wechat.md) and the chatbot behind it, plus the mini-program's binding code. */
export function officialAccountRoutes(routes: RouteTable, deps: OfficialAccountDeps): void {
  // The app's logger is not among the deps: a child of the same settings, named for this module.
  const logger = createLogger(deps.config).child({ module: 'officialAccount' });
  const chatbot = new Chatbot({ ...deps, logger });
  const endpoint = new OfficialAccountEndpoint(deps.config, chatbot, logger, deps.now);
  // The binding code's HMAC key: the server's secret (AUDIT_KEY), used under a label of its own.
  const codes = new BindingCodes(deps.db, deps.config.auditKey, deps.now);

  routes
    // Public as far as sessions go: WeChat proves itself by the signature, checked first thing.
    .add({ method: 'GET', path: '/wechat/official-account', access: 'wechat', summary: '公众号服务器配置校验（signature、echostr）' }, async (ctx) => {
      endpoint.verify(ctx);
    })
    .add({ method: 'POST', path: '/wechat/official-account', access: 'wechat', summary: '接收公众号消息（明文或安全模式），5 秒内被动回复' }, async (ctx) => {
      await endpoint.receive(ctx);
    })
    .add({ method: 'POST', path: '/api/v1/me/oa-binding-code', access: 'authenticated', limit: 'bindingCode', summary: '获取公众号绑定码（10 分钟内有效，只能用一次）' }, async (ctx) => {
      const { code, expiresAt } = await codes.issue(ctx.state.auth!.userId);
      ctx.status = 201;
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { code, expiresAt, ttlSeconds: CODE_TTL_MS / 1000, howTo: bindingCodeHowTo(code) };
    })
    .add({ method: 'GET', path: '/api/v1/me/oa-binding', access: 'authenticated', summary: '公众号是否已绑定、是否仍关注' }, async (ctx) => {
      ctx.body = await codes.status(ctx.state.auth!.userId);
    });
}
