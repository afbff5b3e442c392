import { randomBytes } from 'node:crypto';
import type { Database } from '../server/src/db/database';
import { insertEnterprise, insertMember } from '../server/src/db/enterprises';
import { insertBulkUser, insertProviderRow } from '../server/src/db/testing';
import type { Tx } from '../server/src/db/tx';
import { hashToken } from '../server/src/modules/auth/authService';
import { newId } from '../server/src/ids';
import type { RunningSandbox } from '../server/sandbox';
import { completeProviderFiling } from '../test/fixtures/providerFiling';
import { policyPack } from '../shared/src/pack';
import { creditCodeCheckCharacter } from '../shared/src/rules/creditCode';

/**
 * WeChat Pay for the benchmark: a filed provider, an enterprise clerk, a sandbox merchant linked over
 * HTTP, one order paid (its callback, repeated, is one load) and one open (its pay parameters, asked
 * again and again, the other).
 */
export interface PaySeed {
  providerToken: string;
  payerToken: string;
  creditCode: string;
}

async function user(tx: Tx, openid: string, role: string, now: number): Promise<{ id: string; token: string }> {
  const id = newId();
  const token = randomBytes(32).toString('base64url');
  await insertBulkUser(tx, {
    id,
    mpOpenid: openid,
    session: { hash: hashToken(token), expiresAt: now + 86_400_000 },
    grant: { id: newId(), role, countyCode: null },
    now,
  });
  return { id, token };
}

export async function seedPayParties(db: Database): Promise<PaySeed> {
  const now = Date.now();
  const { city, counties, numbers } = policyPack();
  const county = counties[0];
  // A company (91) registered in the pack's first county, with its check character.
  const creditCode = `91${county.code}MA1BENCH0${creditCodeCheckCharacter(`91${county.code}MA1BENCH0`)}`;
  return db.transaction(async (tx) => {
    const provider = await user(tx, 'mp-bench-provider', 'provider', now);
    const payer = await user(tx, 'mp-bench-payer', 'enterprise', now);
    const form = completeProviderFiling();
    await insertProviderRow(tx, {
      id: newId(),
      ownerUserId: provider.id,
      companyName: `${city.shortName}压测云计算有限公司`,
      platformName: form.basic!.platformName!,
      status: 'approved',
      filingNo: numbers.filingNo(2026, 900),
      approvedOn: '2023-05-10',
      revokedOn: null,
      form: form,
      version: 3,
      submittedAt: now,
      createdAt: now,
      updatedAt: now,
    });
    const enterpriseId = newId();
    await insertEnterprise(tx, {
      id: enterpriseId,
      creditCode,
      name: `${city.shortName}压测付款企业有限公司`,
      countyCode: county.code,
      establishedOn: '2019-04-12',
      industryCode: 'C',
      legalRepresentative: '王建国',
      address: `${city.name}${county.name}林都大街1号`,
      contactName: '李会计',
      contactPhone: '13900001234',
      status: 'verified',
      version: 1,
      createdBy: payer.id,
      createdAt: now,
      updatedAt: now,
    });
    await insertMember(tx, {
      id: newId(),
      enterpriseId,
      userId: payer.id,
      memberRole: 'owner',
      status: 'active',
      createdAt: now,
    });
    return { providerToken: provider.token, payerToken: payer.token, creditCode };
  });
}

export interface PayLoads {
  callback: { path: string; headers: Record<string, string>; body: string };
  jsapiPath: string;
}

export async function preparePay(base: string, sandbox: RunningSandbox, seed: PaySeed, appid: string): Promise<PayLoads> {
  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as unknown;
  };
  const m = sandbox.control.pay.createMerchant({ appid });
  const linked = (await call('PUT', '/api/v1/providers/me/merchant-account', seed.providerToken, {
    mchid: m.mchid,
    apiV3Key: m.apiV3Key,
    privateKeyPem: m.privateKeyPem,
    serialNo: m.serialNo,
    platformKeys: [{ id: m.platformPublicKeyId, pem: m.platformPublicKeyPem }],
  })) as { account: { id: string } };
  const request = async () =>
    (
      (await call('POST', '/api/v1/providers/me/payment-requests', seed.providerToken, {
        creditCode: seed.creditCode,
        amountFen: 1_000_000,
        description: '压测服务费',
      })) as { payment: { id: string } }
    ).payment.id;
  const paid = await request();
  await call('POST', `/api/v1/payments/${paid}/jsapi`, seed.payerToken);
  const rows = sandbox.control.pay.orders(m.mchid);
  const delivery = await sandbox.control.pay.payOrder(m.mchid, rows[0].outTradeNo);
  if (!delivery?.ok) throw new Error(`the paid order's callback was not taken: ${delivery?.status}`);
  const open = await request();
  await call('POST', `/api/v1/payments/${open}/jsapi`, seed.payerToken);
  return {
    callback: {
      path: `/api/v1/wechat/pay/notify/${linked.account.id}`,
      headers: { ...sandbox.control.pay.signNotification(delivery.body), 'content-type': 'application/json' },
      body: delivery.body,
    },
    jsapiPath: `/api/v1/payments/${open}/jsapi`,
  };
}
