import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFollower } from '../../../server/src/db/followers';
import { countOaMessages } from '../../../server/src/db/testing';
import { startTestApp, type TestApp } from '../../helpers/testApp';
import { OA_ID, eventXml, nextCreateTime, nextMsgId, postPlain, readReply, say, sha1Sorted, signedQuery, textXml } from './wechatPush';

/**
 * spec/wechat.md, "Official account endpoint", plain mode: the GET check, signatures, the body cap,
 * hostile XML, and messages handled once. Every refusal is a 4xx and leaves no trace in the tables.
 */
describe('official account endpoint (plain mode)', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp();
    token = t.config.wechat.oa.token;
  });
  afterAll(() => t.close());

  /** Messages and events handled (with these values): one row each, however often WeChat sent it. */
  const handled = (match: { openid?: string; dedupeKey?: string } = {}): Promise<number> => t.db.read((tx) => countOaMessages(tx, match));

  describe('GET: the server check', () => {
    test('a correct signature gets echostr back as plain text', async () => {
      const timestamp = '1409304348';
      const nonce = '1234567890';
      const res = await t.http
        .get('/wechat/official-account')
        .query({ signature: sha1Sorted(token, timestamp, nonce), timestamp, nonce, echostr: '5837397520573937511' });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toBe('5837397520573937511');
    });

    test.each([
      [
        'a wrong signature',
        (ts: string, n: string) => ({ signature: sha1Sorted('not-the-token', ts, n), timestamp: ts, nonce: n, echostr: '42' }),
      ],
      [
        'a signature over other values',
        (ts: string, n: string) => ({ signature: sha1Sorted(token, ts, n), timestamp: `${ts}1`, nonce: n, echostr: '42' }),
      ],
      ['no signature', (ts: string, n: string) => ({ timestamp: ts, nonce: n, echostr: '42' })],
      ['nothing at all', () => ({})],
      ['a signature that is not hex', (ts: string, n: string) => ({ signature: 'z'.repeat(40), timestamp: ts, nonce: n, echostr: '42' })],
    ])('%s: 401', async (_label, query) => {
      const res = await t.http.get('/wechat/official-account').query(query('1409304348', '99'));
      expect(res.status).toBe(401);
      expect(res.text).not.toContain('42');
      expect(res.body.error.code).toBe('unauthenticated');
    });

    test('a repeated signature parameter is not a signature', async () => {
      const sig = sha1Sorted(token, '1', '2');
      const res = await t.http.get(`/wechat/official-account?signature=${sig}&signature=${sig}&timestamp=1&nonce=2&echostr=3`);
      expect(res.status).toBe(401);
    });
  });

  describe('POST: signatures come first', () => {
    test('a signed text message gets a text reply addressed back to its sender', async () => {
      const res = await postPlain(t, textXml('oa-first', '联系'));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/xml/);
      const reply = readReply(res.text);
      expect(reply).toEqual({
        ToUserName: 'oa-first',
        FromUserName: OA_ID,
        CreateTime: expect.stringMatching(/^\d+$/),
        MsgType: 'text',
        Content: expect.stringContaining('0458-3878126'),
      });
      expect(res.text).toMatch(/^<xml><ToUserName><!\[CDATA\[oa-first\]\]><\/ToUserName><FromUserName>/);
    });

    test.each([
      ['no signature at all', '/wechat/official-account'],
      ['a wrong signature', `/wechat/official-account?signature=${'a'.repeat(40)}&timestamp=1&nonce=2`],
      ['a signature made with another token', `/wechat/official-account?signature=${sha1Sorted('other', '1', '2')}&timestamp=1&nonce=2`],
      ['a signature without its timestamp', `/wechat/official-account?signature=${sha1Sorted(token, '1', '2')}&nonce=2`],
    ])('%s: 401 and nothing processed', async (_label, path) => {
      const before = await handled();
      const res = await t.http.post(path).set('content-type', 'text/xml').send(textXml('oa-intruder', '自测'));
      expect(res.status).toBe(401);
      expect(await handled()).toBe(before);
      expect(await readFollower(t.db, 'oa-intruder')).toBeNull();
    });

    test('an unsigned body is refused before it is read: a 1 MB one gets 401, not 413', async () => {
      const res = await t.http
        .post('/wechat/official-account')
        .set('content-type', 'text/xml')
        .send(Buffer.alloc(1024 * 1024, 'a'));
      expect(res.status).toBe(401);
    });
  });

  describe('POST: bodies and XML', () => {
    const hostile: [string, string | Buffer][] = [
      ['malformed XML', '<xml><ToUserName>a</FromUserName></xml>'],
      ['an unclosed document', `<xml><ToUserName><![CDATA[${OA_ID}]]></ToUserName>`],
      ['not XML', 'hello wechat'],
      ['an empty body', ''],
      ['a root other than <xml>', `<message><FromUserName>oa-x</FromUserName></message>`],
      ['two roots', '<xml></xml><xml></xml>'],
      [
        'a DOCTYPE with entities (billion laughs)',
        `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><xml><ToUserName>${OA_ID}</ToUserName><FromUserName>oa-x</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&b;</Content><MsgId>1</MsgId></xml>`,
      ],
      [
        'an external entity',
        `<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><ToUserName>${OA_ID}</ToUserName><FromUserName>oa-x</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&xxe;</Content><MsgId>2</MsgId></xml>`,
      ],
      ['a comment', `<xml><!-- hi --><ToUserName>${OA_ID}</ToUserName></xml>`],
      [
        'a __proto__ element',
        `<xml><ToUserName>${OA_ID}</ToUserName><FromUserName>oa-x</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>帮助</Content><MsgId>3</MsgId><__proto__><polluted>yes</polluted></__proto__></xml>`,
      ],
      ['a constructor element', `<xml><constructor><prototype><polluted>yes</polluted></prototype></constructor></xml>`],
      [
        'a text message without Content',
        `<xml><ToUserName>${OA_ID}</ToUserName><FromUserName>oa-x</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><MsgId>4</MsgId></xml>`,
      ],
      [
        'Content given twice',
        `<xml><ToUserName>${OA_ID}</ToUserName><FromUserName>oa-x</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>帮助</Content><Content>政策</Content><MsgId>5</MsgId></xml>`,
      ],
      [
        'an openid with markup characters',
        `<xml><ToUserName>${OA_ID}</ToUserName><FromUserName><![CDATA[oa-x]]><x/>]]></FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>帮助</Content><MsgId>6</MsgId></xml>`,
      ],
      [
        'a MsgId that is not a number',
        `<xml><ToUserName>${OA_ID}</ToUserName><FromUserName>oa-x</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>帮助</Content><MsgId>1 OR 1=1</MsgId></xml>`,
      ],
      [
        'a CreateTime that is not a number',
        `<xml><ToUserName>${OA_ID}</ToUserName><FromUserName>oa-x</FromUserName><CreateTime>now</CreateTime><MsgType>text</MsgType><Content>帮助</Content><MsgId>7</MsgId></xml>`,
      ],
      ['deep nesting', `<xml>${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</xml>`],
      [
        'bytes that are not UTF-8',
        Buffer.concat([
          Buffer.from(
            `<xml><ToUserName>${OA_ID}</ToUserName><FromUserName>oa-x</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>`,
          ),
          Buffer.from([0xff, 0xfe, 0xc3]),
          Buffer.from('</Content><MsgId>8</MsgId></xml>'),
        ]),
      ],
    ];

    test.each(hostile)('%s: 400, nothing processed', async (_label, body) => {
      const before = await handled();
      const res = await postPlain(t, body);
      expect(res.status).toBe(400);
      expect(res.body.error).toEqual(expect.objectContaining({ code: 'invalid_input', message: expect.any(String) }));
      expect(await handled()).toBe(before);
      expect(await readFollower(t.db, 'oa-x')).toBeNull();
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    test('a body over 64 KiB: 413 (declared length)', async () => {
      const big = textXml('oa-big', '帮'.repeat(23_000));
      expect(Buffer.byteLength(big)).toBeGreaterThan(64 * 1024);
      const res = await postPlain(t, big);
      expect(res.status).toBe(413);
      expect(await handled({ openid: 'oa-big' })).toBe(0);
    });

    test('a body over 64 KiB sent in chunks without a length: 413 all the same', async () => {
      const address = t.server.address() as AddressInfo;
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(
          {
            host: '127.0.0.1',
            port: address.port,
            method: 'POST',
            path: signedQuery(token),
            headers: { 'content-type': 'text/xml', 'transfer-encoding': 'chunked' },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err)));
        for (let i = 0; i < 20; i++) req.write(Buffer.alloc(8 * 1024, 'x'));
        req.end();
      });
      expect(status).toBe(413);
      expect((await t.http.get('/healthz')).status).toBe(200);
    });

    test('a body just under 64 KiB is read (and answered)', async () => {
      // Fields the chatbot does not use are read past, whatever their size within the cap.
      const res = await postPlain(t, textXml('oa-large', '政策', nextMsgId(), `<MsgDataId>${'1'.repeat(60 * 1024)}</MsgDataId>`));
      expect(res.status).toBe(200);
      expect(readReply(res.text).Content).toContain('50%');
    });

    test('a JSON body is not a WeChat message: 415 (or 400 from the JSON parser), never 5xx', async () => {
      const res = await t.http
        .post(signedQuery(token))
        .set('content-type', 'application/json')
        .send({ xml: { Content: '帮助' } });
      expect(res.status).toBe(415);
      const broken = await t.http.post(signedQuery(token)).set('content-type', 'application/json').send('{"xml":');
      expect(broken.status).toBe(400);
    });

    test('a compressed body is refused', async () => {
      const res = await postPlain(t, textXml('oa-x', '帮助')).set('content-encoding', 'gzip');
      expect(res.status).toBe(415);
    });

    test('encrypt_type other than aes or raw: 400 once signed (401 before)', async () => {
      const res = await postPlain(t, textXml('oa-x', '帮助'), signedQuery(token, { encrypt_type: 'rot13' }));
      expect(res.status).toBe(400);
      const unsigned = await postPlain(t, textXml('oa-x', '帮助'), '/wechat/official-account?encrypt_type=rot13');
      expect(unsigned.status).toBe(401);
    });

    test('safe mode without an EncodingAESKey configured: signature first (401), then 400', async () => {
      const unsigned = await postPlain(
        t,
        `<xml><Encrypt><![CDATA[AAAA]]></Encrypt></xml>`,
        signedQuery(token, { encrypt_type: 'aes', msg_signature: 'b'.repeat(40) }),
      );
      expect(unsigned.status).toBe(401);
      const ts = '1';
      const nonce = '2';
      const signed = await t.http
        .post(
          `/wechat/official-account?timestamp=${ts}&nonce=${nonce}&encrypt_type=aes&msg_signature=${sha1Sorted(token, ts, nonce, 'AAAA')}`,
        )
        .set('content-type', 'text/xml')
        .send('<xml><Encrypt><![CDATA[AAAA]]></Encrypt></xml>');
      expect(signed.status).toBe(400);
    });
  });

  describe('a message is handled once', () => {
    test('a retried MsgId gets the same answer and changes nothing twice', async () => {
      const msgId = nextMsgId();
      const first = await say(t, 'oa-retry', '自测', msgId);
      const again = await say(t, 'oa-retry', '自测', msgId);
      expect(first).toContain('第1题');
      expect(again).toBe(first);
      const answerId = nextMsgId();
      const q2 = await say(t, 'oa-retry', '是', answerId);
      // Were the retry handled again, "是" would answer the credit-code question and be refused.
      expect(await say(t, 'oa-retry', '是', answerId)).toBe(q2);
      const follower = (await readFollower(t.db, 'oa-retry'))!;
      expect(Object.keys(JSON.parse(follower.flow!).answers)).toEqual(['registeredInYichun']);
      expect(follower.version).toBe(2);
      expect(await handled({ openid: 'oa-retry' })).toBe(2);
    });

    test('retries arriving together are handled once', async () => {
      await say(t, 'oa-race', '自测');
      const msgId = nextMsgId();
      const xml = textXml('oa-race', '是', msgId);
      const replies = await Promise.all([postPlain(t, xml), postPlain(t, xml), postPlain(t, xml)]);
      for (const r of replies) expect(r.status).toBe(200);
      expect(new Set(replies.map((r) => readReply(r.text).Content)).size).toBe(1);
      const follower = (await readFollower(t.db, 'oa-race'))!;
      expect(Object.keys(JSON.parse(follower.flow!).answers)).toHaveLength(1);
      expect(await handled({ dedupeKey: `msg:${msgId}` })).toBe(1);
    });

    test('an event is deduplicated by FromUserName + CreateTime', async () => {
      const createTime = nextCreateTime();
      const first = await postPlain(t, eventXml('oa-follow', 'subscribe', createTime));
      const again = await postPlain(t, eventXml('oa-follow', 'subscribe', createTime));
      expect(readReply(first.text).Content).toContain('欢迎关注');
      expect(readReply(again.text).Content).toBe(readReply(first.text).Content);
      expect((await readFollower(t.db, 'oa-follow'))!.version).toBe(1);
    });

    test("a MsgId seen from another sender never hands over that sender's answer", async () => {
      const msgId = nextMsgId();
      await say(t, 'oa-owner', '联系', msgId);
      expect(await say(t, 'oa-someone-else', '联系', msgId)).toBeNull();
    });

    test('events that need no answer are answered success and not recorded', async () => {
      const before = await handled();
      for (const event of ['VIEW', 'LOCATION', 'TEMPLATESENDJOBFINISH', 'SCAN']) {
        const res = await postPlain(
          t,
          eventXml('oa-quiet', event, nextCreateTime(), '<EventKey><![CDATA[https://example.com]]></EventKey>'),
        );
        expect([event, res.status, res.text]).toEqual([event, 200, 'success']);
      }
      expect(await handled()).toBe(before);
    });
  });

  test('nothing above produced a 5xx, and the server is still well', async () => {
    expect((await t.http.get('/healthz')).status).toBe(200);
  });
});
