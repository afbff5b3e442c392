/**
 * Message sends: mini-program subscribe messages (POST /cgi-bin/message/subscribe/send,
 * https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/sendMessage.html)
 * and official-account template messages (POST /cgi-bin/message/template/send,
 * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Template_Message_Interface.html).
 *
 * Refused by default as WeChat refuses (issue 15, 7), each with a switch for tests that need it off
 * (`control.configure`): 43101 a subscribe send with no subscription left, 43004 a template send to a
 * non-follower, 41030 a page that is not in the released mini-program. 47003 (a value that breaks its
 * field's type, `enum` included) is always on.
 */
import type { Router } from '@koa/router';
import type { Context } from 'koa';
import { subscribeValueRefusal, templateValueRefusal } from './fieldRules';
import { type WechatError, isRecord, ownString, readJsonObject, sendJson, sendWechatError, wechatRoute } from './http';
import { type SandboxContext, nextMsgid, record } from './state';
import { requireAccessToken } from './token';

export const SUBSCRIBE_SEND_PATH = '/cgi-bin/message/subscribe/send';
export const TEMPLATE_SEND_PATH = '/cgi-bin/message/template/send';

const MINIPROGRAM_STATES = new Set(['developer', 'trial', 'formal']);

/** "对于同一个openid + client_msg_id, 只发送一条消息, 10分钟有效" (template message document). */
export const CLIENT_MSG_ID_WINDOW_MS = 10 * 60_000;
/** 45067 "clientmsgid size out of limit" past 64 bytes (https://developers.weixin.qq.com/community/develop/doc/0000c403d88548712a5042bc26bc00). */
const CLIENT_MSG_ID_MAX_BYTES = 64;
const LANGS = new Set(['zh_CN', 'en_US', 'zh_HK', 'zh_TW']);

export function subscriptionKey(openid: string, templateId: string): string {
  return `${openid}\u0000${templateId}`;
}

/** `data` as WeChat takes it: `{key: {value}}`; values must be strings (numbers are tolerated, as WeChat does). */
function readData(
  body: Record<string, unknown>,
  problemOf: (key: string, value: string) => string | null,
): { ok: true; values: Record<string, string> } | { ok: false; error: WechatError } {
  const data = Object.hasOwn(body, 'data') ? body.data : undefined;
  if (!isRecord(data) || Object.keys(data).length === 0) {
    return { ok: false, error: { errcode: 47003, errmsg: 'argument invalid! data is empty or not an object' } };
  }
  const entries: [string, string][] = [];
  for (const [key, entry] of Object.entries(data)) {
    const raw = isRecord(entry) && Object.hasOwn(entry, 'value') ? entry.value : undefined;
    if (typeof raw !== 'string' && typeof raw !== 'number') {
      return { ok: false, error: { errcode: 47003, errmsg: `argument invalid! data.${key}.value is missing or not a string` } };
    }
    const value = String(raw);
    const problem = problemOf(key, value);
    if (problem !== null) return { ok: false, error: { errcode: 47003, errmsg: `argument invalid! data.${key}.value ${problem}` } };
    entries.push([key, value]);
  }
  // fromEntries defines own properties, so a key such as "__proto__" stays plain data.
  return { ok: true, values: Object.fromEntries(entries) };
}

function refuse(ctx: Context, sb: SandboxContext, error: WechatError): void {
  record(sb.state.rejected, { path: ctx.path, at: sb.state.now(), errcode: error.errcode, errmsg: error.errmsg }, sb.options.maxRecorded);
  sendWechatError(ctx, error);
}

function optionalString(body: Record<string, unknown>, key: string): string | null | undefined {
  if (!Object.hasOwn(body, key) || body[key] === undefined || body[key] === null) return null;
  const value = body[key];
  return typeof value === 'string' ? value : undefined;
}

/**
 * "仅限本小程序内的页面。支持带参数" — and for WeChat, the page must exist in the released version
 * (41030 "invalid page"). The sandbox holds the pages of miniprogram/app.json (or `releasedPages`).
 */
function pageReleased(sb: SandboxContext, page: string): boolean {
  const pages = sb.options.releasedPages;
  if (!sb.state.settings.strictPages || pages === null || page === '') return true;
  const path = page.split('?')[0] ?? '';
  return pages.has(path.replace(/^\//, ''));
}

/** Drops client_msg_id entries older than the window (they are what WeChat stops promising). */
function forgetOldClientMsgIds(sb: SandboxContext, now: number): void {
  for (const [key, entry] of sb.state.clientMsgIds) {
    if (now - entry.at < CLIENT_MSG_ID_WINDOW_MS) break;
    sb.state.clientMsgIds.delete(key);
  }
}

export function registerMessageRoutes(router: Router, sb: SandboxContext): void {
  wechatRoute(router, 'POST', SUBSCRIBE_SEND_PATH, async (ctx) => {
    const caller = requireAccessToken(ctx, sb);
    if (!caller) return;
    const body = await readJsonObject(ctx, sb.options.bodyLimitBytes);
    if (body === null) return;

    const touser = ownString(body, 'touser');
    if (!touser) return refuse(ctx, sb, { errcode: 40003, errmsg: 'invalid openid' });
    const templateId = ownString(body, 'template_id');
    if (!templateId) return refuse(ctx, sb, { errcode: 40037, errmsg: 'invalid template_id' });
    const page = optionalString(body, 'page');
    if (page === undefined) return refuse(ctx, sb, { errcode: 41030, errmsg: 'invalid page' });
    const state = optionalString(body, 'miniprogram_state');
    if (state === undefined || (state !== null && !MINIPROGRAM_STATES.has(state))) {
      return refuse(ctx, sb, { errcode: 47003, errmsg: 'argument invalid! miniprogram_state' });
    }
    const lang = optionalString(body, 'lang');
    if (lang === undefined || (lang !== null && !LANGS.has(lang))) {
      return refuse(ctx, sb, { errcode: 47003, errmsg: 'argument invalid! lang' });
    }
    const enums = sb.state.templateEnums.get(templateId);
    const data = readData(body, (key, value) => subscribeValueRefusal(key, value, enums?.get(key)));
    if (!data.ok) return refuse(ctx, sb, data.error);
    if (page !== null && !pageReleased(sb, page)) return refuse(ctx, sb, { errcode: 41030, errmsg: 'invalid page' });

    // One "accept" of a one-time subscription allows exactly one message; 43101 once it is spent
    // (or was never given). Long-term subscriptions are held as Infinity.
    if (sb.state.settings.strictSubscriptions) {
      const key = subscriptionKey(touser, templateId);
      const left = sb.state.subscriptions.get(key) ?? 0;
      if (left <= 0) return refuse(ctx, sb, { errcode: 43101, errmsg: 'user refuse to accept the msg' });
      sb.state.subscriptions.set(key, left - 1);
    }

    const msgid = nextMsgid(sb.state);
    record(
      sb.state.sent,
      {
        kind: 'subscribe',
        msgid: msgid.toString(),
        appid: caller.appid,
        at: sb.state.now(),
        touser,
        templateId,
        page,
        miniprogramState: state,
        lang,
        data: data.values,
      },
      sb.options.maxRecorded,
    );
    sendJson(ctx, { errcode: 0, errmsg: 'ok', msgid });
  });

  wechatRoute(router, 'POST', TEMPLATE_SEND_PATH, async (ctx) => {
    const caller = requireAccessToken(ctx, sb);
    if (!caller) return;
    const body = await readJsonObject(ctx, sb.options.bodyLimitBytes);
    if (body === null) return;

    const touser = ownString(body, 'touser');
    if (!touser) return refuse(ctx, sb, { errcode: 40003, errmsg: 'invalid openid' });
    const templateId = ownString(body, 'template_id');
    if (!templateId) return refuse(ctx, sb, { errcode: 40037, errmsg: 'invalid template_id' });
    const url = optionalString(body, 'url');
    if (url === undefined) return refuse(ctx, sb, { errcode: 47003, errmsg: 'argument invalid! url' });

    let miniprogram: { appid: string; pagepath: string | null } | null = null;
    if (Object.hasOwn(body, 'miniprogram') && body.miniprogram !== undefined && body.miniprogram !== null) {
      const mp = body.miniprogram;
      const mpAppid = isRecord(mp) ? ownString(mp, 'appid') : undefined;
      const pagepath = isRecord(mp) ? optionalString(mp, 'pagepath') : undefined;
      if (!mpAppid || pagepath === undefined) {
        return refuse(ctx, sb, { errcode: 47003, errmsg: 'argument invalid! miniprogram' });
      }
      miniprogram = { appid: mpAppid, pagepath };
    }
    // Since 2023-05-04 every field is at most 20 characters without line breaks; first/remark and
    // colours are ignored by WeChat rather than refused, so they pass here too.
    const enums = sb.state.templateEnums.get(templateId);
    const data = readData(body, (key, value) => templateValueRefusal(key, value, enums?.get(key)));
    if (!data.ok) return refuse(ctx, sb, data.error);
    const clientMsgId = optionalString(body, 'client_msg_id');
    if (clientMsgId === undefined) return refuse(ctx, sb, { errcode: 47003, errmsg: 'argument invalid! client_msg_id' });
    if (clientMsgId !== null && Buffer.byteLength(clientMsgId, 'utf8') > CLIENT_MSG_ID_MAX_BYTES) {
      return refuse(ctx, sb, { errcode: 45067, errmsg: 'clientmsgid size out of limit' });
    }

    if (sb.state.settings.strictFollowers && !sb.state.followers.has(touser)) {
      return refuse(ctx, sb, { errcode: 43004, errmsg: 'require subscribe' });
    }

    // The same openid and client_msg_id within 10 minutes sends nothing more: the first message's id again.
    const now = sb.state.now();
    forgetOldClientMsgIds(sb, now);
    const dedupeKey = clientMsgId === null || clientMsgId === '' ? null : `${caller.appid}\u0000${touser}\u0000${clientMsgId}`;
    const earlier = dedupeKey === null ? undefined : sb.state.clientMsgIds.get(dedupeKey);
    if (earlier) {
      sendJson(ctx, { errcode: 0, errmsg: 'ok', msgid: earlier.msgid });
      return;
    }

    const msgid = nextMsgid(sb.state);
    if (dedupeKey !== null) sb.state.clientMsgIds.set(dedupeKey, { msgid, at: now });
    record(
      sb.state.sent,
      {
        kind: 'template',
        msgid: msgid.toString(),
        appid: caller.appid,
        at: sb.state.now(),
        touser,
        templateId,
        url,
        miniprogram,
        data: data.values,
        clientMsgId: dedupeKey === null ? null : clientMsgId,
      },
      sb.options.maxRecorded,
    );
    sendJson(ctx, { errcode: 0, errmsg: 'ok', msgid });
  });
}
