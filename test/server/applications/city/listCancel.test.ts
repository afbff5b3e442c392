import { AuditEntity } from '../../../../server/src/db/entities';
import { listMachine } from '../../../../shared/src/workflow/subsidyList';
import { bearer, startCity, type CityHarness, type Person } from './cityHarness';

/**
 * A draft proposed list withdrawn before its co-signature (issue 14, item 5; DESIGN.md "Corrections
 * after the fact"): city MIIT corrects its members (add, take off) or cancels it with a reason; its
 * applications return to where they were (city_approved, the 核定金额 kept) and can go onto another
 * list; each version stays in the history; city finance is told once, each enterprise once.
 */
describe('cancelling a draft proposed list', () => {
  let c: CityHarness;
  let admin: Person;
  let listId: string;
  const apps: string[] = [];

  beforeAll(async () => {
    c = await startCity();
    admin = await c.t.login(`list-cancel-admin-${process.pid}`);
    await c.t.grant(admin.token, 'admin');
    for (let i = 0; i < 3; i++) apps.push((await c.seed('city_approved', { verifiedFen: 5_000_000 + i })).id);
  });
  afterAll(() => c.close());

  const post = (who: Person, path: string, body: object) => c.t.http.post(path).set(bearer(who.token)).send(body);
  const count = async (sql: string, params: unknown[]) => Number((await c.t.db.query<{ n: number | string }>(sql, params))[0].n);
  const inbox = (userId: string, template: string) =>
    count("SELECT COUNT(*) AS n FROM notifications WHERE recipient_user_id = ? AND template = ? AND channel = 'inbox'", [userId, template]);
  const auditActions = async (id: string) =>
    (await c.t.db.run((m) => m.getRepository(AuditEntity).find({ where: { chain: `subsidy_list:${id}` }, order: { seq: 'ASC' } }))).map(
      (a) => a.action,
    );
  const appRows = async () =>
    c.t.db.query<{ id: string; status: string; list_id: string | null; verified_fen: number | string }>(
      `SELECT id, status, list_id, verified_fen FROM applications WHERE id IN (?, ?, ?) ORDER BY id`,
      [...apps],
    );

  test('corrected, then cancelled with a reason by city MIIT: the applications return to city_approved and everyone concerned is told once', async () => {
    const created = await post(c.miit, '/api/v1/city/lists', { year: c.year, applicationIds: [apps[0], apps[1]] });
    expect(created.status).toBe(201);
    listId = created.body.list.id;
    const added = await post(c.miit, `/api/v1/city/lists/${listId}/items`, {
      version: created.body.list.version,
      applicationIds: [apps[2]],
    });
    expect(added.status).toBe(200);
    const version = added.body.list.version;
    expect(added.body.versions.map((v: { change: string; applicationIds: string[] }) => [v.change, v.applicationIds.length])).toEqual([
      ['created', 2],
      ['corrected', 3],
    ]);
    const enterpriseBefore = await inbox(c.enterpriseUser.userId, 'application.status');

    // Refused, and nothing changed: city finance, no reason, a stale version.
    const cancel = (who: Person, body: object) => post(who, `/api/v1/city/lists/${listId}/cancel`, body);
    expect((await cancel(c.finance, { version, reason: '重新起草' })).status).toBe(403);
    for (const body of [{ version }, { version, reason: '错' }, { version, reason: '   ' }])
      expect([JSON.stringify(body), (await cancel(c.miit, body)).status]).toEqual([JSON.stringify(body), 400]);
    const stale = await cancel(c.miit, { version: version - 1, reason: '重新起草' });
    expect([stale.status, stale.body.error.code]).toEqual([409, 'stale_version']);
    expect((await c.t.http.get(`/api/v1/city/lists/${listId}`).set(bearer(c.miit.token))).body.list).toMatchObject({
      status: 'draft',
      version,
    });

    const done = await cancel(c.miit2, { version, reason: '核定金额需复核，重新起草' });
    expect(done.status).toBe(200);
    expect(done.body.list).toMatchObject({ status: 'cancelled', statusLabel: '已撤销', version: version + 1 });
    expect(done.body.items).toEqual([]);
    expect(done.body.approvalBlockers).toEqual(['名单已撤销']);
    expect(done.body.removedItems.map((i: { removedReason: string }) => i.removedReason)).toEqual(
      Array(3).fill('名单已撤销：核定金额需复核，重新起草'),
    );
    expect(done.body.versions).toMatchObject([
      { seq: 1, change: 'created' },
      { seq: 2, change: 'corrected' },
      {
        seq: 3,
        change: 'cancelled',
        changeLabel: '撤销',
        reason: '核定金额需复核，重新起草',
        actorId: c.miit2.userId,
        actorRoleLabel: '市工信局',
        applicationIds: apps,
      },
    ]);

    // Back where they were, the 核定金额 kept, with their history and audit rows.
    for (const row of await appRows()) {
      expect({ status: row.status, list_id: row.list_id }).toEqual({ status: 'city_approved', list_id: null });
      expect(Number(row.verified_fen)).toBe(5_000_000 + apps.indexOf(row.id));
      expect(
        await count(
          "SELECT COUNT(*) AS n FROM application_events WHERE application_id = ? AND event = 'list_cancelled' AND from_status = 'listed' AND to_status = 'city_approved' AND reason = ?",
          [row.id, '核定金额需复核，重新起草'],
        ),
      ).toBe(1);
      expect(
        await count("SELECT COUNT(*) AS n FROM audit_log WHERE entity_id = ? AND action = 'application.list_cancelled'", [row.id]),
      ).toBe(1);
    }
    expect(await auditActions(listId)).toEqual(['list.create', 'list.add_items', 'list.cancel']);

    // City finance, who would have co-signed it, is told once each; city MIIT is not; each enterprise hears of its application once.
    for (const f of [c.finance, c.finance2]) expect(await inbox(f.userId, 'list.cancelled')).toBe(1);
    for (const m of [c.miit, c.miit2]) expect(await inbox(m.userId, 'list.cancelled')).toBe(0);
    expect((await inbox(c.enterpriseUser.userId, 'application.status')) - enterpriseBefore).toBe(3);
    const [message] = await c.t.db.query<{ payload: string }>(
      "SELECT payload FROM notifications WHERE recipient_user_id = ? AND template = 'list.cancelled' AND channel = 'inbox'",
      [c.finance.userId],
    );
    const body = (typeof message.payload === 'string' ? JSON.parse(message.payload) : message.payload).body as string;
    expect(body).toMatch(
      new RegExp(`^市工信局撤销了 ${c.year} 年第 \\d+ 批拟补贴名单（3 份申请），无需会签。原因：核定金额需复核，重新起草。$`),
    );
    const [status] = await c.t.db.query<{ payload: string }>(
      "SELECT payload FROM notifications WHERE recipient_user_id = ? AND template = 'application.status' AND channel = 'inbox' ORDER BY created_at DESC, id DESC",
      [c.enterpriseUser.userId],
    );
    const enterpriseText = (typeof status.payload === 'string' ? JSON.parse(status.payload) : status.payload).body as string;
    expect(enterpriseText).toContain('市里审核通过，等待列入补贴名单');
    expect(enterpriseText).toContain('核定金额需复核，重新起草');
    expect(enterpriseText).not.toMatch(/[a-z_]{4,}/);
  });

  test('a cancelled list takes nothing more and is not printed; its applications go onto a new list', async () => {
    const version = (await c.t.http.get(`/api/v1/city/lists/${listId}`).set(bearer(c.miit.token))).body.list.version;
    for (const [who, path, body, message] of [
      [c.finance, 'cosign', { version }, listMachine.states.cancelled.refuse!.cosign],
      [c.miit, 'items', { version, applicationIds: [apps[0]] }, listMachine.states.cancelled.refuse!.add_items],
      [c.miit, 'cancel', { version, reason: '再撤销一次' }, listMachine.states.cancelled.refuse!.cancel],
    ] as const) {
      const res = await post(who, `/api/v1/city/lists/${listId}/${path}`, body);
      expect([path, res.status, res.body.error.code, res.body.error.message]).toEqual([path, 409, 'list_cancelled', message]);
    }
    const printed = await c.t.http.get(`/api/v1/city/lists/${listId}/document.xlsx`).set(bearer(c.miit.token));
    expect([printed.status, printed.body.error.code]).toEqual([409, 'list_cancelled']);
    expect(await auditActions(listId)).toEqual(['list.create', 'list.add_items', 'list.cancel']);

    const next = await post(c.miit, '/api/v1/city/lists', { year: c.year, applicationIds: apps });
    expect(next.status).toBe(201);
    expect(next.body.totals).toMatchObject({ count: 3, verifiedFen: 15_000_003 });
    for (const row of await appRows())
      expect({ status: row.status, list_id: row.list_id }).toEqual({ status: 'listed', list_id: next.body.list.id });

    // Once co-signed, a list is no longer a draft to cancel.
    const cosigned = await post(c.finance, `/api/v1/city/lists/${next.body.list.id}/cosign`, { version: next.body.list.version });
    expect(cosigned.status).toBe(200);
    const late = await post(c.miit, `/api/v1/city/lists/${next.body.list.id}/cancel`, {
      version: cosigned.body.list.version,
      reason: '重新起草',
    });
    expect([late.status, late.body.error.code, late.body.error.message]).toEqual([
      409,
      'list_cosigned',
      '名单已经市财政局会签，不能再撤销',
    ]);
    expect(await inbox(c.finance.userId, 'list.cancelled')).toBe(1);

    const verify = await c.t.http.post('/api/v1/admin/audit/verify').set(bearer(admin.token));
    expect(verify.body.problems).toEqual([]);
  });

  test('a cancellation and the co-signature at once: exactly one goes through, and the application follows it', async () => {
    const fresh = (await c.seed('city_approved', { verifiedFen: 4_000_000 })).id;
    const created = await post(c.miit, '/api/v1/city/lists', { year: c.year, applicationIds: [fresh] });
    const { id, version } = created.body.list;
    const [cosigned, cancelled] = await Promise.all([
      post(c.finance, `/api/v1/city/lists/${id}/cosign`, { version }),
      post(c.miit, `/api/v1/city/lists/${id}/cancel`, { version, reason: '重新起草' }),
    ]);
    expect([cosigned.status, cancelled.status].sort()).toEqual([200, 409]);
    const loser = cosigned.status === 409 ? cosigned : cancelled;
    expect(['stale_version', 'list_cosigned', 'list_cancelled']).toContain(loser.body.error.code);
    const [row] = await c.t.db.query<{ status: string; list_id: string | null }>('SELECT status, list_id FROM applications WHERE id = ?', [
      fresh,
    ]);
    if (cosigned.status === 200) {
      expect(row).toEqual({ status: 'listed', list_id: id });
      expect(await auditActions(id)).toEqual(['list.create', 'list.cosign']);
    } else {
      expect(row).toEqual({ status: 'city_approved', list_id: null });
      expect(await auditActions(id)).toEqual(['list.create', 'list.cancel']);
    }
  });
});
