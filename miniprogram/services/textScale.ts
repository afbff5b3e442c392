/**
 * 适老化: text follows the person's WeChat font size (小程序适老化设计指南: wx.getAppBaseInfo().fontSizeScaleFactor,
 * the user's font size over the standard 17 px; 「关怀模式」 is 23.8 px on a 375 px screen, × 1.4). Every page's
 * root view carries `--text-scale` (services/page.ts puts it in the page's data as `textStyle`), and every
 * font size of the WXSS is written `calc(<n>rpx * var(--text-scale, 1))`: text grows, boxes sized in rpx
 * stay, and buttons and inputs grow with their text (their heights follow the font, not fixed rpx).
 */

/** 「关怀模式」 on a 375 px screen: 23.8 px over the standard 17 px. */
export const CARE_MODE_FACTOR = 23.8 / 17;
/** Beyond the largest setting of WeChat (iPad +5: 29.75 / 17 ≈ 1.75) nothing is scaled further. */
const MAX_FACTOR = 1.75;
/** WeChat's −1 step (16 / 17): smaller text is not scaled below it. */
const MIN_FACTOR = 16 / 17;

/** The person's WeChat font scale, 1 where WeChat does not say (an older base library, the simulator). */
export function textScaleFactor(): number {
  let factor: unknown;
  try {
    factor =
      typeof wx.getAppBaseInfo === 'function'
        ? (wx.getAppBaseInfo() as { fontSizeScaleFactor?: number }).fontSizeScaleFactor
        : (wx.getSystemInfoSync() as { fontSizeScaleFactor?: number }).fontSizeScaleFactor;
  } catch {
    factor = undefined;
  }
  if (typeof factor !== 'number' || !Number.isFinite(factor) || factor <= 0) return 1;
  return Math.min(MAX_FACTOR, Math.max(MIN_FACTOR, factor));
}

/**
 * From WeChat's +3 step on (≈ 21 px text, × 1.2) a field's label goes above the field instead of beside it
 * (the root view's class `text-large`, styles/weui.wxss): beside it, the field would be too narrow to read.
 */
export function textScaleClass(factor = textScaleFactor()): string {
  return factor >= 1.2 ? 'text-large' : '';
}

/** The root view's style: `--text-scale: 1.4;`, rounded so that a page's data stays the same between renders. */
export function textScaleStyle(factor = textScaleFactor()): string {
  return `--text-scale: ${Math.round(factor * 1000) / 1000};`;
}
