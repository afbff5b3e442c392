import { em } from '../orm';
import type { Tx } from '../tx';

/** Overwrites a follower's stored self-check state as it is (say, damaged): the chatbot must drop it, not trust it. */
export async function overwriteFollowerFlow(tx: Tx, openid: string, flow: unknown): Promise<void> {
  await em(tx).query('UPDATE oa_followers SET flow = ? WHERE openid = ?', [JSON.stringify(flow), openid]);
}
