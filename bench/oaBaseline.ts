import Koa from 'koa';
import { parseInboundMessage, textReplyXml } from '../server/src/wechat/officialAccount/messageXml';
import { signatureMatches, wechatSignature } from '../server/src/wechat/officialAccount/crypto';

/**
 * The official account's fixed cost, measured apart: WeChat's signature, the XML parse and a text
 * reply, with no database. The real endpoint's 进度 (dedupe, binding, lookup) is divided by this.
 */
const TOKEN = process.env.WECHAT_OA_TOKEN ?? 'sandbox-token';
const app = new Koa();
app.use(async (ctx) => {
  const q = ctx.query as Record<string, string>;
  if (!signatureMatches(wechatSignature([TOKEN, q.timestamp ?? '', q.nonce ?? '']), q.signature)) {
    ctx.status = 401;
    return;
  }
  const chunks: Buffer[] = [];
  for await (const c of ctx.req) chunks.push(c as Buffer);
  const msg = parseInboundMessage(Buffer.concat(chunks).toString('utf8'));
  ctx.type = 'application/xml';
  ctx.body = textReplyXml(msg, '您的申请：县里正在审核。', Math.floor(Date.now() / 1000));
});
const server = app.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
