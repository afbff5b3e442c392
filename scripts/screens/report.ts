/**
 * What a run found: the known failures (a checked-in allowlist, reported but not failing the run), the
 * report (report.json + the printed summary) and the index page that shows the pictures side by side by
 * role and flow.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CHECK_NAMES, type CheckName, type Failure } from './checkTypes';
import { ROLE_TITLES, type Role, type ShotMeta } from './scenarios/types';

export type Mode = 'standard' | 'large';
export const MODE_TITLES: Record<Mode, string> = { standard: '标准字号', large: '关怀模式（大字）' };

export interface Shot extends ShotMeta {
  /** `<slug>/<state>`, unique. */
  id: string;
  /** pages/enterprise/apply/apply */
  page: string;
  /** enterprise-apply */
  slug: string;
  scenario: string;
}

export interface Rendered {
  shot: Shot;
  mode: Mode;
  failures: Failure[];
  height: number;
  /** Relative to the output folder. */
  viewportFile: string;
  fullFile: string;
}

export interface KnownFailure {
  page: string;
  state: string;
  mode: Mode;
  check: CheckName;
  element: string;
  text: string;
}

export interface KnownFailuresFile {
  about: string;
  failures: KnownFailure[];
}

export const KNOWN_FAILURES_FILE = path.join(__dirname, 'known-failures.json');

// Not by text: a generated code or a credit code in the text must not make a known failure new.
const keyOf = (f: KnownFailure): string => [f.page, f.state, f.mode, f.check, f.element].join('\u0000');

export function readKnownFailures(): KnownFailure[] {
  if (!fs.existsSync(KNOWN_FAILURES_FILE)) return [];
  return (JSON.parse(fs.readFileSync(KNOWN_FAILURES_FILE, 'utf8')) as KnownFailuresFile).failures;
}

export function writeKnownFailures(failures: KnownFailure[]): void {
  const sorted = [...failures].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  const file: KnownFailuresFile = {
    about:
      'Failures of the screens checks that are known and accepted for now (npm run screens reports them as known, ' +
      'does not fail on them). A failure not listed here fails the run. Rewrite with `npm run screens -- --update-known-failures` ' +
      'after fixing pages (entries that no longer occur are reported as stale).',
    failures: sorted,
  };
  // One failure a line: diffs show what changed.
  const body = sorted.map((f) => `    ${JSON.stringify(f)}`).join(',\n');
  fs.writeFileSync(KNOWN_FAILURES_FILE, `{\n  "about": ${JSON.stringify(file.about)},\n  "failures": [\n${body}\n  ]\n}\n`);
}

export interface Outcome {
  all: (KnownFailure & { detail: string; known: boolean })[];
  fresh: number;
  stale: KnownFailure[];
  counts: Record<CheckName, { total: number; known: number; fresh: number }>;
}

export function compare(rendered: Rendered[], known: KnownFailure[], ranShots: Set<string>): Outcome {
  const knownKeys = new Set(known.map(keyOf));
  const seen = new Set<string>();
  const counts = Object.fromEntries(CHECK_NAMES.map((c) => [c, { total: 0, known: 0, fresh: 0 }])) as Outcome['counts'];
  const all: Outcome['all'] = [];
  for (const r of rendered) {
    for (const f of r.failures) {
      const k: KnownFailure = { page: r.shot.page, state: r.shot.state, mode: r.mode, check: f.check, element: f.element, text: f.text };
      const key = keyOf(k);
      seen.add(key);
      const isKnown = knownKeys.has(key);
      all.push({ ...k, detail: f.detail, known: isKnown });
      counts[f.check].total += 1;
      counts[f.check][isKnown ? 'known' : 'fresh'] += 1;
    }
  }
  // Stale: listed, for a state that ran, but no longer failing.
  const stale = known.filter((k) => ranShots.has(`${k.page}\u0000${k.state}`) && !seen.has(keyOf(k)));
  return { all, fresh: all.filter((f) => !f.known).length, stale, counts };
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** index.html: by role, then flow; each state with its standard and large-text picture side by side. */
export function writeIndex(outDir: string, rendered: Rendered[], outcome: Outcome, seconds: number): void {
  const byShot = new Map<string, Rendered[]>();
  for (const r of rendered) byShot.set(r.shot.id, [...(byShot.get(r.shot.id) ?? []), r]);
  const failuresOf = (shot: Shot) => outcome.all.filter((f) => f.page === shot.page && f.state === shot.state);
  const shots = [...new Map(rendered.map((r) => [r.shot.id, r.shot])).values()];
  const roles = (Object.keys(ROLE_TITLES) as Role[]).filter((role) => shots.some((s) => s.role === role));
  const sections = roles.map((role) => {
    const ofRole = shots.filter((s) => s.role === role);
    const flows = [...new Set(ofRole.map((s) => s.flow))];
    return (
      `<section><h2 id="${role}">${esc(ROLE_TITLES[role])}</h2>` +
      flows
        .map((flow) => {
          const cards = ofRole
            .filter((s) => s.flow === flow)
            .map((s) => {
              const rs = byShot.get(s.id) ?? [];
              const fs_ = failuresOf(s);
              const fresh = fs_.filter((f) => !f.known).length;
              const pictures = rs
                .map(
                  (r) =>
                    `<a href="${esc(r.fullFile)}" title="${esc(MODE_TITLES[r.mode])}：整页"><span>${esc(MODE_TITLES[r.mode])}</span><img loading="lazy" src="${esc(r.viewportFile)}" alt="${esc(`${s.title} · ${MODE_TITLES[r.mode]}`)}"></a>`,
                )
                .join('');
              const list = fs_.length
                ? `<details><summary>${fs_.length} 项检查未通过${fresh ? `，<b class="fresh">${fresh} 项新问题</b>` : '（均为已知）'}</summary><ul>${fs_
                    .map(
                      (f) =>
                        `<li class="${f.known ? 'known' : 'fresh'}">[${MODE_TITLES[f.mode]}] <b>${f.check}</b> <code>${esc(f.element)}</code> “${esc(f.text)}” — ${esc(f.detail)}</li>`,
                    )
                    .join('')}</ul></details>`
                : '<p class="ok">检查全部通过</p>';
              return `<figure id="${esc(s.id)}"><div class="pics">${pictures}</div><figcaption><b>${esc(s.title)}</b><br><code>${esc(s.page)}</code> · ${esc(s.state)}${s.doc ? ' · docs' : ''}${list}</figcaption></figure>`;
            })
            .join('');
          return `<h3>${esc(flow)}</h3><div class="grid">${cards}</div>`;
        })
        .join('') +
      '</section>'
    );
  });
  const counts = Object.entries(outcome.counts)
    .map(([c, n]) => `<li><b>${c}</b>: ${n.total}（已知 ${n.known}，新 ${n.fresh}）</li>`)
    .join('');
  const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>上云补助 · 页面截图</title><style>
body{font-family:system-ui,sans-serif;margin:24px;background:#f5f5f5;color:#222}
nav a{margin-right:12px} h2{margin-top:40px;border-bottom:2px solid #07c160;padding-bottom:4px} h3{margin:24px 0 8px;color:#555}
.grid{display:flex;flex-wrap:wrap;gap:20px} figure{margin:0;background:#fff;padding:10px;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.1);width:790px}
.pics{display:flex;gap:10px} .pics a{color:#666;font-size:12px;text-decoration:none} .pics img{display:block;width:375px;border:1px solid #ddd} figcaption{margin-top:6px;font-size:13px;line-height:1.5}
details{margin-top:4px} li.fresh{color:#c00} li.known{color:#666} .ok{color:#07c160;margin:4px 0} code{font-size:12px}
</style></head><body><h1>上云补助 · 每个页面的每个状态</h1>
<p>${shots.length} 个状态，${rendered.length} 张（375×812，标准字号与关怀模式），用时 ${seconds.toFixed(1)} 秒。点击图片看整页。</p>
<ul>${counts}</ul><nav>${roles.map((r) => `<a href="#${r}">${esc(ROLE_TITLES[r])}</a>`).join('')}</nav>${sections.join('')}</body></html>`;
  fs.writeFileSync(path.join(outDir, 'index.html'), html);
}

export function printSummary(outcome: Outcome, shots: number, pictures: number, seconds: number): void {
  const lines = [`screens: ${shots} states, ${pictures} renders (standard + large text) in ${seconds.toFixed(1)} s`];
  for (const [check, n] of Object.entries(outcome.counts))
    lines.push(`  ${check.padEnd(12)} ${String(n.total).padStart(5)} failing  (known ${n.known}, new ${n.fresh})`);
  if (outcome.stale.length)
    lines.push(`  ${outcome.stale.length} known failures no longer occur (stale): npm run screens -- --update-known-failures`);
  const fresh = outcome.all.filter((f) => !f.known);
  for (const f of fresh.slice(0, 40))
    lines.push(`  NEW ${f.check} · ${f.page} · ${f.state} · ${f.mode}: ${f.element} “${f.text}” — ${f.detail}`);
  if (fresh.length > 40) lines.push(`  … and ${fresh.length - 40} more new failures (report.json)`);
  console.log(lines.join('\n'));
}
