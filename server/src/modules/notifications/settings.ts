import { DEFAULT_OVERDUE_DAYS } from '../../../../shared/src/workflow/overdue';
/**
 * Settings of notification delivery, with the sandbox's defaults. config.ts carries none of these
 * yet: the worker takes overrides through its deps, and the environment variables they would come
 * from are listed beside each (to be added to config.ts, which checks every setting at start-up).
 */

/** The WeChat message templates the platform uses; each needs one id per channel. */
export const MESSAGE_KINDS = ['applicationProgress', 'confirmRequest', 'filingResult', 'reviewAlert', 'digest'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** Application stages a digest reports on, with the provider filings that wait for city MIIT. */
export const DIGEST_STAGES = [
  'provider_check',
  'county_review',
  'county_approved',
  'reported',
  'city_approved',
  'listed',
  'approved',
  'filing_submitted',
] as const;
export type DigestStage = (typeof DIGEST_STAGES)[number];

export interface NotificationSettings {
  /**
   * Subscribe-message template ids (小程序 → 订阅消息 → 我的模板), per message kind.
   * Env: NOTIFY_MP_TEMPLATE_PROGRESS, _CONFIRM, _FILING, _REVIEW, _DIGEST.
   */
  subscribeTemplateIds: Record<MessageKind, string>;
  /** Official-account template ids (公众号 → 模板消息). Env: NOTIFY_OA_TEMPLATE_PROGRESS, _CONFIRM, _FILING, _REVIEW, _DIGEST. */
  oaTemplateIds: Record<MessageKind, string>;
  /** Which mini-program version a subscribe message opens. Env: NOTIFY_MP_STATE (developer|trial|formal). */
  miniprogramState: 'developer' | 'trial' | 'formal';
  /** Rows claimed per round. Env: NOTIFY_BATCH_SIZE. */
  batchSize: number;
  /** Sends in flight at once per worker. Env: NOTIFY_CONCURRENCY. */
  concurrency: number;
  /**
   * How long a claim holds. It must exceed the longest send: the client's 5 s timeout, a token
   * refresh and one retry with a fresh token make three requests; a row whose lease runs out is
   * returned by the sweeper and may be sent by another worker. Env: NOTIFY_LEASE_SECONDS.
   */
  leaseMs: number;
  /** A claimed row is not sent when less than this is left of its lease (a slow batch releases it instead). */
  leaseSafetyMs: number;
  /** First retry delay; doubles per attempt up to retryCapMs, with jitter. Env: NOTIFY_RETRY_BASE_SECONDS. */
  retryBaseMs: number;
  retryCapMs: number;
  /** Attempts per row and channel before it is dead. Env: NOTIFY_MAX_ATTEMPTS. */
  maxAttempts: number;
  /** A row still undelivered this long after it was written is dead. Env: NOTIFY_DEAD_AFTER_HOURS. */
  deadAfterMs: number;
  /** Wait between rounds when there was nothing to do. Env: NOTIFY_POLL_MS. */
  pollIdleMs: number;
  sweepEveryMs: number;
  digestCheckEveryMs: number;
  /** The time of day (Asia/Shanghai) digests go out, in minutes after midnight. Env: NOTIFY_DIGEST_TIME (HH:MM). */
  digestMinuteOfDay: number;
  /** Days in a stage after which an item counts as overdue. Env: NOTIFY_OVERDUE_DAYS ("county_review=15,reported=15"). */
  overdueDays: Record<DigestStage, number>;
}

export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = {
  subscribeTemplateIds: {
    applicationProgress: 'sbx-mp-progress',
    confirmRequest: 'sbx-mp-confirm',
    filingResult: 'sbx-mp-filing',
    reviewAlert: 'sbx-mp-review',
    digest: 'sbx-mp-digest',
  },
  oaTemplateIds: {
    applicationProgress: 'sbx-oa-progress',
    confirmRequest: 'sbx-oa-confirm',
    filingResult: 'sbx-oa-filing',
    reviewAlert: 'sbx-oa-review',
    digest: 'sbx-oa-digest',
  },
  miniprogramState: 'formal',
  batchSize: 200,
  concurrency: 64,
  leaseMs: 60_000,
  leaseSafetyMs: 20_000,
  retryBaseMs: 5_000,
  retryCapMs: 30 * 60_000,
  maxAttempts: 20,
  deadAfterMs: 24 * 3_600_000,
  pollIdleMs: 500,
  sweepEveryMs: 15_000,
  digestCheckEveryMs: 60_000,
  digestMinuteOfDay: 8 * 60,
  // The application stages share the queues' limits (OVERDUE_DAYS); provider filings are this module's own.
  overdueDays: { ...(DEFAULT_OVERDUE_DAYS as Record<Exclude<DigestStage, 'filing_submitted'>, number>), filing_submitted: 15 },
};

export type NotificationSettingsOverrides = Partial<
  Omit<NotificationSettings, 'subscribeTemplateIds' | 'oaTemplateIds' | 'overdueDays'>
> & {
  subscribeTemplateIds?: Partial<Record<MessageKind, string>>;
  oaTemplateIds?: Partial<Record<MessageKind, string>>;
  overdueDays?: Partial<Record<DigestStage, number>>;
};

export function resolveNotificationSettings(overrides: NotificationSettingsOverrides = {}, sandbox = true): NotificationSettings {
  const d = DEFAULT_NOTIFICATION_SETTINGS;
  return {
    ...d,
    // The sandbox has no released version: open the developer build there.
    miniprogramState: sandbox ? 'developer' : d.miniprogramState,
    ...overrides,
    subscribeTemplateIds: { ...d.subscribeTemplateIds, ...overrides.subscribeTemplateIds },
    oaTemplateIds: { ...d.oaTemplateIds, ...overrides.oaTemplateIds },
    overdueDays: { ...d.overdueDays, ...overrides.overdueDays },
  };
}

/** Template ids still at their sandbox defaults: in production WeChat would refuse them (40037). */
export function sandboxTemplateIdsIn(settings: NotificationSettings): string[] {
  const ids = [...Object.values(settings.subscribeTemplateIds), ...Object.values(settings.oaTemplateIds)];
  return ids.filter((id) => id.startsWith('sbx-'));
}
