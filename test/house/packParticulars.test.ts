import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BUILT_IN_PACKS } from '../../shared/src/pack';

/**
 * Issue 18 item 4: Yichun's particulars live in its pack (shared/src/pack/yichun/) and nowhere else
 * but its tests, the Markdown that documents it and the copies generated from them. Every tracked
 * file is read whole — code, comments, WXML, WXSS, JSON, shell, YAML alike — and each line that
 * names one is reported as file:line.
 */
const ROOT = path.resolve(__dirname, '../..');

/** The city, its phone's area code, its 备案编号's abbreviation, and its ten counties by code and name. */
const COUNTIES = [
  ['230717', '伊美区'],
  ['230718', '乌翠区'],
  ['230719', '友好区'],
  ['230722', '嘉荫县'],
  ['230723', '汤旺县'],
  ['230724', '丰林县'],
  ['230725', '大箐山县'],
  ['230726', '南岔县'],
  ['230751', '金林区'],
  ['230781', '铁力市'],
] as const;
const PARTICULARS = ['伊春', '0458', '伊云备', ...COUNTIES.flat()];

/** Where the particulars belong. */
const ALLOWED: readonly { path: RegExp; why: string }[] = [
  { path: /^shared\/src\/pack\/yichun\//, why: 'the pack itself: the one place in code they are written' },
  // test/ tests the Yichun pack with its own data; the second city's fixtures must not mention Yichun.
  { path: /^test\/(?!fixtures\/packs\/)/, why: 'the tests of the Yichun pack' },
  { path: /\.md$/, why: 'documentation of the Yichun deployment (README, DESIGN, the mini-program notes)' },
  {
    path: /^docs\/examples\/provider-filing\.json$/,
    why: "the README walk's copy of test/fixtures/providerFiling.ts (example.test.ts keeps the two equal)",
  },
  // Generated outputs: each is rewritten by a command from the pack and compared by a test.
  { path: /^miniprogram\/shared\//, why: 'npm run mp:sync copies shared/src (the pack included) byte for byte' },
  { path: /^docs\/openapi\.json$/, why: "npm run openapi writes it; its description and messages are the installed pack's" },
  { path: /^docs\/answers\.snapshot\.json$/, why: "npm run answers records the end-to-end test's answers under the Yichun pack" },
  { path: /^docs\/screens\//, why: 'npm run screens takes the pictures of the Yichun pack' },
];

const PATTERN = new RegExp(PARTICULARS.join('|'), 'g');

function trackedFiles(): string[] {
  return execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    .split('\0')
    .filter((f) => f !== '');
}

/** file:line: the particulars named, for each line of `text` that names one. */
function namedIn(file: string, text: string): string[] {
  const found: string[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    const named = line.match(PATTERN);
    if (named) found.push(`${file}:${i + 1}: ${[...new Set(named)].join(' ')}`);
  }
  return found;
}

/** Every line of the tracked files outside ALLOWED that names a particular. */
function offences(files: readonly string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    if (ALLOWED.some((a) => a.path.test(file))) continue;
    const full = path.join(ROOT, file);
    if (!fs.existsSync(full)) continue; // deleted in the working tree, not yet committed
    const bytes = fs.readFileSync(full);
    if (bytes.includes(0)) continue; // pictures and archives: no text to name anything in
    found.push(...namedIn(file, bytes.toString('utf8')));
  }
  return found;
}

describe("Yichun's particulars only in its pack (issue 18 item 4)", () => {
  const files = trackedFiles();
  const all = offences(files);

  test('the list of particulars is the pack’s own counties', () => {
    expect(COUNTIES.map(([code, name]) => ({ code, name }))).toEqual(BUILT_IN_PACKS.yichun.counties);
  });

  test('no tracked file outside the pack, its tests, *.md and generated copies names one', () => {
    expect(all).toEqual([]);
  });

  test('the check finds what it looks for, line by line, and knows where they belong', () => {
    expect(files).toContain('server/src/app.ts');
    expect(namedIn('a.wxml', '<view>伊春市</view>\nok\n请联系 0458-3878126；如 230717（伊美区）')).toEqual([
      'a.wxml:1: 伊春',
      'a.wxml:3: 0458 230717 伊美区',
    ]);
    expect(offences(['shared/src/pack/yichun/index.ts', 'README.md', 'test/server/config.test.ts'])).toEqual([]);
    const allowed = (f: string) => ALLOWED.some((a) => a.path.test(f));
    expect(['test/fixtures/packs/second/index.ts', 'shared/src/pack/types.ts'].filter(allowed)).toEqual([]);
  });
});
