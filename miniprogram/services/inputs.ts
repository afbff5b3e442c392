/**
 * Request bodies the mini-program sends that shared/ does not declare yet (their schemas live with the
 * server's routes). Answers are not written here: they come from shared/src/contracts/responses through
 * `npm run mp:sync` (miniprogram/shared/contracts/responses), and services/http.ts types each call by its route.
 */
import type { NotificationPreferences } from '../shared/contracts/responses';

export type TemplateGroup = keyof NotificationPreferences['groups'];
export type PreferenceChannel = 'inbox' | 'mp_subscribe' | 'oa_template';

export interface PreferencesInput {
  groups?: Partial<Record<TemplateGroup, Partial<Record<PreferenceChannel, boolean>>>>;
  quietHours?: { start: string; end: string } | null;
}

export interface MerchantLinkInput {
  /** The version seen, when an account exists (a relink): a change made meanwhile is refused. */
  version?: number;
  mchid: string;
  apiV3Key: string;
  privateKeyPem: string;
  /** apiclient_cert.pem, or its serial number below: one of the two. */
  certificatePem?: string;
  serialNo?: string;
  /** 微信支付公钥 with its PUB_KEY_ID_… id, or a 平台证书 (its serial is read from it). */
  platformKeys: { id?: string; pem: string }[];
}

/** The provider asks an enterprise (by its credit code) to pay. */
export interface PaymentRequestInput {
  creditCode: string;
  applicationId?: string;
  amountFen: number;
  description: string;
  contractNo?: string;
}
