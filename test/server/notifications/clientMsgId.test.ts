import { clearAccessTokens, clearOutbox, recordedSends } from '../../../server/src/db/testing';
import { TEMPLATE_SEND_PATH } from '../../../server/sandbox';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../../server/src/modules/notifications/settings';
import { clientMsgIdOf } from '../../../server/src/modules/notifications/worker';
import { openBench, progressParams, type Bench } from './harness';

/**
 * Issue 15, 6: a template message carries client_msg_id from its notification's idempotency key, and
 * WeChat (the sandbox, as WeChat does) sends one message per openid and client_msg_id within 10
 * minutes — so a send repeated after an unknown outcome arrives once.
 */
let b: Bench;
beforeAll(async () => {
  b = await openBench();
});
afterAll(() => b.close());
beforeEach(async () => {
  b.sandbox.control.reset();
  await b.db.transaction(async (tx) => {
    await clearOutbox(tx);
    await clearAccessTokens(tx);
  });
});

async function templateOnly(name: string, eventKey: string): Promise<string> {
  const u = await b.user(name, { mp: false });
  await b.enqueue({
    eventKey,
    recipientUserIds: [u.id],
    template: 'application.status',
    params: progressParams('YC2026CM'),
    channels: ['oa_template'],
  });
  return u.oaOpenid!;
}

test('a crash after WeChat took the message: the repeat carries the same client_msg_id and arrives once', async () => {
  const openid = await templateOnly('cmid-crash', 'cmid:crash');
  const crashing = b.worker({
    hooks: {
      afterWechatAccepted() {
        throw new Error('process killed');
      },
    },
  });
  expect((await crashing.runOnce()).crashed).toBe(1);
  b.advance(DEFAULT_NOTIFICATION_SETTINGS.leaseMs + 1_000);
  expect((await b.drain(b.worker())).sent).toBe(1);

  const sent = b.sandbox.control.sentTo(openid);
  expect(sent).toHaveLength(1);
  const key = (await b.db.read((tx) => recordedSends(tx, { channel: 'oa_template' })))[0].idempotencyKey;
  expect(sent[0]).toMatchObject({ kind: 'template', clientMsgId: clientMsgIdOf(key) });
  // Both tries reached WeChat: the second was answered with the first message's id, and nothing more sent.
  expect(b.sandbox.state.requestCounts.get(TEMPLATE_SEND_PATH)).toBe(2);
  const rows = await b.db.read((tx) => recordedSends(tx, { channel: 'oa_template' }));
  expect(rows.map((r) => ({ status: r.status, wechatMsgid: r.wechatMsgid }))).toEqual([{ status: 'sent', wechatMsgid: sent[0].msgid }]);
});

test('client_msg_id is stable per notification, distinct between notifications, and within WeChat’s 64 bytes', () => {
  const long = `application.status:${'x'.repeat(200)}:oa_template`;
  expect(clientMsgIdOf(long)).toBe(clientMsgIdOf(long));
  expect(clientMsgIdOf('a:1:oa_template')).not.toBe(clientMsgIdOf('a:2:oa_template'));
  expect(Buffer.byteLength(clientMsgIdOf(long))).toBeLessThanOrEqual(64);
});

test('the sandbox keeps a client_msg_id for 10 minutes only, per openid', async () => {
  const send = (openid: string, clientMsgId: string) =>
    b.wechat.oa.sendTemplateMessage({ touser: openid, templateId: 't-cmid', data: { thing1: { value: '进度更新' } }, clientMsgId });
  b.sandbox.control.follow('oa-a');
  b.sandbox.control.follow('oa-b');
  const first = await send('oa-a', 'same-id');
  expect((await send('oa-a', 'same-id')).msgid).toBe(first.msgid);
  // Another follower with the same id is another message.
  expect((await send('oa-b', 'same-id')).msgid).not.toBe(first.msgid);
  b.sandbox.control.advance(10 * 60_000);
  expect((await send('oa-a', 'same-id')).msgid).not.toBe(first.msgid);
  expect(b.sandbox.control.sentTo('oa-a')).toHaveLength(2);
  // Past 64 bytes WeChat answers 45067.
  await expect(send('oa-a', 'x'.repeat(65))).rejects.toMatchObject({ errcode: 45067 });
});
