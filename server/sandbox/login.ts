/** Mini-program login: GET /sns/jscode2session (code2Session). */
import { randomBytes } from 'node:crypto';
import type { Router } from '@koa/router';
import { queryParam, sendJson, sendWechatError, wechatRoute } from './http';
import type { SandboxContext } from './state';
import { checkCredentials } from './token';

/**
 * `sandbox:<name>` stands for the code wx.login would give user <name> (spec/wechat.md). Unlike
 * WeChat's codes (single use, 5 minutes) these may be used again: outside checks log in twice
 * with the same code.
 */
const SANDBOX_CODE = /^sandbox:([A-Za-z0-9_.-]{1,64})$/;

/**
 * One-time codes as WeChat's are (`control.loginCode(name)`): a code works once, for 5 minutes;
 * used again it is 40163 "code been used", once expired 40029 "invalid code"
 * (https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-login/code2Session.html).
 */
export const LOGIN_CODE_TTL_MS = 5 * 60_000;

export function issueLoginCode(sb: SandboxContext, name: string): string {
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) throw new RangeError('name: 1–64 of [A-Za-z0-9_.-]');
  const code = randomBytes(24).toString('base64url');
  sb.state.loginCodes.set(code, { name, issuedAt: sb.state.now(), used: false });
  // A long-running sandbox keeps the newest codes only (Maps iterate oldest first).
  for (const oldest of sb.state.loginCodes.keys()) {
    if (sb.state.loginCodes.size <= sb.options.maxRecorded) break;
    sb.state.loginCodes.delete(oldest);
  }
  return code;
}

export function registerLoginRoutes(router: Router, sb: SandboxContext): void {
  wechatRoute(router, 'GET', '/sns/jscode2session', (ctx) => {
    const appid = queryParam(ctx, 'appid');
    const refused = checkCredentials(sb, appid, queryParam(ctx, 'secret'));
    if (refused) {
      sendWechatError(ctx, refused);
      return;
    }
    if (queryParam(ctx, 'grant_type') !== 'authorization_code') {
      sendWechatError(ctx, { errcode: 40002, errmsg: 'invalid grant_type' });
      return;
    }
    const code = queryParam(ctx, 'js_code');
    if (!code) {
      sendWechatError(ctx, { errcode: 41008, errmsg: 'missing code' });
      return;
    }
    const oneTime = sb.state.loginCodes.get(code);
    if (oneTime) {
      if (oneTime.used) {
        sendWechatError(ctx, { errcode: 40163, errmsg: 'code been used' });
        return;
      }
      if (sb.state.now() - oneTime.issuedAt > LOGIN_CODE_TTL_MS) {
        sendWechatError(ctx, { errcode: 40029, errmsg: 'invalid code' });
        return;
      }
      oneTime.used = true;
    }
    const match = oneTime ? null : SANDBOX_CODE.exec(code);
    if (!oneTime && !match) {
      sendWechatError(ctx, { errcode: 40029, errmsg: 'invalid code' });
      return;
    }
    const name = oneTime ? oneTime.name : (match?.[1] ?? '');
    sendJson(ctx, {
      openid: `mp-${name}`,
      unionid: `union-${name}`,
      session_key: randomBytes(16).toString('base64'),
    });
  });
}
