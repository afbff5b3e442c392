/**
 * The provider's WeChat Pay merchant account form: which box holds what, where in the merchant console
 * (pay.weixin.qq.com) to find it, and a first check before the keys travel. The server checks the keys
 * with WeChat Pay itself before saving — what it refuses comes back naming the box (details[].path).
 */
import type { MerchantLinkInput } from '../services/inputs';

export interface MerchantForm {
  mchid: string;
  apiV3Key: string;
  privateKeyPem: string;
  certificatePem: string;
  serialNo: string;
  platformKeyId: string;
  platformKeyPem: string;
}

export type MerchantField = keyof MerchantForm;

export interface MerchantFieldSpec {
  key: MerchantField;
  label: string;
  /** A PEM text: a textarea, pasted from a file sent to the phone. */
  pem: boolean;
  optional: boolean;
  placeholder: string;
  help: string;
}

/** The server takes PEM texts up to 10,000 characters; a 2048-bit key is about 1,700, a certificate about 1,500. */
export const PEM_MAX_LENGTH = 10_000;

export const MERCHANT_FIELDS: readonly MerchantFieldSpec[] = [
  {
    key: 'mchid',
    label: '商户号',
    pem: false,
    optional: false,
    placeholder: '8–12 位数字',
    help: '微信支付商户平台 → 账户中心 → 商户信息 中的“微信支付商户号”。这个商户号须已在商户平台“产品中心 → AppID 账号管理”中关联本小程序。',
  },
  {
    key: 'apiV3Key',
    label: 'APIv3 密钥',
    pem: false,
    optional: false,
    placeholder: '32 位字符',
    help: '商户平台 → 账户中心 → API安全 → APIv3密钥 中由您设置的 32 位密钥（不是 APIv2 密钥）。平台加密保存，提交后任何人（包括您自己）都无法在这里再看到它。',
  },
  {
    key: 'privateKeyPem',
    label: '商户 API 私钥（apiclient_key.pem）',
    pem: true,
    optional: false,
    placeholder: '-----BEGIN PRIVATE KEY-----\n……\n-----END PRIVATE KEY-----',
    help: '申请 API 证书时生成的 apiclient_key.pem：在电脑上用记事本打开，全选复制（含 BEGIN 和 END 两行），通过“文件传输助手”发到手机微信，再长按粘贴到这里。',
  },
  {
    key: 'certificatePem',
    label: '商户 API 证书（apiclient_cert.pem）',
    pem: true,
    optional: true,
    placeholder: '-----BEGIN CERTIFICATE-----\n……\n-----END CERTIFICATE-----',
    help: '与私钥同一次申请的 apiclient_cert.pem，粘贴方法同上。证书和下面的“证书序列号”二选一：有证书文件时粘贴证书，平台自动读出序列号。',
  },
  {
    key: 'serialNo',
    label: '证书序列号',
    pem: false,
    optional: true,
    placeholder: '40 位左右的十六进制字符',
    help: '商户平台 → 账户中心 → API安全 → API证书 → 管理证书 中显示的“证书序列号”。已粘贴证书的可不填。',
  },
  {
    key: 'platformKeyId',
    label: '微信支付公钥 ID',
    pem: false,
    optional: true,
    placeholder: 'PUB_KEY_ID_ 开头',
    help: '商户平台 → 账户中心 → API安全 → 微信支付公钥 中的“公钥ID”（PUB_KEY_ID_ 开头）。仍在使用“平台证书”的老商户，下面粘贴平台证书即可，此处可不填。',
  },
  {
    key: 'platformKeyPem',
    label: '微信支付公钥（pub_key.pem）或平台证书',
    pem: true,
    optional: false,
    placeholder: '-----BEGIN PUBLIC KEY-----\n……\n-----END PUBLIC KEY-----',
    help: '在“微信支付公钥”处下载的 pub_key.pem 的全部内容。平台用它核对微信支付的每一个回答和支付结果通知，确认确实来自微信支付。',
  },
];

export const EMPTY_MERCHANT_FORM: Readonly<MerchantForm> = {
  mchid: '',
  apiV3Key: '',
  privateKeyPem: '',
  certificatePem: '',
  serialNo: '',
  platformKeyId: '',
  platformKeyPem: '',
};

const pemOf = (text: string, kind: RegExp) => kind.test(text) && /-----END [A-Z ]+-----/.test(text);

/**
 * The form as the server wants it, or each box's problem. Only what can be seen without the keys being
 * used: that a PEM is the right kind of file is the most common slip (a certificate pasted as the key).
 */
export function merchantLinkBody(
  form: MerchantForm,
  version: number | null,
): { ok: true; body: MerchantLinkInput } | { ok: false; errors: Partial<Record<MerchantField, string>> } {
  const f = {
    mchid: form.mchid.trim(),
    apiV3Key: form.apiV3Key.trim(),
    privateKeyPem: form.privateKeyPem.trim(),
    certificatePem: form.certificatePem.trim(),
    serialNo: form.serialNo.replace(/\s+/g, '').toUpperCase(),
    platformKeyId: form.platformKeyId.trim(),
    platformKeyPem: form.platformKeyPem.trim(),
  };
  const errors: Partial<Record<MerchantField, string>> = {};
  if (!/^\d{8,12}$/.test(f.mchid)) errors.mchid = f.mchid ? '商户号为 8–12 位数字' : '请填写微信支付商户号';
  if (!/^[\x21-\x7e]{32}$/.test(f.apiV3Key))
    errors.apiV3Key = f.apiV3Key ? `APIv3 密钥为 32 位字符，目前 ${f.apiV3Key.length} 位` : '请填写 APIv3 密钥';
  if (!f.privateKeyPem) errors.privateKeyPem = '请粘贴 apiclient_key.pem 的全部内容';
  else if (f.privateKeyPem.includes('BEGIN CERTIFICATE'))
    errors.privateKeyPem = '这里粘贴的是证书，请粘贴私钥 apiclient_key.pem（BEGIN PRIVATE KEY 开头）';
  else if (!pemOf(f.privateKeyPem, /-----BEGIN (RSA )?PRIVATE KEY-----/))
    errors.privateKeyPem = '私钥不完整：请粘贴 apiclient_key.pem 的全部内容，含 BEGIN 和 END 两行';
  if (f.certificatePem && !pemOf(f.certificatePem, /-----BEGIN CERTIFICATE-----/))
    errors.certificatePem = '证书不完整：请粘贴 apiclient_cert.pem 的全部内容，含 BEGIN 和 END 两行';
  if (f.serialNo && !/^[0-9A-F]{8,64}$/.test(f.serialNo)) errors.serialNo = '证书序列号为 8–64 位十六进制字符（0–9、A–F）';
  if (!f.certificatePem && !f.serialNo) errors.serialNo = '请粘贴商户 API 证书，或填写证书序列号';
  const isCertificate = f.platformKeyPem.includes('BEGIN CERTIFICATE');
  if (!f.platformKeyPem) errors.platformKeyPem = '请粘贴微信支付公钥（pub_key.pem）或平台证书';
  else if (!pemOf(f.platformKeyPem, /-----BEGIN (PUBLIC KEY|CERTIFICATE)-----/))
    errors.platformKeyPem = '微信支付公钥不完整：请粘贴 pub_key.pem 的全部内容，含 BEGIN 和 END 两行';
  if (f.platformKeyPem && !isCertificate && !/^PUB_KEY_ID_\d{10,40}$/.test(f.platformKeyId))
    errors.platformKeyId = f.platformKeyId ? '公钥 ID 以 PUB_KEY_ID_ 开头，后面是数字' : '请填写微信支付公钥的 ID（PUB_KEY_ID_ 开头）';
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    body: {
      ...(version !== null ? { version } : {}),
      mchid: f.mchid,
      apiV3Key: f.apiV3Key,
      privateKeyPem: f.privateKeyPem,
      ...(f.certificatePem ? { certificatePem: f.certificatePem } : {}),
      ...(f.serialNo ? { serialNo: f.serialNo } : {}),
      platformKeys: [{ ...(f.platformKeyId ? { id: f.platformKeyId } : {}), pem: f.platformKeyPem }],
    },
  };
}

/** The server's details[].path → the box: 'platformKeys.0.id' is the key's ID, any other platformKeys path its text. */
export function merchantFieldOf(path: string): MerchantField | null {
  if (path.startsWith('platformKeys')) return /^platformKeys\.\d+\.id$/.test(path) ? 'platformKeyId' : 'platformKeyPem';
  const head = path.split('.')[0] ?? '';
  return MERCHANT_FIELDS.some((f) => f.key === head) ? (head as MerchantField) : null;
}
