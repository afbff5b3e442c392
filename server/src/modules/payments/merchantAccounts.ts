import { createPrivateKey, createPublicKey, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import Pay from 'wechatpay-node-v3';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Database } from '../../db/database';
import type { Tx } from '../../db/tx';
import { isDuplicateKey } from '../../db/errors';
import type { Actor } from '../actor';
import { ConflictError, InvalidInputError, NotFoundError, UpstreamError, RefusedError } from '../errors';
import { newId } from '../../ids';
import type { AuditTrail } from '../audit/audit';
import { platformPublicKey, signSha256Rsa } from '../../wechat/pay/crypto';
import { type PayOutput, UNVERIFIED_ANSWER, createPayTransport } from '../../wechat/pay/transport';
import { SecretBox } from './secretBox';
import { ownedProvider } from '../../db/providers';
import {
  filedProviderAccounts,
  findMerchantAccount,
  insertMerchantAccount,
  merchantAccountOf,
  updateMerchantAccount,
  type MerchantAccount,
} from '../../db/payments/merchantAccounts';

/**
 * A provider's WeChat Pay merchant account (DESIGN.md "Paying the provider through the platform"): its
 * merchant number bound to our mini-program's appid, the APIv3 key and merchant private key (sealed at
 * rest, never answered, logged or audited), and WeChat Pay's own keys, against which its answers and
 * callbacks for this provider — and only this provider — are checked.
 */
const pem = (what: string) =>
  z
    .string({ error: `请粘贴${what}（PEM 文本）` })
    .trim()
    .min(100, `${what}不完整，请粘贴整段 PEM 文本`)
    .max(10_000, `${what}过长`);

export const linkSchema = z.object({
  version: z.number().int().min(1).optional(),
  mchid: z
    .string({ error: '请填写微信支付商户号' })
    .trim()
    .regex(/^\d{8,12}$/, '商户号为 8–12 位数字，见微信支付商户平台“账户中心—商户信息”'),
  apiV3Key: z.string({ error: '请填写 APIv3 密钥' }).regex(/^[\x21-\x7e]{32}$/, 'APIv3 密钥为 32 位字符，在商户平台“账户中心—API安全”设置'),
  privateKeyPem: pem('商户 API 证书的私钥 apiclient_key.pem'),
  certificatePem: pem('商户 API 证书 apiclient_cert.pem').optional(),
  serialNo: z
    .string()
    .trim()
    .regex(/^[0-9A-Fa-f]{8,64}$/, '证书序列号为 8–64 位十六进制字符，见商户平台“API安全—API证书”')
    .optional(),
  platformKeys: z
    .array(z.object({ id: z.string().trim().max(64, '编号过长').optional(), pem: pem('微信支付公钥或平台证书') }), {
      error: '请提供微信支付公钥（及其 PUB_KEY_ID_ 编号）或平台证书',
    })
    .min(1, '请提供微信支付公钥（及其 PUB_KEY_ID_ 编号）或平台证书')
    .max(4, '最多 4 个微信支付公钥或平台证书'),
});
export type LinkInput = z.output<typeof linkSchema>;

export interface MerchantClient {
  accountId: string;
  providerId: string;
  mchid: string;
  appid: string;
  pay: Pay;
  apiV3Key: string;
  platformKeys: ReadonlyMap<string, KeyObject>;
  /** SHA256-RSA with the merchant key: wx.requestPayment's paySign for an order made earlier. */
  sign(message: string): string;
}

export interface MerchantAccountsOptions {
  logger?: Logger;
  appid: string;
  apiBase: () => string;
  timeoutMs: number;
}

export function toAccountView(a: MerchantAccount) {
  // Never the sealed secrets: only what identifies the account.
  return {
    id: a.id,
    providerId: a.providerId,
    mchid: a.mchid,
    appid: a.appid,
    serialNo: a.serialNo,
    platformKeyIds: a.platformKeys.map((k) => k.id),
    status: a.status,
    statusLabel: a.status === 'active' ? '已开通平台收款' : '已停用',
    version: a.version,
    linkedAt: a.linkedAt,
    updatedAt: a.updatedAt,
  };
}

export class MerchantAccounts {
  private readonly box: SecretBox;
  private readonly clients = new Map<string, { version: number; client: MerchantClient }>();

  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    secretsKey: Buffer,
    private readonly options: MerchantAccountsOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.box = new SecretBox(secretsKey);
  }

  async mine(auth: Actor) {
    return this.db.read(async (tx) => {
      const provider = await ownedProvider(tx, auth.userId);
      if (!provider) throw new NotFoundError('您还没有云服务商备案');
      const account = await merchantAccountOf(tx, provider.id);
      return { account: account ? toAccountView(account) : null };
    });
  }

  /** Links (or replaces) the provider's merchant account, after WeChat Pay has accepted the keys. */
  async link(auth: Actor, input: LinkInput) {
    const checked = checkKeys(input);
    const provider = await this.db.read((tx) => ownedProvider(tx, auth.userId));
    if (!provider) throw new NotFoundError('您还没有云服务商备案');
    if (provider.status !== 'approved') throw new ConflictError('备案通过后才能开通平台收款', 'provider_not_approved');
    await this.probe(input, checked);
    const now = this.now();
    try {
      return await this.db.transaction(async (tx) => {
        const existing = await merchantAccountOf(tx, provider.id);
        if (existing && input.version !== undefined && existing.version !== input.version)
          throw new ConflictError('商户信息已被修改，请刷新后再提交', 'stale_version');
        const id = existing?.id ?? newId();
        const fields = {
          mchid: input.mchid,
          appid: this.options.appid,
          serialNo: checked.serialNo,
          secrets: this.box.seal(JSON.stringify({ apiV3Key: input.apiV3Key, privateKeyPem: input.privateKeyPem }), id),
          platformKeys: checked.platformKeys,
          status: 'active' as const,
          linkedBy: auth.userId,
          linkedAt: now,
          updatedAt: now,
        };
        if (existing) await updateMerchantAccount(tx, id, { ...fields, version: existing.version + 1 });
        else await insertMerchantAccount(tx, { id, providerId: provider.id, version: 1, ...fields });
        await this.audit.append(tx, {
          action: existing ? 'merchant_account.relink' : 'merchant_account.link',
          actorId: auth.userId,
          entityType: 'provider',
          entityId: provider.id,
          data: { accountId: id, mchid: input.mchid, serialNo: checked.serialNo, platformKeyIds: checked.platformKeys.map((k) => k.id) },
        });
        return { account: toAccountView((await findMerchantAccount(tx, id))!) };
      });
    } catch (err) {
      if (isDuplicateKey(err)) throw new ConflictError(`商户号 ${input.mchid} 已由另一家服务商开通平台收款`, 'mchid_taken');
      throw err;
    }
  }

  /** Stops taking payments on the platform; what was paid stays. */
  async unlink(auth: Actor, version: number) {
    return this.db.transaction(async (tx) => {
      const provider = await ownedProvider(tx, auth.userId);
      const account = provider ? await merchantAccountOf(tx, provider.id) : null;
      if (!provider || !account) throw new NotFoundError('您还没有开通平台收款');
      if (account.version !== version) throw new ConflictError('商户信息已被修改，请刷新后再提交', 'stale_version');
      await updateMerchantAccount(tx, account.id, { status: 'unlinked', version: version + 1, updatedAt: this.now() });
      await this.audit.append(tx, {
        action: 'merchant_account.unlink',
        actorId: auth.userId,
        entityType: 'provider',
        entityId: provider.id,
        data: { accountId: account.id, mchid: account.mchid },
      });
      return { account: toAccountView((await findMerchantAccount(tx, account.id))!) };
    });
  }

  /** For city MIIT: which filed providers take payment on the platform. */
  async overview() {
    const rows = await this.db.read((tx) => filedProviderAccounts(tx));
    return {
      providers: rows.map((r) => ({
        providerId: r.providerId,
        companyName: r.companyName,
        filingNo: r.filingNo,
        filingStatus: r.filingStatus,
        acceptsWechatPay: r.accountStatus === 'active' && r.filingStatus === 'approved',
        mchid: r.mchid,
        accountStatus: r.accountStatus,
        linkedAt: r.linkedAt,
      })),
    };
  }

  /** The provider's client, built once per account version: secrets are opened only here. */
  async client(tx: Tx, accountId: string): Promise<MerchantClient> {
    const account = await findMerchantAccount(tx, accountId);
    if (!account) throw new NotFoundError('没有这个商户账户');
    const cached = this.clients.get(account.id);
    if (cached && cached.version === account.version) return cached.client;
    const secrets = JSON.parse(this.box.open(account.secrets, account.id)) as { apiV3Key: string; privateKeyPem: string };
    const client = this.build({
      accountId: account.id,
      providerId: account.providerId,
      mchid: account.mchid,
      serialNo: account.serialNo,
      platformKeys: account.platformKeys,
      ...secrets,
    });
    this.clients.set(account.id, { version: account.version, client });
    return client;
  }

  private build(a: {
    accountId: string;
    providerId: string;
    mchid: string;
    serialNo: string;
    platformKeys: { id: string; pem: string }[];
    apiV3Key: string;
    privateKeyPem: string;
  }): MerchantClient {
    const keys = new Map<string, KeyObject>();
    for (const k of a.platformKeys) {
      const key = platformPublicKey(k.pem);
      if (key) keys.set(k.id, key);
    }
    // The constructor insists on a "public key" even with serial_no given; it is used for nothing else.
    const pay = new Pay({
      appid: this.options.appid,
      mchid: a.mchid,
      serial_no: a.serialNo,
      publicKey: Buffer.from(a.platformKeys[0].pem),
      privateKey: Buffer.from(a.privateKeyPem),
      key: a.apiV3Key,
    });
    pay.createHttp(createPayTransport({ apiBase: this.options.apiBase(), platformKeys: keys, timeoutMs: this.options.timeoutMs }));
    const privateKey = createPrivateKey(a.privateKeyPem);
    return {
      accountId: a.accountId,
      providerId: a.providerId,
      mchid: a.mchid,
      appid: this.options.appid,
      pay,
      apiV3Key: a.apiV3Key,
      platformKeys: keys,
      sign: (message) => signSha256Rsa(privateKey, message),
    };
  }

  /** A query for an order that cannot exist: WeChat Pay answers ORDER_NOT_EXIST only to a merchant whose keys it accepts, signed with the key we were given. */
  private async probe(input: LinkInput, checked: ReturnType<typeof checkKeys>): Promise<void> {
    const client = this.build({
      accountId: 'probe',
      providerId: 'probe',
      mchid: input.mchid,
      serialNo: checked.serialNo,
      platformKeys: checked.platformKeys,
      apiV3Key: input.apiV3Key,
      privateKeyPem: input.privateKeyPem,
    });
    const res = await client.pay.query({ out_trade_no: `PROBE${randomBytes(8).toString('hex')}` });
    const code = (res.data as { code?: string } | undefined)?.code;
    this.options.logger?.info(
      {
        mchid: input.mchid,
        serialNo: checked.serialNo,
        status: res.status,
        code: code ?? null,
        error: typeof res.error === 'string' ? res.error.slice(0, 100) : null,
      },
      'merchant account checked with WeChat Pay',
    );
    // An order that does not exist: WeChat Pay took our signature. Whether its own key is the one given
    // shows only when the answer is signed; an unsigned error (issue 15, 3) leaves that to the first
    // 2xx answer or callback, which are refused unless signed by a key on this record.
    if (res.status === 404 && code === 'ORDER_NOT_EXIST') {
      if ((res as PayOutput).signature === 'absent')
        this.options.logger?.info(
          { mchid: input.mchid },
          'WeChat Pay answered the check unsigned: its key is checked on the first signed answer',
        );
      return;
    }
    if (res.status === 0 && res.error === UNVERIFIED_ANSWER)
      throw new InvalidInputError('微信支付的回答与您提供的微信支付公钥（或平台证书）对不上：请核对公钥内容及其 PUB_KEY_ID_ 编号', [
        { path: 'platformKeys', message: '微信支付公钥不符' },
      ]);
    if (res.status === 0 || res.status >= 500) throw new UpstreamError('暂时连不上微信支付，核验不了商户信息，请稍后再试');
    if (res.status === 401)
      throw new InvalidInputError('微信支付不认可这组商户号、证书序列号和私钥：请核对商户号、API 证书序列号和 apiclient_key.pem', [
        { path: 'privateKeyPem', message: '签名未通过微信支付验证' },
      ]);
    throw new RefusedError(
      `微信支付拒绝了核验请求（${code ?? res.status}）：请在商户平台确认商户状态及与小程序 AppID 的绑定`,
      'merchant_refused',
    );
  }
}

/** Parses the keys offline first, so a pasted file of the wrong kind gets its own message. */
function checkKeys(input: LinkInput): { serialNo: string; platformKeys: { id: string; pem: string }[] } {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(input.privateKeyPem);
  } catch {
    throw new InvalidInputError('商户私钥无法读取：请粘贴 apiclient_key.pem 的全部内容（含 BEGIN/END 行）', [
      { path: 'privateKeyPem', message: '不是 PEM 格式的私钥' },
    ]);
  }
  if (privateKey.asymmetricKeyType !== 'rsa' || (privateKey.asymmetricKeyDetails?.modulusLength ?? 0) < 2048)
    throw new InvalidInputError('商户私钥须为 2048 位以上的 RSA 私钥（apiclient_key.pem）', [
      { path: 'privateKeyPem', message: '不是 RSA 2048 私钥' },
    ]);
  let serialNo = input.serialNo?.toUpperCase();
  if (input.certificatePem) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(input.certificatePem);
    } catch {
      throw new InvalidInputError('商户 API 证书无法读取：请粘贴 apiclient_cert.pem 的全部内容', [
        { path: 'certificatePem', message: '不是 PEM 格式的证书' },
      ]);
    }
    if (
      cert.publicKey
        .export({ type: 'spki', format: 'der' })
        .compare(createPublicKey(privateKey).export({ type: 'spki', format: 'der' })) !== 0
    )
      throw new InvalidInputError('商户 API 证书与私钥不是一对：请使用同一次申请的 apiclient_cert.pem 和 apiclient_key.pem', [
        { path: 'certificatePem', message: '证书与私钥不匹配' },
      ]);
    const certSerial = cert.serialNumber.toUpperCase();
    if (serialNo && serialNo !== certSerial)
      throw new InvalidInputError(`证书序列号与证书不符：证书的序列号是 ${certSerial}`, [{ path: 'serialNo', message: '与证书不符' }]);
    serialNo = certSerial;
  }
  if (!serialNo)
    throw new InvalidInputError('请提供商户 API 证书（apiclient_cert.pem）或其序列号', [{ path: 'serialNo', message: '缺少证书序列号' }]);
  const platformKeys = input.platformKeys.map((k, i) => {
    const key = platformPublicKey(k.pem);
    if (!key)
      throw new InvalidInputError('微信支付公钥或平台证书无法读取：请粘贴完整的 PEM 文本', [
        { path: `platformKeys.${i}.pem`, message: '不是 RSA 公钥或证书' },
      ]);
    if (k.pem.includes('BEGIN CERTIFICATE')) {
      const serial = new X509Certificate(k.pem).serialNumber.toUpperCase();
      if (k.id && k.id.toUpperCase() !== serial)
        throw new InvalidInputError(`平台证书的序列号是 ${serial}，与所填编号不符`, [
          { path: `platformKeys.${i}.id`, message: '与证书不符' },
        ]);
      return { id: serial, pem: k.pem };
    }
    if (!k.id || !/^PUB_KEY_ID_\d{10,40}$/.test(k.id))
      throw new InvalidInputError('微信支付公钥须带上它的编号（PUB_KEY_ID_ 开头，见商户平台“API安全—微信支付公钥”）', [
        { path: `platformKeys.${i}.id`, message: '缺少或不是 PUB_KEY_ID_ 编号' },
      ]);
    return { id: k.id, pem: k.pem };
  });
  return { serialNo, platformKeys };
}
