import { readFollower } from '../../../server/src/db/followers';
import { countOaMessages } from '../../../server/src/db/testing';
import { startTestApp, type TestApp } from '../../helpers/testApp';
import { OA_ID, postPlain, readReply, safeEnvelope, safeQuery, sha1Sorted, textXml, wechatDecrypt, wechatEncrypt } from './wechatPush';

/**
 * spec/wechat.md, safe mode: msg_signature over the Encrypt text checked before decrypting, AES-256-CBC
 * with the EncodingAESKey, the AppID inside checked, the reply encrypted and signed the same way; and
 * with the key set, plain messages still answered in plain text (compatible mode).
 */
const ENCODING_AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const APPID = 'wxb11529c136998cb6';

describe('official account endpoint (safe mode)', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { WECHAT_OA_AES_KEY: ENCODING_AES_KEY, WECHAT_OA_APPID: APPID, WECHAT_OA_TOKEN: 'pamtest' } });
    token = t.config.wechat.oa.token;
    expect(token).toBe('pamtest');
  });
  afterAll(() => t.close());

  const handled = (): Promise<number> => t.db.read((tx) => countOaMessages(tx, {}));

  test('an encrypted message gets an encrypted, signed reply that decrypts to the answer', async () => {
    const encrypt = wechatEncrypt(ENCODING_AES_KEY, APPID, textXml('oa-safe', '联系'));
    const res = await postPlain(t, safeEnvelope(encrypt), safeQuery(token, encrypt));
    expect(res.status).toBe(200);
    const m =
      /^<xml><Encrypt><!\[CDATA\[([A-Za-z0-9+/=]+)\]\]><\/Encrypt><MsgSignature><!\[CDATA\[([0-9a-f]{40})\]\]><\/MsgSignature><TimeStamp>(\d+)<\/TimeStamp><Nonce><!\[CDATA\[([^\]]+)\]\]><\/Nonce><\/xml>$/.exec(
        res.text,
      );
    expect(m).not.toBeNull();
    const [, replyEncrypt, replySignature, replyTimestamp, replyNonce] = m!;
    expect(replySignature).toBe(sha1Sorted(token, replyTimestamp, replyNonce, replyEncrypt));
    const inner = wechatDecrypt(ENCODING_AES_KEY, replyEncrypt);
    expect(inner.appid).toBe(APPID);
    const reply = readReply(inner.xml);
    expect(reply.ToUserName).toBe('oa-safe');
    expect(reply.FromUserName).toBe(OA_ID);
    expect(reply.Content).toContain('市工信局信息化推进科');
    expect(reply.Content).toContain('0458-3878126');
  });

  test('Chinese text survives the round trip both ways, and the retry of an encrypted message is not handled twice', async () => {
    const xml = textXml('oa-safe-2', '自测', '90071992547409931');
    const first = wechatEncrypt(ENCODING_AES_KEY, APPID, xml);
    // WeChat's retry carries the same message, encrypted afresh.
    const second = wechatEncrypt(ENCODING_AES_KEY, APPID, xml);
    const a = await postPlain(t, safeEnvelope(first), safeQuery(token, first));
    const b = await postPlain(t, safeEnvelope(second), safeQuery(token, second));
    const contentOf = (text: string) =>
      readReply(wechatDecrypt(ENCODING_AES_KEY, /<Encrypt><!\[CDATA\[([^\]]+)\]\]>/.exec(text)![1]).xml).Content;
    expect(contentOf(a.text)).toContain('第1题');
    expect(contentOf(b.text)).toBe(contentOf(a.text));
    expect((await readFollower(t.db, 'oa-safe-2'))!.version).toBe(1);
  });

  test('a bad msg_signature: 401 before anything is decrypted', async () => {
    const before = await handled();
    const encrypt = wechatEncrypt(ENCODING_AES_KEY, APPID, textXml('oa-forger', '自测'));
    for (const query of [
      safeQuery(token, encrypt, { msg_signature: sha1Sorted('wrong-token', '1', '2', encrypt) }),
      safeQuery(token, `${encrypt.slice(0, -4)}AAAA`),
      safeQuery(token, encrypt, { msg_signature: '' }),
    ]) {
      const res = await postPlain(t, safeEnvelope(encrypt), query);
      expect(res.status).toBe(401);
    }
    // The plain `signature` alone does not let a safe-mode body in.
    const noMsgSignature = safeQuery(token, encrypt).replace(/&msg_signature=[0-9a-f]+/, '');
    expect((await postPlain(t, safeEnvelope(encrypt), noMsgSignature)).status).toBe(401);
    expect(await handled()).toBe(before);
  });

  test('a message for another AppID is refused, nothing processed', async () => {
    const before = await handled();
    const encrypt = wechatEncrypt(ENCODING_AES_KEY, 'wx0000000000000000', textXml('oa-elsewhere', '自测'));
    const res = await postPlain(t, safeEnvelope(encrypt), safeQuery(token, encrypt));
    expect(res.status).toBe(401);
    expect(await handled()).toBe(before);
  });

  test('signed but undecryptable, or malformed envelopes: 400, nothing processed', async () => {
    const before = await handled();
    const good = wechatEncrypt(ENCODING_AES_KEY, APPID, textXml('oa-broken', '帮助'));
    const bytes = Buffer.from(good, 'base64');
    bytes[bytes.length - 1] = bytes[bytes.length - 1] ^ 0xff; // wrecks the padding
    const tampered = bytes.toString('base64');
    const cases: [string, string][] = [
      ['tampered ciphertext', tampered],
      ['a length that is no whole block', Buffer.from('0123456789').toString('base64')],
      ['ciphertext of garbage XML', wechatEncrypt(ENCODING_AES_KEY, APPID, '<xml><Content>')],
      ['ciphertext of a DOCTYPE', wechatEncrypt(ENCODING_AES_KEY, APPID, '<!DOCTYPE x [<!ENTITY a "b">]><xml>&a;</xml>')],
    ];
    for (const [label, encrypt] of cases) {
      const res = await postPlain(t, safeEnvelope(encrypt), safeQuery(token, encrypt));
      expect([label, res.status]).toEqual([label, 400]);
    }
    // Two Encrypt elements: the signed one must be the one decrypted.
    const other = wechatEncrypt(ENCODING_AES_KEY, APPID, textXml('oa-broken', '自测'));
    const twice = `<xml><Encrypt><![CDATA[${good}]]></Encrypt><Encrypt><![CDATA[${other}]]></Encrypt></xml>`;
    expect((await postPlain(t, twice, safeQuery(token, good))).status).toBe(400);
    // No Encrypt at all, or hostile XML around a signed one.
    expect((await postPlain(t, '<xml><ToUserName>x</ToUserName></xml>', safeQuery(token, good))).status).toBe(400);
    const hostile = `<xml><__proto__><a>1</a></__proto__><Encrypt><![CDATA[${good}]]></Encrypt></xml>`;
    expect((await postPlain(t, hostile, safeQuery(token, good))).status).toBe(400);
    expect(await handled()).toBe(before);
  });

  test('with the key set, a plain message is still accepted and answered in plain text', async () => {
    const res = await postPlain(t, textXml('oa-plain', '材料'));
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('<Encrypt>');
    expect(readReply(res.text).Content).toContain('服务合同');
  });

  test('compatible mode (plain fields and Encrypt together): the encrypted message is the one answered, encrypted', async () => {
    const encrypt = wechatEncrypt(ENCODING_AES_KEY, APPID, textXml('oa-compat', '流程'));
    const body = `<xml><ToUserName><![CDATA[${OA_ID}]]></ToUserName><FromUserName><![CDATA[oa-compat]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[流程]]></Content><MsgId>77</MsgId><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
    const res = await postPlain(t, body, safeQuery(token, encrypt));
    expect(res.status).toBe(200);
    const inner = wechatDecrypt(ENCODING_AES_KEY, /<Encrypt><!\[CDATA\[([^\]]+)\]\]>/.exec(res.text)![1]);
    expect(readReply(inner.xml).Content).toContain('联合行文');
  });

  test('an event needing no answer is answered success (unencrypted, as WeChat accepts)', async () => {
    const encrypt = wechatEncrypt(
      ENCODING_AES_KEY,
      APPID,
      `<xml><ToUserName>${OA_ID}</ToUserName><FromUserName>oa-unsub</FromUserName><CreateTime>5</CreateTime><MsgType>event</MsgType><Event>unsubscribe</Event></xml>`,
    );
    const res = await postPlain(t, safeEnvelope(encrypt), safeQuery(token, encrypt));
    expect(res.status).toBe(200);
    expect(res.text).toBe('success');
  });
});
