import fs from 'node:fs';
import { validate } from '@readme/openapi-parser';
import { OPENAPI_FILE, appRouteSpecs, currentOpenApiJson } from '../../../server/src/http/apiDocument';
import { errorCodesOf } from '../../../server/src/http/openapi';
import { isAnswerMarker } from '../../../server/src/http/routeTable';
import { ERROR_CODES } from '../../../shared/src/contracts/errors';
import { startTestApp, type TestApp } from '../../helpers/testApp';

/**
 * The API is pinned by docs/openapi.json: generated from the route table and the zod contracts,
 * checked in, and served. A change to a route, its schemas or the error codes shows in the diff of
 * that file; this test fails until it is regenerated.
 */
describe('the OpenAPI document', () => {
  const generated = currentOpenApiJson();
  const document = JSON.parse(generated) as {
    paths: Record<string, Record<string, { operationId: string; 'x-order': number; responses: Record<string, unknown> }>>;
    'x-error-codes': { code: string }[];
  };

  test('docs/openapi.json is what the route table generates (run `npm run openapi` after changing a route, a schema or an error code)', () => {
    const checkedIn = fs.existsSync(OPENAPI_FILE) ? fs.readFileSync(OPENAPI_FILE, 'utf8') : '';
    if (checkedIn !== generated)
      throw new Error('docs/openapi.json differs from what the route table generates: run `npm run openapi` and commit the result');
  });

  test('the same table always gives the same bytes', () => {
    expect(currentOpenApiJson()).toBe(generated);
  });

  test('is a valid OpenAPI 3.1 document', async () => {
    const result = await validate(JSON.parse(generated));
    expect(result.valid ? [] : result.errors).toEqual([]);
  });

  test('lists every route of the table once, in the order @koa/router matches them', () => {
    const specs = appRouteSpecs();
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, order: op['x-order'] })),
    );
    operations.sort((a, b) => a.order - b.order);
    expect(operations.map((o) => o.key)).toEqual(specs.map((s) => `${s.method} ${s.path.replace(/:(\w+)/g, '{$1}')}`));
    expect(specs.length).toBeGreaterThanOrEqual(115);
    for (const spec of specs) {
      // A JSON answer is declared by a schema; the rest (files, 204, WeChat's text) by what they are.
      expect([spec.path, typeof spec.response]).toEqual([spec.path, 'object']);
      if (!isAnswerMarker(spec.response)) expect(spec.response).toHaveProperty('safeParse');
    }
  });

  test('names every error code with its status, and each route the codes its access and input imply', () => {
    expect(document['x-error-codes'].map((c) => c.code)).toEqual(Object.keys(ERROR_CODES));
    for (const spec of appRouteSpecs()) {
      const codes = errorCodesOf(spec);
      if (spec.access !== 'public') expect([spec.path, codes]).toEqual([spec.path, expect.arrayContaining(['unauthenticated'])]);
      if (Array.isArray(spec.access)) expect([spec.path, codes]).toEqual([spec.path, expect.arrayContaining(['forbidden'])]);
      if (spec.body || spec.query || spec.params)
        expect([spec.path, codes]).toEqual([spec.path, expect.arrayContaining(['invalid_input'])]);
    }
  });

  describe('served', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t.close());

    test('at GET /api/v1/openapi.json, to anyone', async () => {
      const res = await t.http.get('/api/v1/openapi.json');
      expect(res.status).toBe(200);
      expect(res.type).toBe('application/json');
      expect(res.body).toEqual(JSON.parse(generated));
    });
  });
});
