import { startTestApp, type TestApp } from '../../helpers/testApp';
import { auditRecordsMatching, invitationsMatching } from '../../../server/src/db/testing';

/**
 * Issue 14 item 9: people are named by their name, never an id. The admin may put the person's name on
 * the invitation; the person may set their own in their profile (2–20 characters, trimmed); without one,
 * others read the role's Chinese name.
 */
describe('display names: from the invitation and from the profile', () => {
  let t: TestApp;
  let admin: { token: string; userId: string };
  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.login('name-admin');
    await t.grant(admin.token, 'admin');
  });
  afterAll(() => t.close());

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const invite = (body: object) => t.http.post('/api/v1/admin/invitations').set(bearer(admin.token)).send(body);
  const nameOf = async (token: string) => (await t.http.get('/api/v1/me/display-name').set(bearer(token))).body;

  test('the name on the invitation becomes the display name of whoever redeems it', async () => {
    const created = await invite({ role: 'city_finance', name: '  王晓梅 ', note: '市财政局经建科' });
    expect(created.status).toBe(201);
    expect(created.body.invitation.name).toBe('王晓梅');
    const clerk = await t.login('name-clerk');
    expect(await nameOf(clerk.token)).toEqual({ displayName: null, shownAs: '平台用户' });
    const redeemed = await t.http.post('/api/v1/invitations/redeem').set(bearer(clerk.token)).send({ code: created.body.code });
    expect(redeemed.status).toBe(200);
    expect(await nameOf(clerk.token)).toEqual({ displayName: '王晓梅', shownAs: '王晓梅' });
    const audit = await t.db.read((tx) => auditRecordsMatching(tx, { action: 'invitation.redeem', entityId: created.body.invitation.id }));
    expect(audit.map((a) => a.data)).toEqual([{ userId: clerk.userId, displayName: '王晓梅' }]);
  });

  test('a name the person chose stands against a later invitation', async () => {
    const person = await t.login('name-chosen');
    expect((await t.http.put('/api/v1/me/display-name').set(bearer(person.token)).send({ displayName: '李建国' })).status).toBe(200);
    const created = await invite({ role: 'city_miit', name: '李国建' });
    await t.http.post('/api/v1/invitations/redeem').set(bearer(person.token)).send({ code: created.body.code });
    expect(await nameOf(person.token)).toEqual({ displayName: '李建国', shownAs: '李建国' });
  });

  test.each([
    [{ role: 'city_miit', name: '王' }, '姓名至少 2 个字'],
    [{ role: 'city_miit', name: '王'.repeat(21) }, '姓名不超过 20 个字'],
    [{ role: 'city_miit', name: '王晓梅2' }, '姓名只能由文字组成'],
    [{ role: 'city_miit', name: 42 }, '姓名须为文字'],
  ])('a bad name on the invitation is refused in Chinese and nothing is created: %j', async (body, message) => {
    const before = await t.db.read((tx) => invitationsMatching(tx, { role: 'city_miit' }));
    const res = await invite(body);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'name', message: expect.stringContaining(message) })]);
    expect(await t.db.read((tx) => invitationsMatching(tx, { role: 'city_miit' }))).toHaveLength(before.length);
  });

  test('a person sets their own name: trimmed, 2–20 characters, audited with the old name', async () => {
    const clerk = await t.login('name-self');
    await t.grant(clerk.token, 'county_finance', '230722');
    expect(await nameOf(clerk.token)).toEqual({ displayName: null, shownAs: '县（市）区财政部门经办人' });

    const set = await t.http.put('/api/v1/me/display-name').set(bearer(clerk.token)).send({ displayName: '　欧阳  娜娜 ' });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ displayName: '欧阳 娜娜', shownAs: '欧阳 娜娜' });
    const renamed = await t.http.put('/api/v1/me/display-name').set(bearer(clerk.token)).send({ displayName: '买买提·艾力' });
    expect(renamed.body.displayName).toBe('买买提·艾力');

    for (const [displayName, message] of [
      ['欧', '姓名至少 2 个字'],
      ['   ', '姓名至少 2 个字'],
      ['欧'.repeat(21), '姓名不超过 20 个字'],
      ['<b>欧阳</b>', '姓名只能由文字组成'],
      ['01HX7K2M9Q', '姓名只能由文字组成'],
    ]) {
      const res = await t.http.put('/api/v1/me/display-name').set(bearer(clerk.token)).send({ displayName });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/[\u4e00-\u9fff]/);
      expect(res.body.error.details).toEqual([expect.objectContaining({ message: expect.stringContaining(message) })]);
    }
    expect((await t.http.put('/api/v1/me/display-name').set(bearer(clerk.token)).send({})).status).toBe(400);
    expect((await t.http.put('/api/v1/me/display-name').send({ displayName: '无名氏' })).status).toBe(401);
    expect(await nameOf(clerk.token)).toEqual({ displayName: '买买提·艾力', shownAs: '买买提·艾力' });

    const audit = await t.db.read((tx) => auditRecordsMatching(tx, { action: 'user.display_name', entityId: clerk.userId }));
    expect(audit.map((a) => a.data)).toEqual([
      { from: null, to: '欧阳 娜娜' },
      { from: '欧阳 娜娜', to: '买买提·艾力' },
    ]);
  });
});
