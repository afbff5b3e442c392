/**
 * `npm run openapi`: writes docs/openapi.json from the route table and the zod contracts
 * (server/src/http/openapi.ts). Run it after changing a route, a schema or an error code;
 * test/server/http/openapi.test.ts fails while the checked-in file differs.
 */
import fs from 'node:fs';
import { OPENAPI_FILE, currentOpenApiJson } from '../server/src/http/apiDocument';

const next = currentOpenApiJson();
const before = fs.existsSync(OPENAPI_FILE) ? fs.readFileSync(OPENAPI_FILE, 'utf8') : null;
if (before === next) {
  console.log(`${OPENAPI_FILE}: unchanged`);
} else {
  fs.writeFileSync(OPENAPI_FILE, next);
  console.log(`${OPENAPI_FILE}: written (${Object.keys((JSON.parse(next) as { paths: object }).paths).length} paths)`);
}
