import type { AddressInfo } from 'node:net';
import { help } from '../../../server/src/modules/officialAccount/texts';
import { textMessageXml } from '../../../server/sandbox';
import { startTestApp, type TestApp } from '../../helpers/testApp';

/**
 * The sandbox plays WeChat's push to the official account's endpoint — signed, and in safe mode
 * encrypted — with its own code (server/sandbox/officialAccount.ts), in-process and over HTTP.
 */
const ENCODING_AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
const APPID = 'wx5823bf96d3bd56c7';

describe('the sandbox pushes official-account messages', () => {
  let t: TestApp;
  let url: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { WECHAT_OA_AES_KEY: ENCODING_AES_KEY, WECHAT_OA_APPID: APPID, WECHAT_OA_TOKEN: 'QDG6eK' } });
    url = `http://127.0.0.1:${(t.server.address() as AddressInfo).port}/wechat/official-account`;
  });
  afterAll(() => t.close());

  test('plain mode: signed, answered in plain text', async () => {
    const r = await t.sandbox.control.oa.push({ url, token: 'QDG6eK', xml: textMessageXml('oa-sandbox-plain', '帮助') });
    expect(r.status).toBe(200);
    expect(r.replyVerified).toBeNull();
    expect(r.reply).toContain('<ToUserName><![CDATA[oa-sandbox-plain]]></ToUserName>');
    expect(r.reply).toContain(help().split('\n')[0]);
  });

  test('safe mode: encrypted and signed, the encrypted reply verified and read back', async () => {
    const r = await t.sandbox.control.oa.push({
      url,
      token: 'QDG6eK',
      xml: textMessageXml('oa-sandbox-safe', '帮助'),
      encodingAesKey: ENCODING_AES_KEY,
      appid: APPID,
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatch(/^<xml><Encrypt>/);
    expect(r.replyVerified).toBe(true);
    expect(r.reply).toContain('<ToUserName><![CDATA[oa-sandbox-safe]]></ToUserName>');
  });

  test('with the wrong token the server refuses it (401), as it would a forgery', async () => {
    const r = await t.sandbox.control.oa.push({ url, token: 'wrongtoken', xml: textMessageXml('oa-sandbox-forged', '帮助') });
    expect(r.status).toBe(401);
    expect(r.reply).toBeNull();
  });

  test('over HTTP: POST /__sandbox/oa/push with a text, or a 400 naming what is missing', async () => {
    const res = await fetch(`${t.sandbox.baseUrl}__sandbox/oa/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        url,
        token: 'QDG6eK',
        from: 'oa-sandbox-http',
        content: '帮助',
        encodingAesKey: ENCODING_AES_KEY,
        appid: APPID,
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; result: { status: number; replyVerified: boolean; reply: string } };
    expect(body.ok).toBe(true);
    expect(body.result).toMatchObject({ status: 200, replyVerified: true });
    expect(body.result.reply).toContain('oa-sandbox-http');

    const bad = await fetch(`${t.sandbox.baseUrl}__sandbox/oa/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url, token: 'QDG6eK' }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('xml or content');
  });
});
