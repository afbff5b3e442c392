/**
 * Since 2023-10-17 WeChat disables the privacy APIs (choosing files from chats, the album or the
 * camera, phone numbers) until the person has agreed to the mini-program's privacy guide. Before any of
 * them: ask WeChat whether agreement is needed, and if so open our privacy page, whose button
 * (open-type="agreePrivacyAuthorization") records it.
 */
import { getPrivacySetting, navigateTo } from './wxp';

export const PRIVACY_PAGE = '/pages/me/privacy/privacy';

/** True when the privacy APIs may be used now; otherwise the privacy page opens and the caller stops. */
export async function ensurePrivacyAgreed(): Promise<boolean> {
  const setting = await getPrivacySetting();
  if (!setting.needAuthorization) return true;
  navigateTo(`${PRIVACY_PAGE}?back=1`);
  return false;
}
