import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The production build (`npm run build`, tsconfig.build.json) is server/src and shared/src only: the
 * WeChat sandbox, the development entry, the benchmark and the tests stay out of it, and the compiled
 * entry (`npm run serve`) refuses sandbox mode. Until dependency-cruiser checks the walls, the imports
 * are read here too: production code never reaches the sandbox, and the sandbox reaches nothing of the
 * product but shared/src.
 */
const ROOT = path.resolve(__dirname, '../..');
const TSC = path.join(ROOT, 'node_modules', '.bin', 'tsc');
const rel = (file: string): string => path.relative(ROOT, file).split(path.sep).join('/');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const p = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Every module a file names: static imports and re-exports, `import()` and `require()`. */
function specifiers(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)) found.push(m[1]);
  return found;
}

/** A relative specifier resolved to a repository path (without extension); packages and node: stay as they are. */
function target(file: string, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  return rel(path.resolve(ROOT, path.dirname(file), spec));
}

describe('the walls', () => {
  test('server/src and shared/src never import the sandbox, the development entry, the benchmark or the tests', () => {
    const breaches: string[] = [];
    for (const file of [...sourceFiles('server/src'), ...sourceFiles('shared/src')]) {
      for (const spec of specifiers(file)) {
        const t = target(file, spec);
        if (spec.startsWith('.') && !/^(server\/src|shared\/src)(\/|$)/.test(t)) breaches.push(`${file} → ${spec}`);
      }
    }
    expect(breaches).toEqual([]);
  });

  test('the sandbox imports nothing of the product but shared/src (its signing and encryption are its own)', () => {
    const breaches: string[] = [];
    for (const file of sourceFiles('server/sandbox')) {
      for (const spec of specifiers(file)) {
        const t = target(file, spec);
        if (spec.startsWith('.') && !/^(server\/sandbox|shared\/src)(\/|$)/.test(t)) breaches.push(`${file} → ${spec}`);
      }
    }
    expect(breaches).toEqual([]);
    // The sandbox exists and is where README says it is.
    expect(sourceFiles('server/sandbox')).toEqual(
      expect.arrayContaining([
        'server/sandbox/index.ts',
        'server/sandbox/main.ts',
        'server/sandbox/payWire.ts',
        'server/sandbox/officialAccount.ts',
      ]),
    );
  });

  test('the development entry reaches the sandbox only by a dynamic import', () => {
    const text = fs.readFileSync(path.join(ROOT, 'server/dev.ts'), 'utf8');
    expect(text).toMatch(/await import\('\.\/sandbox'\)/);
    expect(text).not.toMatch(/from '\.\/sandbox/);
  });
});

describe('npm run build', () => {
  const outDir = path.join(ROOT, 'dist', `.build-test-${process.pid}`);
  afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

  test('compiles server/src and shared/src only, and the compiled entry refuses sandbox mode', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.build).toBe('tsc -p tsconfig.build.json');
    expect(pkg.scripts.serve).toBe('node dist/server/src/main.js');

    // One compile: what the program is made of (--listFiles) and what it emits (--listEmittedFiles), into
    // a folder of this test's own under dist/, so that the compiled code finds node_modules as dist/ does.
    const output = execFileSync(TSC, ['-p', 'tsconfig.build.json', '--outDir', outDir, '--listFiles', '--listEmittedFiles'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).split('\n');
    const listed = output
      .filter((l) => l.trim() !== '' && !l.startsWith('TSFILE: ') && !l.includes('/node_modules/'))
      .map((f) => rel(f.trim()));
    expect(listed.length).toBeGreaterThan(50);
    expect(listed.filter((f) => !/^(server\/src|shared\/src)\//.test(f))).toEqual([]);
    expect(listed).toContain('server/src/main.ts');
    const emitted = output
      .filter((l) => l.startsWith('TSFILE: '))
      .map((l) => path.relative(outDir, l.slice('TSFILE: '.length).trim()).split(path.sep).join('/'));
    expect(emitted).toContain('server/src/main.js');
    expect(emitted.filter((f) => !/^(server\/src|shared\/src)\//.test(f))).toEqual([]);
    expect(emitted.filter((f) => /sandbox|(^|\/)dev\.js$|bench|throughput/i.test(f))).toEqual([]);
    // Nothing compiled names the sandbox's folder either.
    const mentions = emitted.filter(
      (f) => f.endsWith('.js') && /server\/sandbox|['"]\.\.?\/(?:\.\.\/)*sandbox['"]/.test(fs.readFileSync(path.join(outDir, f), 'utf8')),
    );
    expect(mentions).toEqual([]);

    const run = spawnSync(process.execPath, [path.join(outDir, 'server/src/main.js')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^设置错误 WECHAT_MP_SECRET: 正式入口不带微信沙箱，请设置 WECHAT_MP_APPID、WECHAT_MP_SECRET、WECHAT_OA_APPID、WECHAT_OA_SECRET、WECHAT_OA_TOKEN、PUBLIC_BASE_URL（或用 npm start 在本机试用）$/,
    );
  }, 240_000);
});
