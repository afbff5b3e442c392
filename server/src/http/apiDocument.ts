import path from 'node:path';
import { createApp } from '../app';
import { loadConfig } from '../config';
import type { Database } from '../db/database';
import { openApiJson } from './openapi';
import type { RouteSpec } from './routeTable';

/** Where the checked-in document lives: `npm run openapi` writes it, a test compares it. */
export const OPENAPI_FILE = path.resolve(__dirname, '../../../docs/openapi.json');

/** The app's route table, built without a database (no route touches one before a request). */
export function appRouteSpecs(): RouteSpec[] {
  const config = loadConfig({ NODE_ENV: 'test' });
  const logger = {
    error() {},
    warn() {},
    info() {},
    debug() {},
    child() {
      return logger;
    },
  };
  return createApp({
    config,
    // Only what building the app touches: nothing queries the database before a request.
    db: { onAvailability() {} } as unknown as Database,
    logger: logger as never,
    wechat: { miniProgram: { code2Session: () => Promise.resolve({ openid: 'x' }) } },
  }).routes.specs;
}

/** The OpenAPI document of the app as it is now (docs/openapi.json's intended content). */
export function currentOpenApiJson(): string {
  return openApiJson(appRouteSpecs());
}
