import Koa from 'koa';
import request from 'supertest';
import pino from 'pino';
import { testConfig } from '../../helpers/db';
import { errorHandler } from '../../../server/src/http/errorHandler';
import type { AppState } from '../../../server/src/http/context';
import { Chatbot } from '../../../server/src/modules/officialAccount/chatbot';
import { closestTopic, parseCommand } from '../../../server/src/modules/officialAccount/commands';
import { OfficialAccountEndpoint } from '../../../server/src/http/officialAccountEndpoint';
import { extractEncrypt, fitReply, parseInboundMessage, textReplyXml } from '../../../server/src/wechat/officialAccount/messageXml';
import { BUSY, TRUNCATED_SUFFIX } from '../../../server/src/modules/officialAccount/texts';
import { WechatCipher, wechatSignature } from '../../../server/src/wechat/officialAccount/crypto';
import { readReply, sha1Sorted, signedQuery, textXml, wechatDecrypt, wechatEncrypt } from './wechatPush';

/** The parts on their own: the cipher against WeChat's layout, reply limits, command parsing, the 5-second answer. */

describe('the safe-mode cipher', () => {
  const key = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
  const cipher = new WechatCipher(key, 'wxb11529c136998cb6');

  test('WeChat’s sample signature: sha1 of the sorted parts', () => {
    expect(wechatSignature(['pamtest', '1409304348', 'xxxxxx'])).toBe(sha1Sorted('pamtest', '1409304348', 'xxxxxx'));
    expect(wechatSignature(['b', 'a', 'c'])).toBe('a9993e364706816aba3e25717850c26c9cd0d89d'); // sha1("abc")
  });

  test('decrypts what WeChat encrypts, and WeChat decrypts what it encrypts (lengths across the 32-byte padding)', () => {
    for (const length of [0, 1, 11, 12, 13, 31, 32, 33, 500]) {
      const xml = `<xml>${'中'.repeat(length)}</xml>`;
      expect(cipher.decrypt(wechatEncrypt(key, 'wxb11529c136998cb6', xml))).toBe(xml);
      expect(wechatDecrypt(key, cipher.encrypt(xml))).toEqual({ xml, appid: 'wxb11529c136998cb6' });
      expect(Buffer.from(cipher.encrypt(xml), 'base64').length % 32).toBe(0);
    }
  });

  test('refuses another appid, bad padding, and non-base64, and never throws anything else', () => {
    expect(() => cipher.decrypt(wechatEncrypt(key, 'wxother', '<xml/>'))).toThrow(expect.objectContaining({ reason: 'appid' }));
    for (const bad of ['', '!!!!', 'AAAA', Buffer.alloc(32).toString('base64'), Buffer.alloc(48, 7).toString('base64')]) {
      expect(() => cipher.decrypt(bad)).toThrow(expect.objectContaining({ name: 'CipherRefusal' }));
    }
  });

  test('the Encrypt text is found before parsing, CDATA or not, and only as base64', () => {
    expect(extractEncrypt('<xml><Encrypt><![CDATA[ab+/=]]></Encrypt></xml>')).toBe('ab+/=');
    expect(extractEncrypt('<xml><Encrypt>abc=</Encrypt></xml>')).toBe('abc=');
    expect(extractEncrypt('<xml><Encrypt><![CDATA[a b]]></Encrypt></xml>')).toBeNull();
    expect(extractEncrypt(`<xml><Encrypt>${'<'.repeat(60_000)}</xml>`)).toBeNull();
  });
});

describe('replies', () => {
  test('at most 2048 bytes of UTF-8, cut at a character and said so', () => {
    expect(fitReply('短')).toBe('短');
    for (const text of ['中'.repeat(3000), 'a'.repeat(5000), '😀'.repeat(1000), `${'第一行\n'.repeat(300)}`]) {
      const fitted = fitReply(text);
      expect(Buffer.byteLength(fitted)).toBeLessThanOrEqual(2048);
      expect(fitted.endsWith(TRUNCATED_SUFFIX)).toBe(true);
      expect(fitted).not.toMatch(/\uFFFD/);
      expect(fitted.slice(0, -TRUNCATED_SUFFIX.length)).toBe(text.slice(0, fitted.length - TRUNCATED_SUFFIX.length));
    }
  });

  test('characters XML cannot carry are dropped; "]]>" cannot end the CDATA early', () => {
    const xml = textReplyXml({ toUser: 'gh', fromUser: 'oa' }, 'a\u0000b\u0008c]]>d\ud800e', 1);
    expect(xml).toContain('<Content><![CDATA[abc]]]]><![CDATA[>de]]></Content>');
    expect(parseInboundMessage(xml.replace('<MsgType><![CDATA[text]]></MsgType>', '<MsgType>text</MsgType><MsgId>1</MsgId>')).content).toBe(
      'abc]]>de',
    );
  });
});

describe('commands', () => {
  test('command words, 绑定 with its code, nothing from the prototype', () => {
    expect(parseCommand('政策')).toEqual({ kind: 'topic', topic: 'policy' });
    expect(parseCommand('help')).toEqual({ kind: 'help' });
    expect(parseCommand('绑定 1234 5678')).toEqual({ kind: 'bind', code: '12345678' });
    expect(parseCommand('绑定：12345678')).toEqual({ kind: 'bind', code: '12345678' });
    expect(parseCommand('__proto__')).toBeNull();
    expect(parseCommand('constructor')).toBeNull();
    expect(parseCommand('toString')).toBeNull();
  });

  test.each([
    ['补贴多少', 'policy'],
    ['最高能补多少钱', 'policy'],
    ['需要什么材料', 'materials'],
    ['要交营业执照吗', 'materials'],
    ['电话', 'contact'],
    ['申请补贴需要什么条件', 'conditions'],
    ['成立不到一年能申请吗', 'conditions'],
    ['怎么申请补助', 'process'],
    ['什么时候到账', 'process'],
    ['云服务商怎么备案', 'filing'],
    ['我的申请到哪一步了', 'progress'],
    ['测一测', 'selfCheck'],
  ])('“%s” → %s', (text, target) => {
    expect(closestTopic(text)).toBe(target);
  });

  test('nothing in common: no topic', () => {
    expect(closestTopic('你好')).toBeNull();
    expect(closestTopic('')).toBeNull();
  });
});

describe('the 5-second answer', () => {
  const config = testConfig();
  const logger = pino({ level: 'silent' });

  function appWith(chatbot: Pick<Chatbot, 'handle'>) {
    const app = new Koa<AppState>();
    app.use(errorHandler(logger));
    const endpoint = new OfficialAccountEndpoint(config, chatbot as Chatbot, logger, Date.now);
    app.use(async (ctx) => {
      await endpoint.receive(ctx);
    });
    return request(app.callback());
  }

  test('a chatbot that never answers: a short "try again" by 4.5 s, not WeChat’s timeout', async () => {
    const http = appWith({ handle: () => new Promise<string | null>(() => undefined) });
    const started = Date.now();
    const res = await http.post(signedQuery(config.wechat.oa.token)).set('content-type', 'text/xml').send(textXml('oa-slow', '进度'));
    expect(res.status).toBe(200);
    expect(readReply(res.text).Content).toBe(BUSY);
    expect(Date.now() - started).toBeLessThan(5000);
  }, 10_000);

  test('a failing chatbot (the database is down): the same short answer, never a 500', async () => {
    const http = appWith({ handle: () => Promise.reject(new Error('connect ECONNREFUSED')) });
    const res = await http.post(signedQuery(config.wechat.oa.token)).set('content-type', 'text/xml').send(textXml('oa-down', '进度'));
    expect(res.status).toBe(200);
    expect(readReply(res.text).Content).toBe(BUSY);
  });
});
