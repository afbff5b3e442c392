/** What the in-page checks (browser/checks.ts) report; shared with the Node side. */
export type CheckName = 'overflow' | 'clipped' | 'tap-target' | 'contrast' | 'line-height';

export const CHECK_NAMES: readonly CheckName[] = ['overflow', 'clipped', 'tap-target', 'contrast', 'line-height'];

export interface Failure {
  check: CheckName;
  /** A readable selector, e.g. `wx-view.weui-cell.entry > wx-view.weui-cell__bd`. */
  element: string;
  /** The element's text (or an input's value), first 40 characters. */
  text: string;
  /** What was measured, e.g. "2.32:1 < 4.5:1 (#b3b3b3 on #ffffff, 14px)". */
  detail: string;
}

export interface CheckOptions {
  /** 关怀模式: fonts scaled, and main actions need 60×60. */
  largeText: boolean;
}

/** A state put into the shell document (capture.ts' CapturedPage without its name). */
export interface PageContent {
  css: string;
  bodyClass: string;
  bodyStyle: string;
  bodyHtml: string;
}

/** What render.ts calls in the page. */
export interface ScreensApi {
  /** Replaces the page's CSS and body; returns the document's height. */
  load(content: PageContent): number;
  runChecks(options: CheckOptions): Failure[];
  applyLargeText(factor: number): void;
}
