/**
 * `npm run screens`: every page of the mini-program in its meaningful states, driven through the real
 * server in-process exactly as the page tests drive it (test/miniprogram/support), with a fixed clock and
 * seed, drawn by headless Chromium at 375×812 and at full height, in standard and large text (关怀模式), and
 * checked (overflow, clipped text, tap targets, contrast, line height — browser/checks.ts).
 *
 *   npm run screens                              pictures + index.html + report.json in screens-out/
 *   npm run screens -- --report-only             never exits non-zero for failed checks
 *   npm run screens -- --update-docs             also rewrites docs/screens/<area>-<page>.png (one a page)
 *   npm run screens -- --update-known-failures   rewrites known-failures.json with what fails now
 *   npm run screens -- --only <text>             only the scenarios whose name contains <text>
 *                                                (for working on a page; the allowlist is not judged stale)
 *   SCREENS_HTML=1 npm run screens               also keeps each state's HTML beside its pictures
 *   SCREENS_VERBOSE=1 npm run screens            prints each scenario's time
 *
 * Exit status: 1 when a check fails that known-failures.json does not list (unless --report-only), when a
 * scenario fails, or when a page logs an unexpected error; 0 otherwise.
 */
import './environment';
import './determinism';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { MINIPROGRAM_ROOT, startMiniProgram, type MiniProgram } from '../../test/miniprogram/support/harness';
import { PLATFORM_KEY_PEM } from '../../test/fixtures/wechatPayCerts';
import { capturePage, standaloneHtml, type CapturedPage, type DomNode, type Overlay } from './capture';
import { FIXED_START, STEP_MS, enterStep, resetDeterminism } from './determinism';
import type { RenderResult } from './render';
import { RenderClient } from './renderClient';
import { compare, printSummary, readKnownFailures, writeIndex, writeKnownFailures, type Mode, type Rendered, type Shot } from './report';
import { SCENARIOS } from './scenarios';
import type { Screen, ShotMeta } from './scenarios/types';

const REPO = path.resolve(__dirname, '../..');
const OUT = path.join(REPO, 'screens-out');
const DOCS = path.join(REPO, 'docs', 'screens');
/** Reference pictures: the full page, cut at two screens. */
const DOC_MAX_HEIGHT = 2 * 812;

interface Args {
  reportOnly: boolean;
  updateDocs: boolean;
  updateKnown: boolean;
  only: string | null;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { reportOnly: false, updateDocs: false, updateKnown: false, only: null };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (a === '--report-only') args.reportOnly = true;
    else if (a === '--update-docs') args.updateDocs = true;
    else if (a === '--update-known-failures') args.updateKnown = true;
    else if (a === '--only') args.only = argv[++i] ?? null;
    else throw new Error(`unknown argument ${a} (see scripts/screens/main.ts)`);
  }
  if (args.only && (args.updateDocs || args.updateKnown))
    throw new Error('--only cannot be combined with --update-docs or --update-known-failures: they need every page');
  return args;
}

/** A scenario that hangs (the clock stands still between steps: a harness waitFor never times out) fails after this long. */
const SCENARIO_TIMEOUT_MS = 120_000;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish in ${ms / 1000} s`)), ms);
  });
  // A scenario that lost the race may still fail later, on a closed server: that is already reported.
  p.catch(() => undefined);
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** pages/enterprise/apply/apply → enterprise-apply; pages/home/home → home. */
export function slugOf(page: string): string {
  const parts = page.replace(/^pages\//, '').split('/');
  if (parts.length > 1 && parts.at(-1) === parts.at(-2)) parts.pop();
  return parts.join('-');
}

function appPages(): string[] {
  return (JSON.parse(fs.readFileSync(path.join(MINIPROGRAM_ROOT, 'app.json'), 'utf8')) as { pages: string[] }).pages;
}

function overlayOf(mp: MiniProgram, meta: ShotMeta): Overlay | undefined {
  if (meta.overlay === 'modal') {
    const m = mp.wx.modals.at(-1);
    if (!m) throw new Error(`${meta.state}: no dialog was shown`);
    return {
      kind: 'modal',
      title: m.title,
      content: m.content,
      showCancel: m.showCancel ?? true,
      confirmText: m.confirmText ?? '确定',
      cancelText: m.cancelText ?? '取消',
    };
  }
  if (meta.overlay === 'toast') {
    const t = mp.wx.toastsShown.at(-1);
    if (!t) throw new Error(`${meta.state}: no toast was shown`);
    return { kind: 'toast', title: t.title, icon: t.icon };
  }
  return undefined;
}

/** The status bar's clock: the fixed start, in Yichun. */
function clockText(): string {
  const d = new Date(FIXED_START + 8 * 3_600_000);
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
  if (args.updateDocs) {
    fs.rmSync(DOCS, { recursive: true, force: true });
    fs.mkdirSync(DOCS, { recursive: true });
  }

  const renderer = await RenderClient.start();
  const shots: Shot[] = [];
  const pending: Promise<Rendered | null>[] = [];
  const problems: string[] = [];
  const scenarios = SCENARIOS.filter((s) => !args.only || s.name.includes(args.only));
  if (!scenarios.length) throw new Error(`no scenario matches ${args.only}`);

  const renderShot = (shot: Shot, content: CapturedPage): void => {
    fs.mkdirSync(path.join(OUT, shot.slug), { recursive: true });
    if (process.env.SCREENS_HTML) fs.writeFileSync(path.join(OUT, shot.slug, `${shot.state}.html`), standaloneHtml(content));
    for (const mode of ['standard', 'large'] as Mode[]) {
      const base = `${shot.slug}/${shot.state}${mode === 'large' ? '.large' : ''}`;
      const docFile =
        args.updateDocs && shot.doc && mode === 'standard'
          ? { file: path.join(DOCS, `${shot.slug}.png`), maxHeight: DOC_MAX_HEIGHT }
          : undefined;
      pending.push(
        renderer
          .render({
            content,
            largeText: mode === 'large',
            viewportFile: path.join(OUT, `${base}.png`),
            fullFile: path.join(OUT, `${base}.full.png`),
            docFile,
          })
          .then(
            (r: RenderResult): Rendered => ({
              shot,
              mode,
              failures: r.failures,
              height: r.height,
              viewportFile: `${base}.png`,
              fullFile: `${base}.full.png`,
            }),
            (err: unknown) => {
              problems.push(`${shot.id} (${mode}) could not be drawn: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
              return null;
            },
          ),
      );
    }
  };

  for (const scenario of scenarios) {
    resetDeterminism();
    const logged: string[] = [];
    const consoleError = console.error;
    console.error = (...parts: unknown[]) =>
      logged.push(parts.map((p) => (p instanceof Error ? (p.stack ?? p.message) : String(p))).join(' '));
    const t0 = performance.now();
    let mp: MiniProgram | undefined;
    // Every action on a page is a step of its own: the clock and the seed are set at its start and end.
    let step = 0;
    const nextStep = (): void => {
      step += 1;
      if (!enterStep(step)) problems.push(`scenario ${scenario.name}: step ${step - 1} read the clock more than ${STEP_MS} times`);
    };
    const stepped =
      <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
      async (...a: A): Promise<R> => {
        nextStep();
        try {
          return await f(...a);
        } finally {
          nextStep();
        }
      };
    try {
      // WeChat Pay's platform key is fixed (test/fixtures): the sandbox would make a new one, shown on pages, each run.
      mp = await startMiniProgram({
        sandbox: { pay: { platformKey: { privateKeyPem: PLATFORM_KEY_PEM, publicKeyId: 'PUB_KEY_ID_0119000067812026120100000001' } } },
      });
      const opened: Screen[] = [];
      const titles = new WeakMap<object, string | undefined>();
      await withTimeout(
        scenario.run({
          mp,
          open: stepped(async (page: string, query?: Record<string, string>) => {
            const titlesBefore = mp!.wx.navigationTitles.length;
            const handle = await mp!.open(page, query);
            // A title the page set while it loaded (the home page's, from the policy pack) is the one it shows.
            titles.set(handle, mp!.wx.navigationTitles.slice(titlesBefore).at(-1));
            for (const m of ['tap', 'input', 'change', 'call', 'settle', 'waitFor'] as const) {
              const f = (handle[m] as (...a: unknown[]) => Promise<unknown>).bind(handle);
              (handle as unknown as Record<string, unknown>)[m] = stepped(f);
            }
            const screen = Object.assign(handle, { path: page }) as Screen;
            opened.push(screen);
            return screen;
          }),
          shot(screen, meta) {
            const slug = slugOf(screen.path);
            const id = `${slug}/${meta.state}`;
            if (!/^[a-z0-9-]+$/.test(meta.state)) throw new Error(`state ${meta.state}: use a-z, 0-9 and -`);
            if (shots.some((s) => s.id === id)) throw new Error(`two pictures named ${id}`);
            const shot: Shot = { ...meta, id, page: screen.path, slug, scenario: scenario.name };
            shots.push(shot);
            renderShot(
              shot,
              capturePage(MINIPROGRAM_ROOT, screen.path, screen.comp.dom as unknown as DomNode, {
                clock: clockText(),
                overlay: overlayOf(mp!, meta),
                navigationTitle: titles.get(screen),
              }),
            );
          },
        }),
        SCENARIO_TIMEOUT_MS,
        `scenario ${scenario.name}`,
      );
      for (const s of opened) for (const e of s.errors) logged.push(`${s.path}: ${e instanceof Error ? e.message : String(e)}`);
    } catch (err) {
      problems.push(`scenario ${scenario.name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    } finally {
      console.error = consoleError;
      await mp?.close().catch(() => undefined);
    }
    for (const l of logged) problems.push(`scenario ${scenario.name}: a page logged an error: ${l.split('\n').slice(0, 4).join(' | ')}`);
    if (process.env.SCREENS_VERBOSE) console.log(`  ${scenario.name}: ${Math.round(performance.now() - t0)} ms, ${step} steps`);
  }

  const rendered = (await Promise.all(pending)).filter((r): r is Rendered => r !== null);
  const timings = await renderer.close();
  if (process.env.SCREENS_VERBOSE)
    console.log(
      '  render time by step (ms, summed over pages):',
      Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v)])),
    );
  const seconds = (performance.now() - started) / 1000;

  if (args.updateDocs) {
    const documented = new Set(shots.filter((s) => s.doc).map((s) => s.page));
    const twice = shots
      .filter((s) => s.doc)
      .map((s) => s.page)
      .filter((p, i, all) => all.indexOf(p) !== i);
    for (const p of appPages()) if (!documented.has(p)) problems.push(`no reference picture (doc: true) for ${p}`);
    for (const p of twice) problems.push(`two reference pictures (doc: true) for ${p}`);
  }

  const ranShots = new Set(shots.map((s) => `${s.page}\u0000${s.state}`));
  const known = readKnownFailures();
  let outcome = compare(rendered, known, args.only ? new Set() : ranShots);
  if (args.updateKnown) {
    writeKnownFailures(outcome.all.map(({ page, state, mode, check, element, text }) => ({ page, state, mode, check, element, text })));
    outcome = compare(rendered, readKnownFailures(), ranShots);
  }
  const missingPages = appPages().filter((p) => !shots.some((s) => s.page === p));
  if (!args.only) for (const p of missingPages) problems.push(`no picture of ${p}`);

  fs.writeFileSync(
    path.join(OUT, 'report.json'),
    `${JSON.stringify({ seconds: Math.round(seconds * 10) / 10, states: shots.length, renders: rendered.length, counts: outcome.counts, newFailures: outcome.fresh, stale: outcome.stale, problems, shots: shots.map(({ id, page, state, title, role, flow, doc }) => ({ id, page, state, title, role, flow, doc: !!doc })), failures: outcome.all }, null, 2)}\n`,
  );
  writeIndex(OUT, rendered, outcome, seconds);
  printSummary(outcome, shots.length, rendered.length, seconds);
  console.log(
    `  pictures and index: ${path.relative(process.cwd(), path.join(OUT, 'index.html'))}${args.updateDocs ? `; reference pictures: ${path.relative(process.cwd(), DOCS)}/` : ''}`,
  );
  for (const p of problems) console.log(`  PROBLEM ${p}`);
  if (problems.length) return 1;
  if (outcome.fresh && !args.reportOnly) {
    console.log(`  ${outcome.fresh} new failures: fix them, or (if accepted) npm run screens -- --update-known-failures`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
