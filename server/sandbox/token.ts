/**
 * Access tokens: GET /cgi-bin/token and POST /cgi-bin/stable_token, and the check every
 * token-bearing API runs.
 */
import { randomBytes } from 'node:crypto';
import type { Router } from '@koa/router';
import type { Context } from 'koa';
import { ERR_INVALID_TOKEN, type WechatError, ownString, queryParam, readJsonObject, sendJson, sendWechatError, wechatRoute } from './http';
import { type IssuedToken, type SandboxContext, countTokenRequest } from './state';

/** stable_token force_refresh: 20 a day, and a force within 30 s of the previous one does not refresh. */
export const FORCE_REFRESH_DAILY_LIMIT = 20;
export const FORCE_REFRESH_INTERVAL_MS = 30_000;
/** stable_token normal mode issues a new token in the last 5 minutes of the old one's life. */
const STABLE_RENEW_BEFORE_MS = 5 * 60_000;
const BEIJING_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

function beijingDay(epochMs: number): number {
  return Math.floor((epochMs + BEIJING_OFFSET_MS) / DAY_MS);
}

/** WeChat's own answer for bad credentials: 41002/40013 for the appid, 40125 for the secret. */
export function checkCredentials(sb: SandboxContext, appid: string | undefined, secret: string | undefined): WechatError | null {
  if (!appid) return { errcode: 41002, errmsg: 'appid missing' };
  const apps = sb.options.apps;
  if (apps === null) return null;
  const expected = apps.get(appid);
  if (expected === undefined) return { errcode: 40013, errmsg: 'invalid appid' };
  if (secret !== expected) return { errcode: 40125, errmsg: 'invalid appsecret' };
  return null;
}

function pruneExpired(sb: SandboxContext): void {
  const cutoff = sb.state.now() - DAY_MS;
  for (const [token, issued] of sb.state.tokens) {
    if (issued.expiresAt < cutoff) sb.state.tokens.delete(token);
  }
}

function issue(sb: SandboxContext, appid: string, kind: IssuedToken['kind']): IssuedToken {
  pruneExpired(sb);
  const now = sb.state.now();
  const issued: IssuedToken = {
    token: `sbx-${kind}-${randomBytes(24).toString('base64url')}`,
    appid,
    kind,
    issuedAt: now,
    expiresAt: now + sb.options.tokenTtlSeconds * 1000,
    validUntil: null,
    revoked: false,
  };
  sb.state.tokens.set(issued.token, issued);
  return issued;
}

function answerToken(ctx: Context, sb: SandboxContext, issued: IssuedToken): void {
  const expiresIn = Math.max(0, Math.ceil((issued.expiresAt - sb.state.now()) / 1000));
  sendJson(ctx, { access_token: issued.token, expires_in: expiresIn });
}

/**
 * The appid a token belongs to, or WeChat's refusal: 41001 none given, 40001 unknown, revoked or
 * replaced beyond its grace, 42001 expired.
 */
export function checkAccessToken(sb: SandboxContext, token: string | undefined): { appid: string } | WechatError {
  if (!token) return { errcode: 41001, errmsg: 'access_token missing' };
  const issued = sb.state.tokens.get(token);
  if (!issued || issued.revoked) return ERR_INVALID_TOKEN;
  const now = sb.state.now();
  if (now >= issued.expiresAt) return { errcode: 42001, errmsg: 'access_token expired' };
  if (issued.validUntil !== null && now >= issued.validUntil) return ERR_INVALID_TOKEN;
  return { appid: issued.appid };
}

/** Reads `?access_token=` and answers the refusal itself; null then. */
export function requireAccessToken(ctx: Context, sb: SandboxContext): { appid: string } | null {
  const checked = checkAccessToken(sb, queryParam(ctx, 'access_token'));
  if ('errcode' in checked) {
    sendWechatError(ctx, checked);
    return null;
  }
  return checked;
}

/** Every issued token is refused from now on (40001), as after an appsecret reset or a leak. */
export function revokeAllTokens(sb: SandboxContext): void {
  for (const issued of sb.state.tokens.values()) issued.revoked = true;
}

export function registerTokenRoutes(router: Router, sb: SandboxContext): void {
  // Each call issues a new token; the previous one keeps working for the grace (WeChat: "新老
  // access_token 在 5 分钟内都可用"), so instances fetching independently knock each other out.
  wechatRoute(router, 'GET', '/cgi-bin/token', (ctx) => {
    if (queryParam(ctx, 'grant_type') !== 'client_credential') {
      sendWechatError(ctx, { errcode: 40002, errmsg: 'invalid grant_type' });
      return;
    }
    const appid = queryParam(ctx, 'appid');
    const refused = checkCredentials(sb, appid, queryParam(ctx, 'secret'));
    if (refused || appid === undefined) {
      sendWechatError(ctx, refused ?? { errcode: 41002, errmsg: 'appid missing' });
      return;
    }
    const previous = sb.state.latestToken.get(appid);
    const issued = issue(sb, appid, 'token');
    if (previous && previous.validUntil === null) previous.validUntil = issued.issuedAt + sb.options.tokenGraceMs;
    sb.state.latestToken.set(appid, issued);
    countTokenRequest(sb.state, appid, 'token');
    answerToken(ctx, sb, issued);
  });

  // Kept apart from /cgi-bin/token ("与 getAccessToken 获取的调用凭证完全隔离，互不影响").
  wechatRoute(router, 'POST', '/cgi-bin/stable_token', async (ctx) => {
    const body = await readJsonObject(ctx, sb.options.bodyLimitBytes);
    if (body === null) return;
    if (ownString(body, 'grant_type') !== 'client_credential') {
      sendWechatError(ctx, { errcode: 40002, errmsg: 'invalid grant_type' });
      return;
    }
    const forceRaw = Object.hasOwn(body, 'force_refresh') ? body.force_refresh : false;
    if (typeof forceRaw !== 'boolean') {
      sendWechatError(ctx, { errcode: 47001, errmsg: 'data format error: force_refresh must be a boolean' });
      return;
    }
    const appid = ownString(body, 'appid');
    const refused = checkCredentials(sb, appid, ownString(body, 'secret'));
    if (refused || appid === undefined) {
      sendWechatError(ctx, refused ?? { errcode: 41002, errmsg: 'appid missing' });
      return;
    }
    const now = sb.state.now();
    const current = sb.state.stableCurrent.get(appid);

    if (forceRaw) {
      let ration = sb.state.forceRations.get(appid);
      const today = beijingDay(now);
      if (!ration || ration.day !== today) {
        ration = { day: today, count: 0, lastAt: ration?.lastAt ?? null };
        sb.state.forceRations.set(appid, ration);
      }
      // "连续使用该模式时，请保证调用时间隔至少为30s，否则不会刷新": answered, not refused.
      if (current && ration.lastAt !== null && now - ration.lastAt < FORCE_REFRESH_INTERVAL_MS && now < current.expiresAt) {
        countTokenRequest(sb.state, appid, 'stableForceSkipped');
        answerToken(ctx, sb, current);
        return;
      }
      if (ration.count >= FORCE_REFRESH_DAILY_LIMIT) {
        countTokenRequest(sb.state, appid, 'stableForceRefused');
        sendWechatError(ctx, { errcode: 45009, errmsg: 'reach max api daily quota limit' });
        return;
      }
      ration.count += 1;
      ration.lastAt = now;
      // "会导致上次获取的 access_token 失效": no grace for the replaced token.
      if (current) current.revoked = true;
      const issued = issue(sb, appid, 'stable');
      sb.state.stableCurrent.set(appid, issued);
      countTokenRequest(sb.state, appid, 'stableForced');
      answerToken(ctx, sb, issued);
      return;
    }

    countTokenRequest(sb.state, appid, 'stable');
    // Normal mode answers the current token even when it has been revoked (control.expireTokens):
    // that is the situation force_refresh exists for, and what clients must get out of.
    if (current && now < current.expiresAt - STABLE_RENEW_BEFORE_MS) {
      answerToken(ctx, sb, current);
      return;
    }
    // In the last 5 minutes a new token is issued and the old one lives out its remaining time,
    // so an answer always has expires_in ≥ 300.
    const issued = issue(sb, appid, 'stable');
    sb.state.stableCurrent.set(appid, issued);
    answerToken(ctx, sb, issued);
  });
}
