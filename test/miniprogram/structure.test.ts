/**
 * The mini-program as WeChat DevTools will load it: every page in app.json with its four files, every
 * component it uses present, nothing imported from outside the mini-program root (DevTools compiles only
 * what lies under it), and the network reached only through services/http.ts.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../miniprogram');
const app = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8')) as {
  pages: string[];
  tabBar?: { list: { pagePath: string }[] };
};

function files(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? files(path.join(dir, d.name)) : [path.join(dir, d.name)]));
}
const tsFiles = files(ROOT).filter((f) => f.endsWith('.ts'));
const rel = (f: string) => path.relative(ROOT, f).split(path.sep).join('/');

test.each(app.pages)('page %s has its .ts, .wxml, .wxss and .json', (page) => {
  for (const ext of ['.ts', '.wxml', '.wxss', '.json']) expect(fs.existsSync(path.join(ROOT, `${page}${ext}`))).toBe(true);
  // Pages are built with Component() (so that miniprogram-simulate can test them), through page() (services/page.ts).
  expect(fs.readFileSync(path.join(ROOT, `${page}.ts`), 'utf8')).toMatch(/^Component\(\s*page\(\{/m);
});

test('every page that the server links to from its notifications exists', () => {
  const templates = fs.readFileSync(path.resolve(__dirname, '../../server/src/modules/notifications/templates.ts'), 'utf8');
  const linked = [...templates.matchAll(/page: `(pages\/[a-z/]+)/g)].map((m) => m[1]);
  expect(linked.length).toBeGreaterThan(0);
  for (const page of linked) expect(app.pages).toContain(page);
});

test('the tab bar names pages of app.json', () => {
  for (const tab of app.tabBar?.list ?? []) expect(app.pages).toContain(tab.pagePath);
});

test('every component a page or component uses exists with its four files', () => {
  const jsons = files(ROOT).filter(
    (f) => f.endsWith('.json') && (f.includes(`${path.sep}pages${path.sep}`) || f.includes(`${path.sep}components${path.sep}`)),
  );
  for (const json of jsons) {
    const using = (JSON.parse(fs.readFileSync(json, 'utf8')) as { usingComponents?: Record<string, string> }).usingComponents ?? {};
    for (const target of Object.values(using)) {
      const base = target.startsWith('/') ? path.join(ROOT, target) : path.resolve(path.dirname(json), target);
      for (const ext of ['.ts', '.wxml', '.wxss', '.json']) expect([rel(json), fs.existsSync(`${base}${ext}`)]).toEqual([rel(json), true]);
    }
  }
});

test('no import climbs out of the mini-program root, and none names an npm package', () => {
  for (const f of tsFiles) {
    for (const m of fs.readFileSync(f, 'utf8').matchAll(/from '([^']+)'/g)) {
      const spec = m[1];
      expect([rel(f), spec, spec.startsWith('.')]).toEqual([rel(f), spec, true]);
      const target = path.resolve(path.dirname(f), spec);
      expect([rel(f), spec, target.startsWith(ROOT + path.sep)]).toEqual([rel(f), spec, true]);
    }
  }
});

test('only services/http.ts calls wx.request, wx.uploadFile and wx.downloadFile', () => {
  const callers = tsFiles.filter((f) => /wx\.(request|uploadFile|downloadFile)\(/.test(fs.readFileSync(f, 'utf8'))).map(rel);
  expect(callers).toEqual(['services/http.ts']);
});

test('API paths are written only in services/routes.ts', () => {
  const writers = tsFiles.filter((f) => /['`]\/api\/v1\//.test(fs.readFileSync(f, 'utf8'))).map(rel);
  expect(writers).toEqual(['services/routes.ts']);
});

test('the project opens in DevTools with TypeScript and a placeholder appid', () => {
  const project = JSON.parse(fs.readFileSync(path.join(ROOT, 'project.config.json'), 'utf8')) as {
    appid: string;
    miniprogramRoot: string;
    setting: { useCompilerPlugins: string[] };
  };
  expect(project.appid).toBe('touristappid');
  expect(project.miniprogramRoot).toBe('./');
  expect(project.setting.useCompilerPlugins).toContain('typescript');
  const tsconfig = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8')) as {
    compilerOptions: { strict: boolean; types: string[] };
  };
  expect(tsconfig.compilerOptions.strict).toBe(true);
  expect(tsconfig.compilerOptions.types).toEqual(['miniprogram-api-typings']);
});
