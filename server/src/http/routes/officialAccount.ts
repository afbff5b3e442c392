import { z } from 'zod';
import { answers, bodies, type RouteTable } from '../routeTable';
import { bindingCodeSchema, bindingStatusSchema } from '../../../../shared/src/contracts/responses/notifications';
import { CODE_TTL_MS, type BindingCodes } from '../../modules/officialAccount/binding';
import type { OfficialAccountEndpoint } from '../officialAccountEndpoint';
import { bindingCodeHowTo } from '../../modules/officialAccount/texts';

/** What WeChat sends: checked by the endpoint itself (spec/wechat.md); declared for the document. */
const signatureQuery = z.object({
  signature: z.string().optional().describe('明文模式的签名'),
  msg_signature: z.string().optional().describe('安全模式的消息签名'),
  timestamp: z.string(),
  nonce: z.string(),
  echostr: z.string().optional().describe('服务器配置校验时原样答回'),
  encrypt_type: z.enum(['raw', 'aes']).optional(),
  openid: z.string().optional(),
});

export interface OfficialAccountDeps {
  endpoint: OfficialAccountEndpoint;
  bindingCodes: BindingCodes;
}

/** `/wechat/official-account` (spec/wechat.md) and the chatbot behind it, plus the mini-program's binding code. */
export function officialAccountRoutes(routes: RouteTable, deps: OfficialAccountDeps): void {
  const { endpoint, bindingCodes: codes } = deps;

  routes
    // Public as far as sessions go: WeChat proves itself by the signature, checked first thing.
    .add(
      {
        method: 'GET',
        path: '/wechat/official-account',
        access: 'wechat',
        summary: '公众号服务器配置校验（signature、echostr）',
        query: signatureQuery,
        response: answers.text('echostr 原样答回', 'text/plain'),
      },
      (ctx) => {
        endpoint.verify(ctx);
      },
    )
    .add(
      {
        method: 'POST',
        path: '/wechat/official-account',
        access: 'wechat',
        summary: '接收公众号消息（明文或安全模式），5 秒内被动回复',
        query: signatureQuery,
        body: bodies.xml('微信推送的消息或事件（XML；安全模式为加密的 Encrypt）'),
        response: answers.text('被动回复的 XML，或无需回复时的 success', 'application/xml', 'text/plain'),
        errors: ['request_timeout'],
      },
      async (ctx) => {
        await endpoint.receive(ctx);
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/me/oa-binding-code',
        access: 'authenticated',
        limit: 'bindingCode',
        summary: '获取公众号绑定码（10 分钟内有效，只能用一次）',
        response: bindingCodeSchema,
        status: 201,
        errors: ['too_many_requests'],
      },
      async (ctx) => {
        const { code, expiresAt } = await codes.issue(ctx.state.auth!.userId);
        ctx.status = 201;
        ctx.set('Cache-Control', 'no-store');
        ctx.body = { code, expiresAt, ttlSeconds: CODE_TTL_MS / 1000, howTo: bindingCodeHowTo(code) };
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/me/oa-binding',
        access: 'authenticated',
        summary: '公众号是否已绑定、是否仍关注',
        response: bindingStatusSchema,
      },
      async (ctx) => {
        ctx.body = await codes.status(ctx.state.auth!.userId);
      },
    );
}
