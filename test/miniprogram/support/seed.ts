/**
 * People and cases on the real server for the pages' tests: logins through the WeChat sandbox, reviewer
 * roles through invitation codes (as production grants them), enterprises, providers and applications
 * at a given stage straight into the database (test/helpers/applications.ts) where a test starts mid-way.
 */
import { randomBytes } from 'node:crypto';
import type { TestApp } from '../../helpers/testApp';
import { seedApplication, seedEnterprise, seedProvider } from '../../helpers/applications';
import type { ApplicationRow } from '../../../server/src/db/applications';
import type { EnterpriseRow } from '../../../server/src/db/enterprises';
import { setApplicationUpdatedAt, type ProviderRow } from '../../../server/src/db/testing';
import { insertGrant } from '../../../server/src/db/users';
import { newId } from '../../../server/src/ids';
import type { ApplicationState } from '../../../shared/src/workflow/application';
import type { CreatedPayMerchant } from '../../../server/sandbox/pay';
import { JPEG_BYTES, PDF_BYTES } from './wx';

export interface Person {
  name: string;
  token: string;
  userId: string;
}

export async function person(t: TestApp, name: string): Promise<Person> {
  return { name, ...(await t.login(name)) };
}

/** The enterprise and provider roles come with a registration or a filing; seeded records need them given. */
export async function giveRole(t: TestApp, userId: string, role: 'enterprise' | 'provider'): Promise<void> {
  await t.db.transaction((tx) =>
    insertGrant(tx, {
      id: newId(),
      userId,
      role,
      countyCode: null,
      grantedBy: null,
      invitationId: null,
      createdAt: Date.now(),
    }),
  );
}

export async function enterpriseOf(t: TestApp, p: Person, overrides: Partial<EnterpriseRow> = {}): Promise<EnterpriseRow> {
  const e = await seedEnterprise(t.db, [p.userId], overrides);
  await giveRole(t, p.userId, 'enterprise');
  return e;
}

export async function providerOf(t: TestApp, p: Person, overrides: Partial<ProviderRow> = {}): Promise<ProviderRow> {
  const row = await seedProvider(t.db, p.userId, overrides);
  await giveRole(t, p.userId, 'provider');
  return row;
}

export function applicationAt(
  t: TestApp,
  e: EnterpriseRow,
  p: ProviderRow | null,
  status: ApplicationState,
  overrides: Partial<ApplicationRow> = {},
): Promise<ApplicationRow> {
  return seedApplication(t.db, e, p, status, overrides);
}

/** Makes an application look as if it had waited `days` at its stage. */
export async function ageApplication(t: TestApp, id: string, days: number): Promise<void> {
  await t.db.transaction((tx) => setApplicationUpdatedAt(tx, id, Date.now() - days * 86_400_000));
}

/** A material uploaded over HTTP, as the enterprise's phone would (multipart, typed by its bytes). */
export async function upload(t: TestApp, token: string, ownerType: string, ownerId: string, kind: string, name: string): Promise<string> {
  const bytes = name.endsWith('.pdf')
    ? Buffer.concat([PDF_BYTES, randomBytes(16)])
    : Buffer.concat([JPEG_BYTES.subarray(0, JPEG_BYTES.length - 2), randomBytes(16), Buffer.from([0xff, 0xd9])]);
  const res = await t.http
    .post(`/api/v1/files/${ownerType}/${ownerId}/${kind}`)
    .set('authorization', `Bearer ${token}`)
    .attach('file', bytes, name);
  if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.files[0].id as string;
}

/** A test merchant of the WeChat Pay sandbox, bound to the mini-program's appid, with all its keys. */
export function sandboxMerchant(t: TestApp): CreatedPayMerchant {
  return t.sandbox.control.pay.createMerchant({ appid: t.config.wechat.mp.appid });
}
