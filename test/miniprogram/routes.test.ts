/**
 * Every route the mini-program calls exists in the server's router, by method and path: the table in
 * miniprogram/services/routes.ts (the only place API paths are written: structure.test.ts) against the
 * RouteTable the real app builds.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../server/src/app';
import { openDatabase, type Database } from '../../server/src/db/database';
import { DbTokenStore } from '../../server/src/db/tokenStore';
import { createLogger } from '../../server/src/logger';
import { createWechatClients } from '../../server/src/wechat/clients';
import { isAnswerMarker, type RouteSpec } from '../../server/src/http/routeTable';
import { testConfig } from '../helpers/db';
import { ROUTES, fillPath, queryString, type Route } from '../../miniprogram/services/routes';

/** `/a/:id/b` and `/a/:other/b` are one route: the parameter's name is the handler's business. */
const shape = (r: { method: string; path: string }) => `${r.method} ${r.path.replace(/:[A-Za-z]+/g, ':')}`;

let db: Database;
let dataDir: string;
let specs: RouteSpec[];

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-routes-'));
  // The route table is all this needs: an in-memory database whatever DATABASE_URL says.
  const config = testConfig({ DATABASE_URL: '', DATA_DIR: dataDir });
  db = await openDatabase(config, { sqliteFile: ':memory:' });
  const wechat = createWechatClients({
    apiBase: 'http://127.0.0.1:9/',
    mp: config.wechat.mp,
    oa: config.wechat.oa,
    tokenStore: new DbTokenStore(db),
  });
  specs = createApp({ config, db, logger: createLogger(config), wechat: { miniProgram: wechat.mp } }).routes.specs;
});

afterAll(async () => {
  await db.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test.each<[string, Route]>(Object.entries(ROUTES))('%s is served by the server', (_name, route) => {
  const served = new Set(specs.map(shape));
  expect(served.has(shape(route))).toBe(true);
});

test('every JSON answer the mini-program reads is typed from the contract (the generated Answers of mp:sync)', () => {
  // services/http.ts types call(ROUTES.x) by `METHOD path` in Answers: a route missing there would read as null.
  const answers = fs.readFileSync(path.resolve(__dirname, '../../miniprogram/shared/contracts/responses/index.ts'), 'utf8');
  for (const [name, route] of Object.entries(ROUTES)) {
    const spec = specs.find((s) => s.method === route.method && s.path === route.path);
    expect([name, spec === undefined]).toEqual([name, false]);
    const json = !isAnswerMarker(spec!.response);
    expect([name, json, answers.includes(`'${route.method} ${route.path}': `)]).toEqual([name, json, json]);
  }
});

test('api.ts and http.ts call only routes of the table', () => {
  const read = (f: string) => fs.readFileSync(path.resolve(__dirname, '../../miniprogram/services', f), 'utf8');
  const api = read('api.ts') + read('http.ts');
  const used = [...api.matchAll(/\bROUTES\.(\w+)/g)].map((m) => `ROUTES.${m[1]}`);
  for (const name of used) expect([name, name.slice('ROUTES.'.length) in ROUTES]).toEqual([name, true]);
  // …and every route of the table has its function: nothing listed that nothing calls.
  for (const key of Object.keys(ROUTES)) expect([key, used.includes(`ROUTES.${key}`)]).toEqual([key, true]);
});

test('paths are filled and encoded, queries skip what is not given', () => {
  expect(
    fillPath('/api/v1/files/:ownerType/:ownerId/:kind', { ownerType: 'application', ownerId: '01ABC', kind: 'service_contract' }),
  ).toBe('/api/v1/files/application/01ABC/service_contract');
  expect(fillPath('/api/v1/x/:id', { id: 'a/b' })).toBe('/api/v1/x/a%2Fb');
  expect(() => fillPath('/api/v1/x/:id', {})).toThrow('missing path parameter id');
  expect(queryString({ status: 'county_review,returned', q: '', after: undefined, limit: 20 })).toBe(
    '?status=county_review%2Creturned&limit=20',
  );
});
