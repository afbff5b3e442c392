import fs from 'node:fs';
import path from 'node:path';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import Koa from 'koa';
import pino from 'pino';
import request from 'supertest';
import { errorHandler } from '../../../server/src/http/errorHandler';
import type { AppState } from '../../../server/src/http/context';
import type { Chatbot } from '../../../server/src/modules/officialAccount/chatbot';
import { OfficialAccountEndpoint } from '../../../server/src/http/officialAccountEndpoint';
import { CipherRefusal, WechatCipher, signatureMatches, wechatSignature } from '../../../server/src/wechat/officialAccount/crypto';
import { PaymentCallbacks } from '../../../server/src/modules/payments/callbacks';
import type { PaymentDeps, PaymentService } from '../../../server/src/modules/payments/service';
import {
  AeadError,
  decryptAeadAes256Gcm,
  platformPublicKey,
  responseMessage,
  signSha256Rsa,
  verifySha256Rsa,
} from '../../../server/src/wechat/pay/crypto';
import { openMessage, pushSignature, sealMessage } from '../../../server/sandbox/officialAccount';
import { rsaSha256Check, rsaSha256Sign, sealResource, signingString } from '../../../server/sandbox/payWire';
import { testConfig } from '../../helpers/db';

/**
 * The product's verifiers and decryptors against answers known from outside this repository: vectors
 * published by Tencent (WeChat's and WeChat Pay's documentation and official SDKs), and — where no
 * official vector exists — ones made by independent implementations (the OpenSSL CLI, Python's
 * `cryptography`; test/fixtures/wechatVectors/make-pay-vectors.sh), never by the code under test. The
 * sandbox, which signs what the product verifies, is held to the same vectors with its own code, so a
 * shared mistake cannot hide behind agreement between the two.
 */

const VECTORS = path.join(__dirname, '../../fixtures/wechatVectors');
const fixture = (name: string): string => fs.readFileSync(path.join(VECTORS, name), 'utf8');

// ---- the official account: 消息加解密 ------------------------------------------------------------------

/**
 * Tencent's WXBizMsgCrypt sample (the official 加解密示例代码 https://wximg.gtimg.com/shake_tv/mpwiki/cryptoDemo.zip,
 * Java/src/com/qq/weixin/mp/aes/WXBizMsgCryptTest.java — testAesEncrypt and testAesEncrypt2), linked from
 * 消息加解密说明 https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Message_encryption_and_decryption_instructions.html:
 * with the 16 "random" bytes fixed, the ciphertext is determined.
 */
const MP_SAMPLE = {
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  token: 'pamtest',
  timestamp: '1409304348',
  nonce: 'xxxxxx',
  appid: 'wxb11529c136998cb6',
  random: 'aaaabbbbccccdddd',
  replyMsg: '我是中文abcd123',
  afterAesEncrypt: 'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==',
  replyMsg2:
    '<xml><ToUserName><![CDATA[oia2Tj我是中文jewbmiOUlr6X-1crbLOvLw]]></ToUserName><FromUserName><![CDATA[gh_7f083739789a]]></FromUserName><CreateTime>1407743423</CreateTime><MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[eYJ1MbwPRJtOvIEabaxHs7TX2D-HV71s79GUxqdUkjm6Gs2Ed1KF3ulAOA9H1xG0]]></MediaId><Title><![CDATA[testCallBackReplyVideo]]></Title><Description><![CDATA[testCallBackReplyVideo]]></Description></Video></xml>',
  afterAesEncrypt2:
    'jn1L23DB+6ELqJ+6bruv23M2GmYfkv0xBh2h+XTBOKVKcgDFHle6gqcZ1cZrk3e1qjPQ1F4RsLWzQRG9udbKWesxlkupqcEcW7ZQweImX9+wLMa0GaUzpkycA8+IamDBxn5loLgZpnS7fVAbExOkK5DYHBmv5tptA9tklE/fTIILHR8HLXa5nQvFb3tYPKAlHF3rtTeayNf0QuM+UW/wM9enGIDIJHF7CLHiDNAYxr+r+OrJCmPQyTy8cVWlu9iSvOHPT/77bZqJucQHQ04sq7KZI27OcqpQNSto2OdHCoTccjggX5Z9Mma0nMJBU+jLKJ38YB1fBIz+vBzsYjrTmFQ44YfeEuZ+xRTQwr92vhA9OxchWVINGC50qE/6lmkwWTwGX9wtQpsJKhP+oS7rvTY8+VdzETdfakjkwQ5/Xka042OlUb1/slTwo4RscuQ+RdxSGvDahxAJ6+EAjLt9d8igHngxIbf6YyqqROxuxqIeIch3CssH/LqRs+iAcILvApYZckqmA7FNERspKA5f8GoJ9sv8xmGvZ9Yrf57cExWtnX8aCMMaBropU/1k+hKP5LVdzbWCG0hGwx/dQudYR/eXp3P0XxjlFiy+9DMlaFExWUZQDajPkdPrEeOwofJb',
};

/**
 * The same scheme's worked example with a real msg_signature: Tencent's WXBizMsgCrypt sample (Sample.php
 * "使用示例一：验证回调URL" and "使用示例二：对用户回复的消息解密" of the 企业微信 加解密库,
 * https://developer.work.weixin.qq.com/document/path/96211; the official account's safe mode is the
 * same sha1 and AES-CBC layout, the appid in the receiveid's place).
 */
const WXBIZ_SAMPLE = {
  token: 'QDG6eK',
  encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
  appid: 'wx5823bf96d3bd56c7',
  verifyUrl: {
    msgSignature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3',
    timestamp: '1409659589',
    nonce: '263014780',
    echostr: 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==',
  },
  message: {
    msgSignature: '477715d11cdb4164915debcba66cb864d751f3e6',
    timestamp: '1409659813',
    nonce: '1372623149',
    encrypt:
      'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==',
  },
};

/**
 * The plain URL check (接入指南, https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Access_Overview.html:
 * sha1 of token, timestamp and nonce sorted and joined) has no worked example in WeChat's documentation.
 * This one is the OpenSSL CLI's, over the WXBizMsgCrypt sample's token, timestamp and nonce:
 *   printf '%s\n' pamtest 1409304348 xxxxxx | LC_ALL=C sort | tr -d '\n' | openssl sha1
 */
const URL_CHECK_BY_OPENSSL = '76480565cbe296026c53aaacd1ad523a1ddba24f';

describe('official account: the product against Tencent’s vectors', () => {
  test('URL signature: sha1 of the sorted token, timestamp and nonce (OpenSSL’s answer; no official example exists)', () => {
    expect(wechatSignature([MP_SAMPLE.token, MP_SAMPLE.timestamp, MP_SAMPLE.nonce])).toBe(URL_CHECK_BY_OPENSSL);
    expect(signatureMatches(wechatSignature([MP_SAMPLE.token, MP_SAMPLE.timestamp, MP_SAMPLE.nonce]), URL_CHECK_BY_OPENSSL)).toBe(true);
    expect(signatureMatches(wechatSignature([MP_SAMPLE.token, MP_SAMPLE.timestamp, '1']), URL_CHECK_BY_OPENSSL)).toBe(false);
  });

  test('msg_signature: the sample’s URL check and message signatures', () => {
    const { token, verifyUrl, message } = WXBIZ_SAMPLE;
    expect(wechatSignature([token, verifyUrl.timestamp, verifyUrl.nonce, verifyUrl.echostr])).toBe(verifyUrl.msgSignature);
    expect(wechatSignature([token, message.timestamp, message.nonce, message.encrypt])).toBe(message.msgSignature);
    expect(signatureMatches(wechatSignature([token, message.timestamp, message.nonce, message.encrypt]), message.msgSignature)).toBe(true);
    // One character of the Encrypt text changed: another signature.
    expect(wechatSignature([token, message.timestamp, message.nonce, `S${message.encrypt.slice(1)}`])).not.toBe(message.msgSignature);
  });

  test('AES-CBC decryption of the sample’s Encrypt texts, with the appid inside checked', () => {
    const cipher = new WechatCipher(WXBIZ_SAMPLE.encodingAesKey, WXBIZ_SAMPLE.appid);
    const xml = cipher.decrypt(WXBIZ_SAMPLE.message.encrypt);
    expect(xml).toContain('<ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>');
    expect(xml).toContain('<FromUserName><![CDATA[mycreate]]></FromUserName>');
    expect(xml).toContain('<CreateTime>1409659813</CreateTime>');
    expect(xml).toContain('<Content><![CDATA[hello]]></Content>');
    expect(xml).toContain('<MsgId>4561255354251345929</MsgId>');
    expect(cipher.decrypt(WXBIZ_SAMPLE.verifyUrl.echostr)).toBe('1616140317555161061');
    // The same message addressed to us under another appid is not ours.
    expect(() => new WechatCipher(WXBIZ_SAMPLE.encodingAesKey, 'wxb11529c136998cb6').decrypt(WXBIZ_SAMPLE.message.encrypt)).toThrow(
      new CipherRefusal('appid'),
    );
    // A flipped byte in the last block breaks the padding or the appid: refused, never garbage.
    const raw = Buffer.from(WXBIZ_SAMPLE.message.encrypt, 'base64');
    raw[raw.length - 1] ^= 1;
    expect(() => cipher.decrypt(raw.toString('base64'))).toThrow(CipherRefusal);
  });

  test('AES-CBC encryption (the encrypted reply) gives the sample’s ciphertexts byte for byte, and reads them back', () => {
    const cipher = new WechatCipher(MP_SAMPLE.encodingAesKey, MP_SAMPLE.appid);
    expect(cipher.encrypt(MP_SAMPLE.replyMsg, Buffer.from(MP_SAMPLE.random))).toBe(MP_SAMPLE.afterAesEncrypt);
    expect(cipher.encrypt(MP_SAMPLE.replyMsg2, Buffer.from(MP_SAMPLE.random))).toBe(MP_SAMPLE.afterAesEncrypt2);
    expect(cipher.decrypt(MP_SAMPLE.afterAesEncrypt)).toBe(MP_SAMPLE.replyMsg);
    expect(cipher.decrypt(MP_SAMPLE.afterAesEncrypt2)).toBe(MP_SAMPLE.replyMsg2);
  });

  describe('the endpoint, configured as the samples are', () => {
    const logger = pino({ level: 'silent' });
    function endpointFor(env: Record<string, string>) {
      const config = testConfig(env);
      const app = new Koa<AppState>();
      app.use(errorHandler(logger));
      // An echoing chatbot: what is under test is the envelope, not the answers.
      const chatbot = { handle: (msg: { content?: string | null }) => Promise.resolve(`收到：${msg.content ?? ''}`) } as unknown as Chatbot;
      const endpoint = new OfficialAccountEndpoint(config, chatbot, logger, () => 1_409_659_900_000);
      app.use(async (ctx) => {
        if (ctx.method === 'GET') endpoint.verify(ctx);
        else await endpoint.receive(ctx);
      });
      return request(app.callback());
    }

    test('GET: answers echostr for the OpenSSL-made URL signature, 401 for anything else', async () => {
      const http = endpointFor({ WECHAT_OA_TOKEN: MP_SAMPLE.token });
      const q = (signature: string) =>
        `/?signature=${signature}&timestamp=${MP_SAMPLE.timestamp}&nonce=${MP_SAMPLE.nonce}&echostr=5837397520665436492`;
      const ok = await http.get(q(URL_CHECK_BY_OPENSSL));
      expect(ok.status).toBe(200);
      expect(ok.text).toBe('5837397520665436492');
      expect((await http.get(q(URL_CHECK_BY_OPENSSL.replace(/^7/, '8')))).status).toBe(401);
    });

    test('POST, safe mode: the sample’s message is taken, and the encrypted reply is signed as WeChat checks it', async () => {
      const { token, encodingAesKey, appid, message } = WXBIZ_SAMPLE;
      const http = endpointFor({ WECHAT_OA_TOKEN: token, WECHAT_OA_AES_KEY: encodingAesKey, WECHAT_OA_APPID: appid });
      const envelope = `<xml><ToUserName><![CDATA[${appid}]]></ToUserName><Encrypt><![CDATA[${message.encrypt}]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>`;
      const query = (msgSignature: string) =>
        `/?signature=${wechatSignature([token, message.timestamp, message.nonce])}&timestamp=${message.timestamp}&nonce=${message.nonce}&encrypt_type=aes&msg_signature=${msgSignature}`;
      const res = await http.post(query(message.msgSignature)).set('content-type', 'text/xml').send(envelope);
      expect(res.status).toBe(200);
      // Read back with the sandbox's own code (not the product's): signature first, then the envelope.
      const encrypt = /<Encrypt><!\[CDATA\[([^\]]+)\]\]><\/Encrypt>/.exec(res.text)?.[1] ?? '';
      const stamp = /<TimeStamp>(?:<!\[CDATA\[)?(\d+)/.exec(res.text)?.[1] ?? '';
      const nonce = /<Nonce><!\[CDATA\[([^\]]+)\]\]><\/Nonce>/.exec(res.text)?.[1] ?? '';
      const signature = /<MsgSignature><!\[CDATA\[([0-9a-f]+)\]\]><\/MsgSignature>/.exec(res.text)?.[1] ?? '';
      expect(signature).toBe(pushSignature(token, stamp, nonce, encrypt));
      const reply = openMessage(encodingAesKey, encrypt);
      expect(reply.appid).toBe(appid);
      expect(reply.xml).toContain('<ToUserName><![CDATA[mycreate]]></ToUserName>');
      expect(reply.xml).toContain('收到：hello');

      const forged = await http
        .post(query(message.msgSignature.replace(/^4/, '5')))
        .set('content-type', 'text/xml')
        .send(envelope);
      expect(forged.status).toBe(401);
    });
  });
});

describe('official account: the sandbox’s own code against the same vectors', () => {
  test('signatures and AES-CBC', () => {
    const { token, verifyUrl, message } = WXBIZ_SAMPLE;
    expect(pushSignature(MP_SAMPLE.token, MP_SAMPLE.timestamp, MP_SAMPLE.nonce)).toBe(URL_CHECK_BY_OPENSSL);
    expect(pushSignature(token, verifyUrl.timestamp, verifyUrl.nonce, verifyUrl.echostr)).toBe(verifyUrl.msgSignature);
    expect(pushSignature(token, message.timestamp, message.nonce, message.encrypt)).toBe(message.msgSignature);
    expect(sealMessage(MP_SAMPLE.encodingAesKey, MP_SAMPLE.appid, MP_SAMPLE.replyMsg, Buffer.from(MP_SAMPLE.random))).toBe(
      MP_SAMPLE.afterAesEncrypt,
    );
    expect(sealMessage(MP_SAMPLE.encodingAesKey, MP_SAMPLE.appid, MP_SAMPLE.replyMsg2, Buffer.from(MP_SAMPLE.random))).toBe(
      MP_SAMPLE.afterAesEncrypt2,
    );
    expect(openMessage(WXBIZ_SAMPLE.encodingAesKey, message.encrypt).xml).toContain('<Content><![CDATA[hello]]></Content>');
    expect(openMessage(WXBIZ_SAMPLE.encodingAesKey, verifyUrl.echostr)).toEqual({ xml: '1616140317555161061', appid: WXBIZ_SAMPLE.appid });
  });
});

// ---- WeChat Pay APIv3 -----------------------------------------------------------------------------

/**
 * WeChat Pay's official Java SDK (github.com/wechatpay-apiv3/wechatpay-java):
 * core/src/test/java/com/wechat/pay/java/core/cipher/AeadAesCipherTest.java and model/TestConfig.java
 * (API_V3_KEY, DOWNLOAD_CERTIFICATE_RESPONSE) — AEAD_AES_256_GCM as 证书和回调报文解密 describes it
 * (https://pay.weixin.qq.com/wiki/doc/apiv3/wechatpay/wechatpay4_2.shtml).
 */
const JAVA_SDK = {
  apiV3Key: 'a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb',
  message: {
    plaintext: 'message',
    associatedData: 'associatedData',
    nonce: 'uluk4a9R25RW',
    ciphertext: 'ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=',
  },
  certificate: {
    associatedData: 'certificate',
    nonce: '14b16c03dc1b',
    ciphertext: fixture('wechatpay-java-certificate-ciphertext.txt').trim(),
    serial: '5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC',
  },
  /** RSAVerifierTest.java: "message" signed with the key of merchant_certificate.pem (serial 5F1C72E2…). */
  rsa: {
    message: 'message',
    signature:
      'Rq+5ZpWV6IHTWE1+9gCrYJKguNgbItpMdlIA+PVCPCdUAKNlohZz7CL7Y8xWDIFJjdGnErMj6Z+Q/h9CF5MV+nAVkqDmBR0uP5ppsUEzco4ijvKHsvI2ro4boSW6vSfQs3W8I4QSI9a0/NFIgvj83Fv27LIYZf7deaFWmEwd1fpAeJRCyoKyBeJPdsjVx0//Lqe6Wze2zVdliLcBvaHCfpd8+rAVGS+FQDeWgHqJ7n/Zy09LmV1/ghs7pO1mdjdD16SHKlysAD3K5hNGUJX/SHrEXEcu1yO1AOb/YvOVkjNh8243rcfXNE5L4ph2XS11vS+2aToKYSOcKUagf0LLaw==',
    certificatePem: fixture('wechatpay-java-merchant-cert.pem'),
    otherPublicKeyPem: fixture('wechatpay-java-platform-public-key.pem'),
  },
};

/**
 * WeChat Pay's official Go SDK (github.com/wechatpay-apiv3/wechatpay-go): utils/sign_test.go (the
 * private key, stored as "TESTING KEY", and SHA256-with-RSA of "source") and
 * core/auth/verifiers/sha256withrsa_verifier_test.go (the platform certificate F5765756002FDD77 that
 * verifies it) — the signature scheme of 签名验证 (https://pay.weixin.qq.com/wiki/doc/apiv3/wechatpay/wechatpay4_1.shtml).
 */
const GO_SDK = {
  privateKeyPem: fixture('wechatpay-go-testing-key.pem').replace(/TESTING KEY/g, 'PRIVATE KEY'),
  certificatePem: fixture('wechatpay-go-testing-cert.pem'),
  serial: 'F5765756002FDD77',
  message: 'source',
  signature:
    'BKyAfU4iMCuvXMXS0Wzam3V/cnxZ+JaqigPM5OhljS2iOT95OO6Fsuml2JkFANJU9K6q9bLlDhPXuoVz+pp4hAm6pHU4ld815U4jsKu1RkyaII+1CYBUYC8TK0XtJ8FwUXXz8vZHh58rrAVN1XwNyvD1vfpxrMT4SL536GLwvpUHlCqIMzoZUguLli/K8V29QiOhuH6IEqLNJn8e9b3nwNcQ7be3CzYGpDAKBfDGPCqCv8Rw5zndhlffk2FEA70G4hvMwe51qMN/RAJbknXG23bSlObuTCN7Ndj1aJGH6/L+hdwfLpUtJm4QYVazzW7DFD27EpSQEqA8bX9+8m1rLg==',
};

/**
 * WeChat Pay publishes no signed answer or callback with its keys: these are signed by the OpenSSL CLI
 * (Go SDK test key) over `timestamp\nnonce\nbody\n` and encrypted by Python's `cryptography`
 * (make-pay-vectors.sh in the same folder), with the field values of the documentation's examples.
 */
const MADE: {
  serial: string;
  apiV3Key: string;
  timestamp: string;
  nonce: string;
  callback: { body: string; signature: string; plaintext: string };
  callbackWithTamperedTag: { body: string; signature: string };
  emptyAnswer: { body: string; signature: string };
} = JSON.parse(fixture('pay-vectors.json'));

function flipLastByte(base64: string): string {
  const raw = Buffer.from(base64, 'base64');
  raw[raw.length - 1] ^= 1;
  return raw.toString('base64');
}

describe('WeChat Pay: the product against the official SDKs’ vectors', () => {
  test('AEAD_AES_256_GCM decrypts the Java SDK’s ciphertexts; a wrong tag, byte, nonce, associated data or key is refused', () => {
    const { apiV3Key, message, certificate } = JAVA_SDK;
    expect(decryptAeadAes256Gcm(apiV3Key, message.ciphertext, message.associatedData, message.nonce)).toBe(message.plaintext);
    // The tag is the last 16 bytes: one bit of it flipped, and nothing comes out.
    expect(() => decryptAeadAes256Gcm(apiV3Key, flipLastByte(message.ciphertext), message.associatedData, message.nonce)).toThrow(
      AeadError,
    );
    const firstByteFlipped = Buffer.from(message.ciphertext, 'base64');
    firstByteFlipped[0] ^= 1;
    expect(() => decryptAeadAes256Gcm(apiV3Key, firstByteFlipped.toString('base64'), message.associatedData, message.nonce)).toThrow(
      AeadError,
    );
    expect(() => decryptAeadAes256Gcm(apiV3Key, message.ciphertext, 'associatedDatA', message.nonce)).toThrow(AeadError);
    expect(() => decryptAeadAes256Gcm(apiV3Key, message.ciphertext, message.associatedData, 'uluk4a9R25RX')).toThrow(AeadError);
    expect(() => decryptAeadAes256Gcm(`${apiV3Key.slice(0, 31)}c`, message.ciphertext, message.associatedData, message.nonce)).toThrow(
      AeadError,
    );
    // Only the tag, no ciphertext: refused rather than read as empty.
    expect(() =>
      decryptAeadAes256Gcm(
        apiV3Key,
        Buffer.from(message.ciphertext, 'base64').subarray(-16).toString('base64'),
        message.associatedData,
        message.nonce,
      ),
    ).toThrow(AeadError);

    const pem = decryptAeadAes256Gcm(apiV3Key, certificate.ciphertext, certificate.associatedData, certificate.nonce);
    expect(new X509Certificate(pem).serialNumber).toBe(certificate.serial);
    expect(platformPublicKey(pem)?.asymmetricKeyType).toBe('rsa');
    expect(() =>
      decryptAeadAes256Gcm(apiV3Key, flipLastByte(certificate.ciphertext), certificate.associatedData, certificate.nonce),
    ).toThrow(AeadError);
  });

  test('a 16-byte key (the Go SDK’s AES-128 vector) is not an APIv3 key: refused, not tried', () => {
    // wechatpay-go utils/aes_test.go: key "testAPIv3Key0000" decrypts this to "Hello World" with AES-128-GCM.
    expect(() =>
      decryptAeadAes256Gcm('testAPIv3Key0000', 'FsdXzxryWfKwvLJKf8LG/ToRPTRh8RN9wROC', 'Dl56FrqWQJF1t9LtC3vEUsniZKvbqdR8', 'wCq51qZv4Yfg'),
    ).toThrow(AeadError);
  });

  test('SHA256 with RSA: the Go SDK’s signature verifies with its platform certificate, and the product signs the same bytes', () => {
    const key = platformPublicKey(GO_SDK.certificatePem)!;
    expect(new X509Certificate(GO_SDK.certificatePem).serialNumber).toBe(GO_SDK.serial);
    expect(verifySha256Rsa(key, GO_SDK.message, GO_SDK.signature)).toBe(true);
    expect(verifySha256Rsa(key, 'wrong source', GO_SDK.signature)).toBe(false);
    expect(verifySha256Rsa(key, GO_SDK.message, flipLastByte(GO_SDK.signature))).toBe(false);
    expect(verifySha256Rsa(key, GO_SDK.message, 'not base64 at all')).toBe(false);
    // PKCS#1 v1.5 is deterministic: our request signatures and paySign must be these very bytes.
    expect(signSha256Rsa(GO_SDK.privateKeyPem, GO_SDK.message)).toBe(GO_SDK.signature);
  });

  test('SHA256 with RSA: the Java SDK’s signature verifies with the certificate it names and not with another key', () => {
    const { rsa } = JAVA_SDK;
    expect(verifySha256Rsa(platformPublicKey(rsa.certificatePem)!, rsa.message, rsa.signature)).toBe(true);
    expect(verifySha256Rsa(platformPublicKey(rsa.otherPublicKeyPem)!, rsa.message, rsa.signature)).toBe(false);
  });
});

describe('WeChat Pay: the product against independently made answers and callbacks', () => {
  const platformKey = platformPublicKey(GO_SDK.certificatePem)!;

  test('the answer signature covers timestamp, nonce and the raw body, each line-ended (an empty body too)', () => {
    const { timestamp, nonce, callback, emptyAnswer } = MADE;
    expect(verifySha256Rsa(platformKey, responseMessage(timestamp, nonce, callback.body), callback.signature)).toBe(true);
    expect(verifySha256Rsa(platformKey, responseMessage(timestamp, nonce, ''), emptyAnswer.signature)).toBe(true);
    // The body re-serialised (same JSON, other bytes) no longer verifies: the signature is over the raw text.
    expect(
      verifySha256Rsa(
        platformKey,
        responseMessage(timestamp, nonce, JSON.stringify(JSON.parse(callback.body), null, 1)),
        callback.signature,
      ),
    ).toBe(false);
    expect(verifySha256Rsa(platformKey, responseMessage(String(Number(timestamp) + 1), nonce, callback.body), callback.signature)).toBe(
      false,
    );
    expect(verifySha256Rsa(platformKey, `${timestamp}\n${nonce}\n${callback.body}`, callback.signature)).toBe(false);
  });

  function callbacksAt(nowMs: number) {
    const lookedUp: unknown[] = [];
    const manager = {
      getRepository: () => ({
        findOne: (q: unknown) => {
          lookedUp.push(q);
          return Promise.resolve(null);
        },
        insert: () => Promise.resolve(),
      }),
    };
    const deps = { db: { read: async (fn: (tx: unknown) => Promise<unknown>) => fn(manager) }, now: () => nowMs } as unknown as PaymentDeps;
    const client = { mchid: '1230000109', apiV3Key: MADE.apiV3Key, platformKeys: new Map([[MADE.serial, platformKey]]) };
    const service = { clientOf: () => Promise.resolve(client) } as unknown as PaymentService;
    return { callbacks: new PaymentCallbacks(deps, service), lookedUp };
  }
  const headers = (signature: string, serial = MADE.serial) => ({ timestamp: MADE.timestamp, nonce: MADE.nonce, signature, serial });

  test('a callback: signature verified over the raw body, then the resource decrypted and read', async () => {
    const { callbacks, lookedUp } = callbacksAt(Number(MADE.timestamp) * 1000 + 30_000);
    await expect(callbacks.receive('acct-1', headers(MADE.callback.signature), MADE.callback.body)).resolves.toBe('unknown_order');
    // The order it looked for is the one inside the ciphertext.
    expect(lookedUp).toContainEqual({ where: { outTradeNo: '1217752501201407033233368018', merchantAccountId: 'acct-1' } });
    expect(decryptAeadAes256Gcm(MADE.apiV3Key, JSON.parse(MADE.callback.body).resource.ciphertext, 'transaction', 'fdasflkja484')).toBe(
      MADE.callback.plaintext,
    );
  });

  test('a callback refused: tampered tag (validly signed), a signature over other bytes, a stale timestamp, another key', async () => {
    // Refusals by their stable code: `invalid_input` (400) or `callback_refused` (401, the signature's).
    const refusal = async (p: Promise<unknown>): Promise<{ code: string; message: string }> => {
      const err = await p.then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(Error);
      return err as { code: string; message: string };
    };
    const fresh = callbacksAt(Number(MADE.timestamp) * 1000);
    const tampered = await refusal(
      fresh.callbacks.receive('acct-1', headers(MADE.callbackWithTamperedTag.signature), MADE.callbackWithTamperedTag.body),
    );
    expect(tampered).toMatchObject({ code: 'invalid_input', message: '回调密文未通过完整性校验' });
    expect(fresh.lookedUp).toHaveLength(1); // the duplicate check only: nothing was applied

    expect(
      await refusal(fresh.callbacks.receive('acct-1', headers(MADE.callback.signature), MADE.callbackWithTamperedTag.body)),
    ).toMatchObject({ code: 'callback_refused', message: '签名验证未通过' });
    expect(
      await refusal(
        fresh.callbacks.receive('acct-1', headers(MADE.callback.signature, 'PUB_KEY_ID_0000000000000000000000000000'), MADE.callback.body),
      ),
    ).toMatchObject({ code: 'callback_refused' });
    const late = callbacksAt(Number(MADE.timestamp) * 1000 + 10 * 60_000);
    expect(await refusal(late.callbacks.receive('acct-1', headers(MADE.callback.signature), MADE.callback.body))).toMatchObject({
      code: 'callback_refused',
      message: '回调时间戳过期',
    });
  });
});

describe('WeChat Pay: the sandbox’s own code against the same vectors', () => {
  test('signing, verifying and sealing', () => {
    const privateKey = createPrivateKey(GO_SDK.privateKeyPem);
    const publicKey = createPublicKey(privateKey);
    expect(rsaSha256Sign(privateKey, GO_SDK.message)).toBe(GO_SDK.signature);
    expect(rsaSha256Check(publicKey, GO_SDK.message, GO_SDK.signature)).toBe(true);
    expect(rsaSha256Sign(privateKey, signingString([MADE.timestamp, MADE.nonce, MADE.callback.body]))).toBe(MADE.callback.signature);
    expect(rsaSha256Sign(privateKey, signingString([MADE.timestamp, MADE.nonce, '']))).toBe(MADE.emptyAnswer.signature);
    const { apiV3Key, message } = JAVA_SDK;
    expect(sealResource(apiV3Key, message.plaintext, message.associatedData, message.nonce)).toBe(message.ciphertext);
    expect(sealResource(MADE.apiV3Key, MADE.callback.plaintext, 'transaction', 'fdasflkja484')).toBe(
      JSON.parse(MADE.callback.body).resource.ciphertext,
    );
  });
});
