import { startTestApp, type TestApp } from '../../helpers/testApp';
import { creditCode, seedApplication, seedEnterprise, seedProvider } from '../../helpers/applications';
import { insertOpinion, type Opinion as ReviewOpinionRow } from '../../../server/src/db/opinions';
import { readFollower } from '../../../server/src/db/followers';
import { auditRecordsMatching, overwriteFollowerFlow } from '../../../server/src/db/testing';
import { findUser } from '../../../server/src/db/users';
import { newId } from '../../../server/src/ids';
import { TRUNCATED_SUFFIX } from '../../../server/src/modules/officialAccount/texts';
import { recordFollowerUnionid } from '../../../server/src/modules/officialAccount/binding';
import { eventXml, nextCreateTime, nextMsgId, OA_ID, postPlain, readReply, say } from './wechatPush';

/**
 * The chatbot over real HTTP and the real database: every command, the guided self-check to its
 * verdict, binding then 进度 and 待办, and the 2048-byte ceiling.
 */
describe('official account chatbot', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { POLICY_EFFECTIVE_FROM: '2023-06-01' } });
  });
  afterAll(() => t.close());

  async function bindingCode(token: string): Promise<string> {
    const res = await t.http.post('/api/v1/me/oa-binding-code').set('authorization', `Bearer ${token}`);
    expect(res.status).toBe(201);
    expect(res.body.code).toMatch(/^\d{8}$/);
    expect(res.body.howTo).toContain(`绑定 ${res.body.code}`);
    return res.body.code as string;
  }

  async function opinion(applicationId: string, fields: Partial<ReviewOpinionRow>): Promise<void> {
    const row: ReviewOpinionRow = {
      id: newId(),
      applicationId,
      round: 1,
      level: 'county',
      department: 'miit',
      reviewerId: newId(),
      decision: 'approve',
      reasons: null,
      ratingEffect: 4,
      ratingService: 4,
      internalNote: null,
      createdAt: Date.now(),
      ...fields,
    };
    await t.db.transaction((tx) => insertOpinion(tx, row));
  }

  const bytes = (s: string | null) => Buffer.byteLength(s ?? '', 'utf8');

  describe('commands anyone may send', () => {
    test('帮助 lists every command', async () => {
      const reply = await say(t, 'oa-anyone', '帮助');
      for (const word of ['政策', '条件', '材料', '流程', '自测', '进度', '绑定', '待办', '联系']) expect(reply).toContain(word);
    });

    test('政策: the standard, the cap, and the effective date from the settings', async () => {
      const reply = await say(t, 'oa-anyone', '政策');
      expect(reply).toContain('50%');
      expect(reply).toContain('单户企业最高不超过10万元');
      expect(reply).toContain('2023-06-01');
      expect(reply).toContain('合同额12万元，可补6万元');
      expect(reply).toContain('（封顶）');
      expect(reply).toContain('细则一');
    });

    test('条件: the six conditions of 二', async () => {
      const reply = await say(t, 'oa-anyone', '条件');
      for (const item of ['（一）', '（二）', '（三）', '（四）', '（五）', '（六）']) expect(reply).toContain(item);
      expect(reply).toContain('成立时间不低于1年');
      expect(reply).toContain('一户企业只能申领一次');
    });

    test('材料: the five materials of 三（三）', async () => {
      const reply = await say(t, 'oa-anyone', '材料');
      expect(reply).toContain('三（三）');
      for (const item of ['兑付申请表', '服务合同', '营业执照复印件', '上云情况总结与评价', '收付款凭证']) expect(reply).toContain(item);
    });

    test('流程: 三（四）（五） and the platform’s steps', async () => {
      const reply = await say(t, 'oa-anyone', '流程');
      for (const item of ['三（四）（五）', '联合行文', '拟补贴名单', '拨付', '云服务商确认']) expect(reply).toContain(item);
    });

    test('联系, 备案', async () => {
      expect(await say(t, 'oa-anyone', '联系')).toContain('市工信局信息化推进科，电话 0458-3878126');
      expect(await say(t, 'oa-anyone', '备案')).toContain('三（一）（二）');
    });

    test('full-width spaces and trailing punctuation are forgiven', async () => {
      expect(await say(t, 'oa-anyone', '  政策？')).toContain('50%');
    });

    test('free text falls back to the closest policy answer, else the menu', async () => {
      const money = await say(t, 'oa-anyone', '补贴多少');
      expect(money).toContain('50%');
      expect(money).toContain('最接近');
      expect(await say(t, 'oa-anyone', '需要什么材料')).toContain('三（三）');
      expect(await say(t, 'oa-anyone', '电话')).toContain('0458-3878126');
      expect(await say(t, 'oa-anyone', '申请补贴需要什么条件')).toContain('（六）');
      expect(await say(t, 'oa-anyone', '服务商怎么备案')).toContain('备案申报书');
      const menu = await say(t, 'oa-anyone', '你好');
      expect(menu).toContain('回复下面的文字');
      expect(await say(t, 'oa-anyone', '__proto__')).toContain('回复下面的文字');
    });

    test('subscribe: a welcome with the menu; unsubscribe: no reply, and the follow state kept', async () => {
      const welcome = await postPlain(t, eventXml('oa-newcomer', 'subscribe'));
      expect(readReply(welcome.text).Content).toContain('欢迎关注');
      expect(readReply(welcome.text).Content).toContain('自测');
      const bye = await postPlain(t, eventXml('oa-newcomer', 'unsubscribe'));
      expect(bye.text).toBe('success');
      expect((await readFollower(t.db, 'oa-newcomer'))!.followed).toBe(false);
    });

    test('a menu button (CLICK) works as its command; a picture gets the menu; a voice transcript is read', async () => {
      const click = await postPlain(t, eventXml('oa-anyone', 'CLICK', nextCreateTime(), '<EventKey><![CDATA[联系]]></EventKey>'));
      expect(readReply(click.text).Content).toContain('0458-3878126');
      const image = await postPlain(
        t,
        `<xml><ToUserName>${OA_ID}</ToUserName><FromUserName>oa-anyone</FromUserName><CreateTime>1</CreateTime><MsgType>image</MsgType><PicUrl>https://example.com/a.jpg</PicUrl><MediaId>m</MediaId><MsgId>${nextMsgId()}</MsgId></xml>`,
      );
      expect(readReply(image.text).Content).toContain('只能识别文字');
      const voice = await postPlain(
        t,
        `<xml><ToUserName>${OA_ID}</ToUserName><FromUserName>oa-anyone</FromUserName><CreateTime>1</CreateTime><MsgType>voice</MsgType><MediaId>m</MediaId><Format>amr</Format><Recognition><![CDATA[政策。]]></Recognition><MsgId>${nextMsgId()}</MsgId></xml>`,
      );
      expect(readReply(voice.text).Content).toContain('50%');
    });

    test('进度 and 待办 ask an unbound follower to bind first', async () => {
      expect(await say(t, 'oa-stranger', '进度')).toContain('绑定码');
      expect(await say(t, 'oa-stranger', '待办')).toContain('绑定码');
      expect(await say(t, 'oa-stranger', '我的申请到哪一步了')).toContain('绑定码');
    });
  });

  describe('绑定', () => {
    test('the code is issued only to a logged-in user', async () => {
      expect((await t.http.post('/api/v1/me/oa-binding-code')).status).toBe(401);
    });

    test('bad, reused, superseded codes are refused; guessing is limited', async () => {
      expect(await say(t, 'oa-guesser', '绑定')).toContain('8位绑定码');
      expect(await say(t, 'oa-guesser', '绑定 12ab')).toContain('8位绑定码');
      const { token } = await t.login('dora');
      const old = await bindingCode(token);
      const current = await bindingCode(token);
      expect(await say(t, 'oa-dora', `绑定 ${old}`)).toContain('已过期');
      expect(await say(t, 'oa-dora', `绑定：${current}`)).toContain('绑定成功');
      expect(await say(t, 'oa-other', `绑定 ${current}`)).toContain('已使用');
      for (let i = 0; i < 5; i++) await say(t, 'oa-guesser', `绑定 ${String(10_000_000 + i)}`);
      const fresh = await bindingCode(token);
      // Even a right code waits out the window once a follower has guessed too often.
      expect(await say(t, 'oa-guesser', `绑定 ${fresh}`)).toContain('次数太多');
      const status = await t.http.get('/api/v1/me/oa-binding').set('authorization', `Bearer ${token}`);
      expect(status.body).toEqual({ bound: true, followed: expect.anything() });
    });

    test('binding then 进度: the seeded applications in plain words, with the last reasons and never an internal note', async () => {
      const alice = await t.login('alice');
      const provider = await seedProvider(t.db, (await t.login('alice-provider')).userId);
      const enterprise = await seedEnterprise(t.db, [alice.userId], { name: '伊春林都木业有限公司' });
      const returned = await seedApplication(t.db, enterprise, provider, 'returned', { returnedFrom: 'county' });
      await opinion(returned.id, { decision: 'approve', department: 'finance', internalNote: '财政内部：同意' });
      await opinion(returned.id, {
        decision: 'return',
        reasons: [
          { material: '营业执照', message: '请上传清晰的营业执照复印件' },
          { field: '合同金额', message: '与合同不一致' },
        ],
        internalNote: '内部备注：怀疑合同造假，勿告知企业',
      });
      const rejected = await seedApplication(t.db, enterprise, provider, 'rejected', {
        lastReason: '合同签订早于服务商备案（细则三（一））',
      });
      await seedApplication(t.db, enterprise, provider, 'withdrawn');

      const code = await bindingCode(alice.token);
      expect(await say(t, 'oa-alice', `绑定 ${code}`)).toContain('绑定成功');
      const reply = await say(t, 'oa-alice', '进度');
      expect(reply).toContain(`申报编号 ${returned.trackingNo}`);
      expect(reply).toContain('伊春林都木业有限公司');
      expect(reply).toContain('状态：需要您按意见补充或修改材料');
      expect(reply).toContain('【营业执照】请上传清晰的营业执照复印件');
      expect(reply).toContain('【合同金额】与合同不一致');
      expect(reply).toContain('下一步：请打开小程序');
      expect(reply).toContain(`申报编号 ${rejected.trackingNo}`);
      expect(reply).toContain('状态：申请未通过');
      expect(reply).toContain('意见：合同签订早于服务商备案');
      expect(reply).not.toContain('内部');
      expect(reply).not.toContain('造假');
      expect(reply).not.toContain('您已撤回');
      expect(bytes(reply)).toBeLessThanOrEqual(2048);

      const audit = await t.db.read((tx) =>
        auditRecordsMatching(tx, { entityType: 'user', entityId: alice.userId, action: 'user.oa_linked' }),
      );
      expect(audit).toHaveLength(1);
      expect((await t.db.read((tx) => findUser(tx, alice.userId)))!.oaOpenid).toBe('oa-alice');
    });

    test('binding the same user from another follower moves the link', async () => {
      const alice = await t.login('alice');
      const code = await bindingCode(alice.token);
      expect(await say(t, 'oa-alice-new-phone', `绑定 ${code}`)).toContain('绑定成功');
      expect(await say(t, 'oa-alice', '进度')).toContain('绑定码');
      expect(await say(t, 'oa-alice-new-phone', '进度')).toContain('需要您按意见补充或修改材料');
    });

    test('a follower whose unionid is a mini-program user’s is linked without a code', async () => {
      const carol = await t.login('carol'); // the sandbox gives her unionid union-carol
      const reply = await say(t, 'oa-carol', '进度', undefined, '<UnionId><![CDATA[union-carol]]></UnionId>');
      expect(reply).toContain('还没有上云补助申请');
      expect((await t.db.read((tx) => findUser(tx, carol.userId)))!.oaOpenid).toBe('oa-carol');
      // From then on the link holds without the unionid.
      expect(await say(t, 'oa-carol', '进度')).toContain('还没有上云补助申请');
    });

    test('a unionid learnt elsewhere (WeChat’s user-info API) links the follower at its next message', async () => {
      const frank = await t.login('frank');
      expect(await recordFollowerUnionid(t.db, 'oa-frank', 'union-frank', Date.now())).toBe(true);
      expect(await say(t, 'oa-frank', '进度')).toContain('还没有上云补助申请');
      expect((await t.db.read((tx) => findUser(tx, frank.userId)))!.oaOpenid).toBe('oa-frank');
      // A user already linked elsewhere is not taken over by a unionid: only 绑定 moves a link.
      expect(await recordFollowerUnionid(t.db, 'oa-frank-2', 'union-frank', Date.now())).toBe(true);
      expect(await say(t, 'oa-frank-2', '进度')).toContain('绑定码');
    });
  });

  describe('待办', () => {
    test('a county reviewer sees the counts of their own county’s queue', async () => {
      const reviewer = await t.login('county-reviewer');
      await t.grant(reviewer.token, 'county_miit', '230717');
      const owner = (await t.login('todo-enterprise')).userId;
      const here = await seedEnterprise(t.db, [owner], { countyCode: '230717' });
      const there = await seedEnterprise(t.db, [owner], { countyCode: '230718' });
      const provider = await seedProvider(t.db, owner);
      const reviewedByMiit = await seedApplication(t.db, here, provider, 'county_review');
      await opinion(reviewedByMiit.id, { department: 'miit', decision: 'approve' });
      const reviewedByFinance = await seedApplication(t.db, here, provider, 'county_review');
      await opinion(reviewedByFinance.id, { department: 'finance', decision: 'approve' });
      await seedApplication(t.db, here, provider, 'county_review');
      await seedApplication(t.db, here, provider, 'county_approved');
      await seedApplication(t.db, there, provider, 'county_review');
      await seedApplication(t.db, here, provider, 'reported');

      expect(await say(t, 'oa-county-reviewer', '待办')).toContain('绑定码');
      expect(await say(t, 'oa-county-reviewer', `绑定 ${await bindingCode(reviewer.token)}`)).toContain('绑定成功');
      const reply = await say(t, 'oa-county-reviewer', '待办');
      expect(reply).toContain('伊美区·县（市）区工信部门的待办');
      expect(reply).toContain('县级审核中：3 件（其中待本部门出具意见 2 件）');
      expect(reply).toContain('县级审核通过，待联合行文上报：1 件');
      expect(reply).not.toContain('市工信局审核中');
    });

    test('city MIIT sees reported, approved and provider filings; an enterprise user is told 待办 is for reviewers', async () => {
      const city = await t.login('city-reviewer');
      await t.grant(city.token, 'city_miit');
      await say(t, 'oa-city', `绑定 ${await bindingCode(city.token)}`);
      const reply = await say(t, 'oa-city', '待办');
      expect(reply).toContain('市工信局审核中：1 件');
      expect(reply).toContain('已核定，待列入拟补贴名单：0 件');
      expect(reply).toContain('云服务商备案待审核：0 件');
      expect(await say(t, 'oa-alice-new-phone', '待办')).toContain('供县（市）区和市级审核人员使用');
    });
  });

  describe('自测', () => {
    test('a whole conversation, one question per message, ends with the verdict and the estimate in 元', async () => {
      const provider = await seedProvider(t.db, (await t.login('flow-provider')).userId);
      const answers = [
        '是',
        creditCode('230717'),
        '是',
        '是',
        'C',
        '是',
        '2019-04-12',
        '是',
        '没有',
        '没有',
        '没有',
        '否',
        '否',
        '是',
        provider.filingNo!,
        '2023年8月1日',
        '12万',
        '120000',
        '0',
      ];
      let reply = await say(t, 'oa-flow', '自测');
      expect(reply).toContain('第1题');
      expect(reply).toContain('伊春市');
      for (const [i, answer] of answers.entries()) {
        reply = await say(t, 'oa-flow', answer);
        if (i < answers.length - 1) expect([answer, reply]).toEqual([answer, expect.stringContaining(`第${i + 2}题`)]);
      }
      expect(reply).toContain('自测结果：符合申报条件');
      expect(reply).toContain('预计可获补助：60,000.00 元');
      expect(reply).toContain('合同金额 120,000.00 元，按50%计算可补助 60,000.00 元');
      expect((await readFollower(t.db, 'oa-flow'))!.flow).toBeNull();
      // Over: the next message is a message, not an answer.
      expect(await say(t, 'oa-flow', '是')).toContain('回复下面的文字');
    });

    test('a failed verdict names the clause of each failure: a bound user’s own records outrank the answers (二（六）)', async () => {
      const erin = await t.login('erin');
      const provider = await seedProvider(t.db, (await t.login('erin-provider')).userId);
      const enterprise = await seedEnterprise(t.db, [erin.userId]);
      await seedApplication(t.db, enterprise, provider, 'county_review');
      await say(t, 'oa-erin', `绑定 ${await bindingCode(erin.token)}`);
      // She answers "no application in progress"; the platform knows better.
      const answers = [
        '是',
        enterprise.creditCode,
        '是',
        '是',
        'C',
        '是',
        '2019-04-12',
        '是',
        '没有',
        '没有',
        '没有',
        '否',
        '否',
        '是',
        provider.filingNo!,
        '2023-08-01',
        '120000',
        '120000',
        '0',
      ];
      await say(t, 'oa-erin', '自测');
      let reply: string | null = null;
      for (const answer of answers) reply = await say(t, 'oa-erin', answer);
      expect(reply).toContain('自测结果：暂不符合申报条件');
      expect(reply).toContain('· 细则二（六）：');
      expect(reply).toContain('合同金额 120,000.00 元，按50%计算可补助 60,000.00 元');
      expect(reply).not.toContain('预计可获补助');
    });

    test('a stop on a date compares it with the answer before (三（一）)', async () => {
      const answers = [
        '是',
        creditCode('230717'),
        '是',
        '是',
        '跳过',
        '是',
        '2019-04-12',
        '是',
        '没有',
        '没有',
        '没有',
        '否',
        '否',
        '是',
        '跳过',
        '2023-09-01',
        '2023-08-01',
      ];
      await say(t, 'oa-late-filing', '自测');
      let reply: string | null = null;
      for (const answer of answers) reply = await say(t, 'oa-late-filing', answer);
      // The provider's filing (2023-09-01) came after the contract (2023-08-01): 三（一）.
      expect(reply).toContain('自测结束：暂不符合申报条件（细则三（一））');
    });

    test('an early stop gives its clause; a bad answer is asked again; 政策 mid-way keeps the place; 退出 leaves', async () => {
      await say(t, 'oa-quitter', '自测');
      const again = await say(t, 'oa-quitter', '也许吧');
      expect(again).toContain('请回复 是 或 否');
      expect(again).toContain('第1题');
      const aside = await say(t, 'oa-quitter', '政策');
      expect(aside).toContain('50%');
      expect(aside).toContain('自测进行中');
      expect(aside).toContain('第1题');
      expect(await say(t, 'oa-quitter', '是')).toContain('第2题');
      expect(await say(t, 'oa-quitter', '退出')).toContain('已退出自测');
      expect(await say(t, 'oa-quitter', '退出')).toContain('没有进行中的自测');

      await say(t, 'oa-stopper', '自测');
      const stop = await say(t, 'oa-stopper', '否');
      expect(stop).toContain('自测结束：暂不符合申报条件（细则二（一））');
      expect(stop).toContain('伊春市');
      const individual = [
        await say(t, 'oa-individual', '自测'),
        await say(t, 'oa-individual', '是'),
        await say(t, 'oa-individual', '92230717MA1BXXXX1X'),
      ];
      expect(individual[2]).toMatch(/统一社会信用代码|个体工商户/);
    });

    test('an unknown provider is asked for again, not guessed', async () => {
      await say(t, 'oa-provider-q', '自测');
      for (const a of ['是', creditCode('230717'), '是', '是', 'C', '是', '2019-04-12', '是', '没有', '没有', '没有', '否', '否', '是'])
        await say(t, 'oa-provider-q', a);
      expect(await say(t, 'oa-provider-q', '不存在的云公司')).toContain('没有找到这个已备案的云服务商');
      expect(await say(t, 'oa-provider-q', '跳过')).toContain('备案通过的日期');
    });

    test('a damaged stored state is dropped, not trusted', async () => {
      await say(t, 'oa-damaged', '自测');
      await t.db.transaction((tx) =>
        overwriteFollowerFlow(tx, 'oa-damaged', {
          policy: 'yichun-2023-cloud',
          asOf: '2024-01-01',
          answers: { registeredInYichun: 'maybe' },
          stop: null,
        }),
      );
      expect(await say(t, 'oa-damaged', '是')).toContain('无法继续');
      expect(await say(t, 'oa-damaged', '是')).toContain('回复下面的文字');
    });
  });

  test('every reply stays within 2048 bytes: a very long answer is cut gracefully', async () => {
    const bob = await t.login('bob');
    const provider = await seedProvider(t.db, (await t.login('bob-provider')).userId);
    const enterprise = await seedEnterprise(t.db, [bob.userId]);
    const longReason = `请补充以下材料：${'合同附件第一页至最后一页的清晰扫描件]]>，'.repeat(200)}`;
    for (let i = 0; i < 6; i++) await seedApplication(t.db, enterprise, provider, 'returned', { lastReason: longReason });
    await say(t, 'oa-bob', `绑定 ${await bindingCode(bob.token)}`);
    const res = await postPlain(
      t,
      `<xml><ToUserName>${OA_ID}</ToUserName><FromUserName>oa-bob</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>进度</Content><MsgId>${nextMsgId()}</MsgId></xml>`,
    );
    const content = readReply(res.text).Content;
    expect(bytes(content)).toBeLessThanOrEqual(2048);
    expect(bytes(content)).toBeGreaterThan(1800);
    expect(content.endsWith(TRUNCATED_SUFFIX)).toBe(true);
    expect(content).toContain('需要您按意见补充或修改材料');
    // The "]]>" inside the reason did not break the XML: one Content element, properly closed.
    expect(res.text.match(/<\/Content><\/xml>$/)).not.toBeNull();
    expect(content).not.toMatch(/\uFFFD/);
  });
});
