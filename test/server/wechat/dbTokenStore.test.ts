import { openTestDatabase } from '../../helpers/db';
import type { Database } from '../../../server/src/db/database';
import { DbTokenStore } from '../../../server/src/db/tokenStore';
import { countStoredWechatTokens } from '../../../server/src/db/testing';
import { createWechatClients } from '../../../server/src/wechat/clients';
import { startSandbox } from '../../../server/sandbox';

/**
 * The access token is shared by every server instance through the database: two instances (two
 * client sets on one database) fetch it once, and after WeChat calls it stale one forced refresh
 * serves both.
 */
describe('the access token in the database, shared by instances', () => {
  let db: Database;
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  beforeAll(async () => {
    db = await openTestDatabase();
    // Subscriptions not counted (43101, on by default): this is about the token.
    sandbox = await startSandbox({ port: 0, host: '127.0.0.1', strictSubscriptions: false });
  });
  afterAll(async () => {
    await sandbox.close();
    await db.close();
  });

  test('two instances, one token; a stale token is refreshed once for both', async () => {
    const creds = { mp: { appid: 'wxdbstoremp01', secret: 's1' }, oa: { appid: 'wxdbstoreoa01', secret: 's2' } };
    const one = createWechatClients({ apiBase: sandbox.baseUrl, ...creds, tokenStore: new DbTokenStore(db) });
    const two = createWechatClients({ apiBase: sandbox.baseUrl, ...creds, tokenStore: new DbTokenStore(db) });
    const send = (c: typeof one, n: number) =>
      c.mp.sendSubscribeMessage({
        touser: `mp-user${n}`,
        templateId: 'tpl-progress',
        page: 'pages/home/home',
        data: { thing1: { value: '县里正在审核' } },
      });
    await send(one, 1);
    await send(two, 2);
    const counts = () => sandbox.state.tokenRequests.byAppid.get('wxdbstoremp01')!;
    expect(counts().stable + counts().token).toBe(1);
    expect(await db.read((tx) => countStoredWechatTokens(tx, 'wxdbstoremp01'))).toBe(1);

    sandbox.control.expireTokens();
    await send(one, 3);
    await send(two, 4);
    expect(counts().stableForced).toBe(1);
    expect(sandbox.state.sent.filter((m) => m.touser.startsWith('mp-user'))).toHaveLength(4);
  });
});
