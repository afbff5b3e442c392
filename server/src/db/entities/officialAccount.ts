import { EntitySchema } from 'typeorm';
import { col } from '../columns';

/**
 * Tables of the official account (chatbot conversations, bindings, message dedupe). The endpoint's
 * hot path reads and writes them with parameterised SQL (../../shared/notes/performance.md); the
 * schemas map them for completeness and for the test helpers that empty every table.
 */

/**
 * One row per message handled (spec/wechat.md: a message already handled is not handled again).
 * The key is unique across instances; the row is written in the transaction that handles the
 * message, with the answer given, so that a retry of WeChat gets the same answer.
 */
export interface OaMessageRow {
  /** `msg:<MsgId>` for messages, `evt:<FromUserName>:<CreateTime>` for events. */
  dedupeKey: string;
  openid: string;
  msgType: string;
  /** The text answered; null: answered `success` (no reply). */
  reply: string | null;
  createdAt: number;
}
export const OaMessageEntity = new EntitySchema<OaMessageRow>({
  name: 'OaMessage',
  tableName: 'oa_messages',
  columns: {
    dedupeKey: { type: 'varchar', length: 191, primary: true, name: 'dedupe_key' },
    openid: col.str(64),
    msgType: { ...col.str(32), name: 'msg_type' },
    reply: col.text(),
    createdAt: { ...col.ms(), name: 'created_at' },
  },
});

/** A person who follows (or followed) the official account: follow state, the guided self-check, binding attempts. */
export interface OaFollowerRow {
  openid: string;
  /** Known only when WeChat tells us; links the follower to a mini-program user with the same unionid. */
  unionid: string | null;
  followed: boolean;
  /** The guided self-check in progress (shared/src/rules/flow.ts FlowState as JSON), or null. */
  flow: string | null;
  flowUpdatedAt: number | null;
  /** Wrong binding codes within the current window: a follower cannot guess codes without limit. */
  bindFailures: number;
  bindWindowAt: number | null;
  /** Every write checks and bumps it: two messages of one person never overwrite each other's state. */
  version: number;
  createdAt: number;
  updatedAt: number;
}
export const OaFollowerEntity = new EntitySchema<OaFollowerRow>({
  name: 'OaFollower',
  tableName: 'oa_followers',
  columns: {
    openid: { type: 'varchar', length: 64, primary: true },
    unionid: col.str(64, true),
    followed: col.bool(),
    flow: col.text(),
    flowUpdatedAt: { ...col.ms(true), name: 'flow_updated_at' },
    bindFailures: { ...col.int(), name: 'bind_failures' },
    bindWindowAt: { ...col.ms(true), name: 'bind_window_at' },
    version: col.version(),
    createdAt: { ...col.ms(), name: 'created_at' },
    updatedAt: { ...col.ms(), name: 'updated_at' },
  },
});

/**
 * A short-lived, single-use code the mini-program shows to its logged-in user; sent to the official
 * account as `绑定 <code>`, it links the follower's openid to that user (when unionid cannot). Only an
 * HMAC of the code is stored.
 */
export interface OaBindingCodeRow {
  id: string;
  codeHash: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
  usedByOpenid: string | null;
}
export const OaBindingCodeEntity = new EntitySchema<OaBindingCodeRow>({
  name: 'OaBindingCode',
  tableName: 'oa_binding_codes',
  columns: {
    id: col.id(),
    codeHash: { ...col.str(64), name: 'code_hash' },
    userId: { ...col.ref(), name: 'user_id' },
    createdAt: { ...col.ms(), name: 'created_at' },
    expiresAt: { ...col.ms(), name: 'expires_at' },
    usedAt: { ...col.ms(true), name: 'used_at' },
    usedByOpenid: { ...col.str(64, true), name: 'used_by_openid' },
  },
});

export const OFFICIAL_ACCOUNT_ENTITIES: EntitySchema[] = [OaMessageEntity, OaFollowerEntity, OaBindingCodeEntity];
