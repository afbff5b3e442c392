import { insertGrant } from '../../../../server/src/db/users';
import JSZip from 'jszip';
import type { Response } from 'supertest';
import type { TestApp } from '../../../helpers/testApp';
import { PDF, seedEnterprise, seedProvider } from '../../../helpers/applications';
import type { EnterpriseRow } from '../../../../server/src/db/enterprises';
import type { ProviderRow } from '../../../../server/src/db/testing';
import { newId } from '../../../../server/src/ids';

/**
 * The cast of the county suites, on the real app and database: a provider with an approved filing,
 * an enterprise of 伊美区 (230717), both county departments of 伊美区 and a reviewer of 乌翠区 (230718).
 */
export { PDF };
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export type User = { token: string; userId: string };

let filingCounter = 0;

/** The provider role comes from a filing; granted directly here, as the matrix test does. */
export async function makeProvider(
  t: TestApp,
  name: string,
  overrides: Partial<ProviderRow> = {},
): Promise<{ user: User; provider: ProviderRow }> {
  const user = await t.login(name);
  await t.db.transaction((tx) =>
    insertGrant(tx, {
      id: newId(),
      userId: user.userId,
      role: 'provider',
      countyCode: null,
      grantedBy: null,
      invitationId: null,
      createdAt: Date.now(),
    }),
  );
  filingCounter++;
  const provider = await seedProvider(t.db, user.userId, {
    filingNo: `伊云备〔2023〕${String(100 + filingCounter)}号-${name.slice(0, 8)}`,
    ...overrides,
  });
  return { user, provider };
}

export async function makeEnterprise(
  t: TestApp,
  name: string,
  overrides: Partial<EnterpriseRow> = {},
): Promise<{ user: User; enterprise: EnterpriseRow }> {
  const user = await t.login(name);
  await t.db.transaction((tx) =>
    insertGrant(tx, {
      id: newId(),
      userId: user.userId,
      role: 'enterprise',
      countyCode: null,
      grantedBy: null,
      invitationId: null,
      createdAt: Date.now(),
    }),
  );
  const enterprise = await seedEnterprise(t.db, [user.userId], overrides);
  return { user, enterprise };
}

export async function reviewer(t: TestApp, name: string, role: 'county_miit' | 'county_finance', county = '230717'): Promise<User> {
  const user = await t.login(name);
  await t.grant(user.token, role, county);
  return user;
}

/** Reads a binary body (the .docx) whole. */
export function binary(res: import('superagent').Response, cb: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}

/** The visible text of a .docx, runs joined. */
export async function docxText(res: Response): Promise<string> {
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toContain('wordprocessingml');
  const xml = await (await JSZip.loadAsync(res.body as Buffer)).file('word/document.xml')!.async('string');
  return [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');
}

/** A new 兑付申请表 version for the applications, its stamped scan uploaded and signed. */
export async function signedSettlement(t: TestApp, provider: User, applicationIds: string[]): Promise<{ id: string; version: number }> {
  const created = await t.http.post('/api/v1/provider/settlement-forms').set(bearer(provider.token)).send({ applicationIds });
  if (created.status !== 201) throw new Error(`settlement form: ${created.status} ${JSON.stringify(created.body)}`);
  const id = created.body.form.id as string;
  const up = await t.http
    .post(`/api/v1/files/settlement_form/${id}/signed_scan`)
    .set(bearer(provider.token))
    .attach('file', PDF, '盖章兑付申请表.pdf');
  if (up.status !== 201) throw new Error(`upload: ${up.status} ${JSON.stringify(up.body)}`);
  const signed = await t.http.post(`/api/v1/provider/settlement-forms/${id}/sign`).set(bearer(provider.token)).send({});
  if (signed.status !== 200) throw new Error(`sign: ${signed.status} ${JSON.stringify(signed.body)}`);
  return { id, version: created.body.form.version as number };
}

export const RATINGS = { effect: 4, service: 5 };

export async function opinion(t: TestApp, who: User, applicationId: string, body: Record<string, unknown>): Promise<Response> {
  return t.http.post(`/api/v1/county/applications/${applicationId}/opinion`).set(bearer(who.token)).send(body);
}
