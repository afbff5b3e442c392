import { startTestApp, type TestApp } from '../../helpers/testApp';
import { creditCode } from '../../helpers/applications';
import { auditRecordsMatching, countNotifications, notificationsMatching } from '../../../server/src/db/testing';
import { JOIN_CODE_MAX_FAILURES } from '../../../server/src/modules/enterprises/enterprises';
import { ACCESS_CODE_ALPHABET, isAccessCode, normalizeAccessCode } from '../../../shared/src/contracts/accessCodes';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
type User = { token: string; userId: string };

/**
 * A colleague's join code gives membership — the application, its bank account, the power to submit
 * or withdraw — so it must be as hard to guess as a reviewer's invitation (issue 11, item 1).
 */
describe('enterprise join codes', () => {
  let t: TestApp;
  let owner: User;
  const code = creditCode('230718');
  let enterpriseId: string;
  // Many wrong tries come from one test client: the per-caller limits are the next test file's subject.
  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMITS: 'join.address=1000/1h,join.user=1000/1h' } });
    owner = await t.login('join-owner');
    const reg = await t.http.post('/api/v1/enterprises').set(bearer(owner.token)).send({
      creditCode: code,
      name: '伊春乌翠山林食品有限公司',
      countyCode: '230718',
      establishedOn: '2016-01-01',
      industryCode: 'C',
      legalRepresentative: '王山',
      address: '乌翠区林业路1号',
      contactName: '李会计',
      contactPhone: '13904580011',
    });
    expect(reg.status).toBe(201);
    enterpriseId = reg.body.enterprise.id;
  });
  afterAll(() => t.close());

  const invite = async () => {
    const res = await t.http.post(`/api/v1/enterprises/${enterpriseId}/invitations`).set(bearer(owner.token)).send({});
    expect(res.status).toBe(201);
    return res.body.code as string;
  };
  const join = (who: User, credit: string, c: string) =>
    t.http.post('/api/v1/enterprises/join').set(bearer(who.token)).send({ creditCode: credit, code: c });

  test('codes carry 60 bits in a form read aloud: 12 characters of Crockford base 32, XXXX-XXXX-XXXX, never repeating', async () => {
    const codes = await Promise.all(Array.from({ length: 40 }, invite));
    for (const c of codes) {
      expect(c).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
      expect(isAccessCode(c)).toBe(true);
    }
    expect(new Set(codes).size).toBe(codes.length);
    expect(Math.log2(ACCESS_CODE_ALPHABET.length) * 12).toBeGreaterThanOrEqual(60);
    // Every character of the alphabet turns up: the codes are not drawn from a narrow subset.
    expect(new Set(codes.join('').replace(/-/g, '')).size).toBe(ACCESS_CODE_ALPHABET.length);
  });

  test('a person may type it as read: lower case, spaces, O for 0 and I or L for 1', async () => {
    const c = await invite();
    const typed = normalizeAccessCode(c)
      .toLowerCase()
      .replace(/0/g, 'o')
      .replace(/1/g, 'l')
      .replace(/(.{4})/g, '$1 ');
    const colleague = await t.login('join-typist');
    const res = await join(colleague, code, typed);
    expect([res.status, res.body.error?.message]).toEqual([200, undefined]);
    expect(res.body.enterprise.id).toBe(enterpriseId);
  });

  test('a wrong code answers exactly as an unknown enterprise does', async () => {
    const guesser = await t.login('join-guesser-1');
    const wrong = await join(guesser, code, 'ABCD-EFGH-JKMN');
    const unknown = await join(guesser, creditCode('230718'), 'ABCD-EFGH-JKMN');
    const malformedButLong = await join(guesser, code, '12345678');
    expect(wrong.status).toBe(400);
    expect(unknown.status).toBe(wrong.status);
    expect(unknown.body).toEqual(wrong.body);
    expect(malformedButLong.body).toEqual(wrong.body);
    expect(wrong.body.error.message).not.toMatch(/企业不存在|没有这家企业/);
  });

  test(`after ${JOIN_CODE_MAX_FAILURES} wrong tries on one enterprise its open codes lock, the inviter is told once, and a new code works`, async () => {
    // A fresh enterprise, so that the earlier tests' tries do not count here.
    const boss = await t.login('lock-owner');
    const credit = creditCode('230719');
    const reg = await t.http.post('/api/v1/enterprises').set(bearer(boss.token)).send({
      creditCode: credit,
      name: '伊春友好林机厂',
      countyCode: '230719',
      establishedOn: '2012-05-01',
      industryCode: 'C',
      legalRepresentative: '赵友',
      address: '友好区1号',
      contactName: '孙会计',
      contactPhone: '13904580012',
    });
    const id = reg.body.enterprise.id as string;
    const mint = async () =>
      (await t.http.post(`/api/v1/enterprises/${id}/invitations`).set(bearer(boss.token)).send({})).body.code as string;
    const first = await mint();
    const second = await mint();
    const guessers = await Promise.all(['lock-g1', 'lock-g2', 'lock-g3'].map((n) => t.login(n)));
    for (let i = 0; i < JOIN_CODE_MAX_FAILURES; i++) {
      const res = await join(guessers[i % guessers.length], credit, `ZZZZ-ZZZZ-ZZ${String(i).padStart(2, '0')}`);
      expect(res.status).toBe(400);
    }
    // The right code no longer opens the door, and says so in the same words as a wrong one.
    const colleague = await t.login('lock-colleague');
    const late = await join(colleague, credit, first);
    expect(late.status).toBe(400);
    expect(late.body.error.message).toContain('已锁定');
    expect((await join(colleague, credit, second)).status).toBe(400);
    // The inviter heard of it once (inbox), with the enterprise's name and what to do.
    const told = await t.db.read((tx) =>
      notificationsMatching(tx, { recipientUserId: boss.userId, template: 'enterprise.join_code_locked', channel: 'inbox' }),
    );
    expect(told).toHaveLength(1);
    expect((told[0].payload as { body: string }).body).toMatch(/伊春友好林机厂.*重新生成邀请码/);
    const locks = await t.db.read((tx) => auditRecordsMatching(tx, { chain: `enterprise:${id}`, action: 'enterprise.invite_locked' }));
    expect(locks).toHaveLength(2);
    // More wrong tries do not alert again: nothing is left open to lock.
    const alerts = () =>
      t.db.read((tx) => countNotifications(tx, { recipientUserId: boss.userId, template: 'enterprise.join_code_locked' }));
    const before = await alerts();
    await join(guessers[0], credit, 'ZZZZ-ZZZZ-ZZZZ');
    expect(await alerts()).toBe(before);
    // A new code opens the door.
    const fresh = await mint();
    const ok = await join(colleague, credit, fresh);
    expect([ok.status, ok.body.enterprise?.id]).toEqual([200, id]);
  });

  test('a used code says so only to someone who knows it; another enterprise never matches it', async () => {
    const c = await invite();
    const a = await t.login('join-a');
    const b = await t.login('join-b');
    expect((await join(a, code, c)).status).toBe(200);
    const again = await join(b, code, c);
    expect([again.status, again.body.error.code]).toEqual([409, 'invitation_used']);
    // The same code typed against another registered credit code is just wrong.
    const other = await t.login('join-other-owner');
    const otherCode = creditCode('230722');
    await t.http.post('/api/v1/enterprises').set(bearer(other.token)).send({
      creditCode: otherCode,
      name: '嘉荫某厂',
      countyCode: '230722',
      establishedOn: '2015-01-01',
      industryCode: 'C',
      legalRepresentative: '钱某',
      address: '嘉荫县1号',
      contactName: '周某',
      contactPhone: '13904580013',
    });
    const c2 = await invite();
    expect((await join(b, otherCode, c2)).status).toBe(400);
  });
});
