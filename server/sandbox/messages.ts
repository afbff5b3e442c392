/**
 * Message sends: mini-program subscribe messages (POST /cgi-bin/message/subscribe/send) and
 * official-account template messages (POST /cgi-bin/message/template/send).
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
    const data = readData(body, subscribeValueRefusal);
    if (!data.ok) return refuse(ctx, sb, data.error);

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
    const data = readData(body, (_key, value) => templateValueRefusal(value));
    if (!data.ok) return refuse(ctx, sb, data.error);

    if (sb.state.settings.strictFollowers && !sb.state.followers.has(touser)) {
      return refuse(ctx, sb, { errcode: 43004, errmsg: 'require subscribe' });
    }

    const msgid = nextMsgid(sb.state);
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
      },
      sb.options.maxRecorded,
    );
    sendJson(ctx, { errcode: 0, errmsg: 'ok', msgid });
  });
}
