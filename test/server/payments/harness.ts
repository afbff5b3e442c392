import { createPublicKey, createVerify } from 'node:crypto';
import type { TestApp } from '../../helpers/testApp';
import type { CreatedPayMerchant } from '../../../server/sandbox/pay';
import { makeEnterprise, makeProvider, type User } from '../applications/county/setup';
import type { EnterpriseRow } from '../../../server/src/db/enterprises';
import type { ProviderRow } from '../../../server/src/db/testing';

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A provider with a sandbox merchant account linked over HTTP, and an enterprise that pays it. */
export interface PayParties {
  prov: User;
  provider: ProviderRow;
  merchant: CreatedPayMerchant;
  accountId: string;
  ent: User;
  enterprise: EnterpriseRow;
}

export function linkBody(m: CreatedPayMerchant) {
  return {
    mchid: m.mchid,
    apiV3Key: m.apiV3Key,
    privateKeyPem: m.privateKeyPem,
    serialNo: m.serialNo,
    platformKeys: [{ id: m.platformPublicKeyId, pem: m.platformPublicKeyPem }],
  };
}

export async function payParties(t: TestApp, tag: string, mchid?: string): Promise<PayParties> {
  const { user: prov, provider } = await makeProvider(t, `prov-${tag}`, { companyName: `伊春${tag}云计算有限公司` });
  const merchant = t.sandbox.control.pay.createMerchant({ appid: t.config.wechat.mp.appid, ...(mchid ? { mchid } : {}) });
  const linked = await t.http.put('/api/v1/providers/me/merchant-account').set(bearer(prov.token)).send(linkBody(merchant));
  if (linked.status !== 200) throw new Error(`link failed: ${linked.status} ${JSON.stringify(linked.body)}`);
  const { user: ent, enterprise } = await makeEnterprise(t, `ent-${tag}`);
  return { prov, provider, merchant, accountId: linked.body.account.id as string, ent, enterprise };
}

/** The provider asks the enterprise to pay; returns the payment request's id. */
export async function requestPayment(t: TestApp, p: PayParties, amountFen: number, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await t.http
    .post('/api/v1/providers/me/payment-requests')
    .set(bearer(p.prov.token))
    .send({ creditCode: p.enterprise.creditCode, amountFen, description: '云ERP首年服务费', contractNo: 'HT-2026-001', ...extra });
  if (res.status !== 201) throw new Error(`request failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.payment.id as string;
}

export async function outTradeNoOf(t: TestApp, id: string): Promise<string> {
  const rows: { out_trade_no: string }[] = await t.db.query('SELECT out_trade_no FROM payment_requests WHERE id = ?', [id]);
  return rows[0].out_trade_no;
}

/** wx.requestPayment's paySign checks out with the merchant's public key, as WeChat checks it. */
export function paySignValid(
  m: CreatedPayMerchant,
  p: { appId: string; timeStamp: string; nonceStr: string; package: string; paySign: string },
): boolean {
  return createVerify('RSA-SHA256')
    .update(`${p.appId}\n${p.timeStamp}\n${p.nonceStr}\n${p.package}\n`)
    .verify(createPublicKey(m.publicKeyPem), p.paySign, 'base64');
}
