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
    const match = SANDBOX_CODE.exec(code);
    if (!match) {
      sendWechatError(ctx, { errcode: 40029, errmsg: 'invalid code' });
      return;
    }
    const name = match[1] ?? '';
    sendJson(ctx, {
      openid: `mp-${name}`,
      unionid: `union-${name}`,
      session_key: randomBytes(16).toString('base64'),
    });
  });
}
