/**
 * Draws captured pages in Debian's headless Chromium with playwright-core (no browser download: the
 * Chromium at /usr/bin/chromium, which .ci/run installs when missing), takes the pictures and runs the
 * in-page checks (browser/checks.ts).
 *
 * Each job: the page at 375×812 (the viewport picture), the checks, then the window stretched to the
 * page's full height (the full picture: the tab bar stays at the bottom, as on a long phone). Large-text
 * jobs scale the page's fonts first. A few pages in one browser work through the jobs side by side.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { performance } from 'node:perf_hooks';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import { shellHtml, type CapturedPage } from './capture';
import type { CheckOptions, Failure, PageContent } from './checkTypes';

export const VIEWPORT = { width: 375, height: 812 };
/** 关怀模式: ≈ 23.8 px body text on a 375 px screen where the app's body text is 34 rpx = 17 px. */
export const LARGE_TEXT_FACTOR = 23.8 / 17;
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface RenderJob {
  content: CapturedPage;
  largeText: boolean;
  /** Where the 375×812 picture goes. */
  viewportFile: string;
  /** Where the full-height picture goes. */
  fullFile: string;
  /** Also a copy of the full picture, cut at this height (the reference pictures in docs/screens). */
  docFile?: { file: string; maxHeight: number };
}

export interface RenderResult {
  failures: Failure[];
  /** The page's full height in px. */
  height: number;
}

/** browser/checks.ts as a module script (type-only imports vanish; the type check is `npm run typecheck`). */
function checksScript(): string {
  const source = fs.readFileSync(path.join(__dirname, 'browser', 'checks.ts'), 'utf8');
  const js = ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
  return `<script type="module">${js}</script>`;
}

interface Tab {
  page: Page;
  cdp: CDPSession;
  /** The window's height now (set back to 812 only when it was stretched). */
  height: number;
}

/**
 * A picture of what the window shows, straight from Chromium (Page.captureScreenshot): a third of the time
 * of playwright's screenshot(), which also waits for fonts and animation frames this static page has no
 * use for. `small`: the slower, smaller PNG encoding, for pictures that are committed.
 */
async function capture(cdp: CDPSession, file: string, options: { height?: number; small?: boolean } = {}): Promise<void> {
  const clip = options.height ? { x: 0, y: 0, width: VIEWPORT.width, height: options.height, scale: 1 } : undefined;
  const shot = await cdp.send('Page.captureScreenshot', { format: 'png', optimizeForSpeed: !options.small, ...(clip ? { clip } : {}) });
  fs.writeFileSync(file, Buffer.from(shot.data, 'base64'));
}

export class Renderer {
  private readonly shell = shellHtml(checksScript());
  private readonly idle: Tab[] = [];
  private readonly waiting: ((p: Tab) => void)[] = [];

  private constructor(private readonly browser: Browser) {}

  static async start(concurrency: number): Promise<Renderer> {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--font-render-hinting=none',
        '--hide-scrollbars',
      ],
      // Noto Sans CJK SC for system-ui / sans-serif / PingFang SC (see fonts.conf).
      env: { ...process.env, FONTCONFIG_FILE: path.join(__dirname, 'fonts.conf') },
    });
    const renderer = new Renderer(browser);
    for (let i = 0; i < concurrency; i += 1) {
      // One page per context: pages of one context share a window in headless Chromium, and a picture taken
      // just after one of them was resized can come out at the other's size.
      const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
      // Nothing a page draws comes from the network.
      await context.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort()));
      const page = await context.newPage();
      await page.setContent(renderer.shell, { waitUntil: 'load' });
      // Module scripts run before the load event setContent waits for.
      if ((await page.evaluate('typeof window.__screens')) !== 'object') throw new Error('the checks script did not load in the page');
      renderer.idle.push({ page, cdp: await context.newCDPSession(page), height: VIEWPORT.height });
    }
    return renderer;
  }

  private async tab(): Promise<Tab> {
    const p = this.idle.pop();
    if (p) return p;
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(p: Tab): void {
    const next = this.waiting.shift();
    if (next) next(p);
    else this.idle.push(p);
  }

  readonly timings: Record<string, number> = {};
  private time(step: string, since: number): number {
    const now = performance.now();
    this.timings[step] = (this.timings[step] ?? 0) + now - since;
    return now;
  }

  async render(job: RenderJob): Promise<RenderResult> {
    const tab = await this.tab();
    const page = tab.page;
    let t = performance.now();
    try {
      if (tab.height !== VIEWPORT.height) {
        await page.setViewportSize(VIEWPORT);
        tab.height = VIEWPORT.height;
      }
      const { css, bodyClass, bodyStyle, bodyHtml } = job.content;
      const content: PageContent = { css, bodyClass, bodyStyle, bodyHtml };
      await page.evaluate(`window.__screens.load(${JSON.stringify(content)})`);
      t = this.time('load', t);
      // (expressions, not functions: this side's type check has no DOM; the page's API is checkTypes.ts' ScreensApi)
      if (job.largeText) await page.evaluate(`window.__screens.applyLargeText(${LARGE_TEXT_FACTOR})`);
      t = this.time('large', t);
      await capture(tab.cdp, job.viewportFile);
      t = this.time('shot', t);
      const options: CheckOptions = { largeText: job.largeText };
      const failures = await page.evaluate<Failure[]>(`window.__screens.runChecks(${JSON.stringify(options)})`);
      t = this.time('checks', t);
      const height = Math.max(VIEWPORT.height, Math.ceil(await page.evaluate<number>('document.documentElement.scrollHeight')));
      if (height === VIEWPORT.height) fs.copyFileSync(job.viewportFile, job.fullFile);
      else {
        await page.setViewportSize({ width: VIEWPORT.width, height });
        tab.height = height;
        await capture(tab.cdp, job.fullFile);
      }
      this.time('full', t);
      if (job.docFile) {
        await capture(tab.cdp, job.docFile.file, { height: Math.min(height, job.docFile.maxHeight), small: true });
      }
      return { failures, height };
    } finally {
      this.release(tab);
    }
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}
