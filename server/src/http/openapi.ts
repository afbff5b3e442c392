import { z } from 'zod';
import { ERROR_CODES, errorStatuses, type ErrorCode } from '../../../shared/src/contracts/errors';
import { errorAnswerSchema } from '../../../shared/src/contracts/responses/common';
import { policyPack } from '../../../shared/src/pack';
import { isAnswerMarker, isBodyMarker, successStatuses, type RouteSpec } from './routeTable';

/**
 * The OpenAPI 3.1 document of the API, written from the route table (server/src/http/routes.ts) and
 * the zod contracts (shared/src/contracts): every route in the order it is registered (@koa/router
 * matches in that order; `x-order` keeps it where several methods share a path), who may call it,
 * what it takes and answers, and the error codes it may answer with.
 *
 * The same table always gives the same bytes: `npm run openapi` writes docs/openapi.json, the server
 * answers it at GET /api/v1/openapi.json, and test/server/http/openapi.test.ts fails when the two
 * differ.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const COMPONENT = '#/components/schemas/';

/** The document's info, its platform named by the installed pack. */
export const openapiInfo = () => ({
  title: '上云补助 API',
  version: '1',
  description: [
    `${policyPack().platformName}的 HTTP 接口（/api/v1）。`,
    '',
    '登录：小程序 wx.login 的 code 提交到 POST /api/v1/auth/wx-login，换得 token；之后每个请求带 `Authorization: Bearer <token>`。',
    '谁可以调用每个接口见 `security` 与 `x-roles`（所需角色之一）、`x-deny-roles`（即使有所需角色也不能调用）。',
    '',
    '金额一律为整数分（fen），时刻为毫秒时间戳，日期为北京时间 YYYY-MM-DD。修改类请求带上看到的 `version`，内容已被他人修改时答 409 stale_version。',
    '',
    '出错时一律答 `{"error": {"code", "message", "details": [{"path", "message"}]}}`：`message` 是给人看的中文，`code` 供程序判断，全部取值见 `components.schemas.Error` 与 `x-error-codes`。',
  ].join('\n'),
});

/** A zod schema as JSON Schema 2020-12, its named parts moved to `components.schemas`. */
class SchemaWriter {
  readonly components = new Map<string, { json: string; io: 'input' | 'output' }>();

  write(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
    const raw = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonObject;
    // The document declares its dialect once; each schema's own $schema is dropped.
    const { $defs, ...rest } = raw;
    delete rest.$schema;
    for (const [name, def] of Object.entries(($defs ?? {}) as JsonObject)) {
      const json = JSON.stringify(relink(def));
      const known = this.components.get(name);
      if (known && known.json !== json)
        throw new Error(
          `OpenAPI: the schema named ${name} reads differently as ${io} than as ${known.io}: give the ${io} side a schema of its own`,
        );
      if (!known) this.components.set(name, { json, io });
    }
    return relink(rest) as JsonObject;
  }

  schemas(): JsonObject {
    const out: JsonObject = {};
    for (const name of [...this.components.keys()].sort()) out[name] = JSON.parse(this.components.get(name)!.json) as Json;
    return out;
  }
}

function relink(value: Json): Json {
  if (Array.isArray(value)) return value.map(relink);
  if (value === null || typeof value !== 'object') return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value))
    out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/') ? COMPONENT + v.slice('#/$defs/'.length) : relink(v);
  return out;
}

const pathParams = (path: string): string[] => [...path.matchAll(/:(\w+)/g)].map((m) => m[1]);
const openApiPath = (path: string): string => path.replace(/:(\w+)/g, '{$1}');

function operationId(spec: RouteSpec): string {
  const words = spec.path
    .replace(/^\/api\/v1\//, '/')
    .split('/')
    .filter(Boolean)
    .map((segment) => (segment.startsWith(':') ? `by-${segment.slice(1)}` : segment))
    .flatMap((segment) => segment.split(/[^A-Za-z0-9]+/))
    .filter(Boolean);
  return [spec.method.toLowerCase(), ...words.map((w) => w[0].toUpperCase() + w.slice(1))].join('');
}

function tagOf(spec: RouteSpec): string {
  const m = /^\/api\/v1\/([^/]+)/.exec(spec.path);
  return m ? m[1] : spec.path.split('/').filter(Boolean)[0];
}

/** The codes a route may answer: what follows from its access and input, and what it declares. */
export function errorCodesOf(spec: RouteSpec): ErrorCode[] {
  const codes = new Set<ErrorCode>();
  const jsonBody = spec.body !== undefined && !isBodyMarker(spec.body);
  if (spec.params || spec.query || spec.body) codes.add('invalid_input');
  if (spec.access !== 'public') codes.add('unauthenticated');
  if (Array.isArray(spec.access) || spec.deny?.length) codes.add('forbidden');
  if (pathParams(spec.path).length) codes.add('not_found');
  if (jsonBody && spec.body instanceof z.ZodObject && 'version' in spec.body.shape) codes.add('stale_version');
  if (spec.body) {
    codes.add('payload_too_large');
    codes.add('unsupported_media_type');
  }
  for (const c of spec.errors ?? []) codes.add(c);
  const order = Object.keys(ERROR_CODES) as ErrorCode[];
  return [...codes].sort((a, b) => Math.min(...errorStatuses(a)) - Math.min(...errorStatuses(b)) || order.indexOf(a) - order.indexOf(b));
}

const SUCCESS_TEXT: Record<number, string> = { 200: '成功', 201: '已创建', 202: '已受理', 204: '成功，无内容' };

function successResponse(spec: RouteSpec, status: number, writer: SchemaWriter): JsonObject {
  const response = spec.response;
  const description = SUCCESS_TEXT[status] ?? '成功';
  if (!isAnswerMarker(response)) return { description, content: { 'application/json': { schema: writer.write(response, 'output') } } };
  if (response.kind === 'empty') return { description: `${description}：${response.description}` };
  const content: JsonObject = {};
  for (const type of response.mediaTypes)
    content[type] = { schema: response.kind === 'file' ? { type: 'string', contentMediaType: type } : { type: 'string' } };
  return { description: `${description}：${response.description}`, content };
}

function errorResponses(codes: readonly ErrorCode[]): JsonObject {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) for (const status of errorStatuses(code)) byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  const out: JsonObject = {};
  for (const status of [...byStatus.keys()].sort((a, b) => a - b)) {
    const list = byStatus.get(status)!;
    out[String(status)] = {
      description: list.map((c) => `${c}：${ERROR_CODES[c].description}`).join('；'),
      'x-error-codes': list,
      content: { 'application/json': { schema: { $ref: `${COMPONENT}Error` } } },
    };
  }
  return out;
}

function operation(spec: RouteSpec, index: number, writer: SchemaWriter): JsonObject {
  const op: JsonObject = { operationId: operationId(spec), summary: spec.summary, tags: [tagOf(spec)], 'x-order': index };
  if (spec.access === 'public') {
    op.security = [];
    op['x-access'] = 'public';
  } else if (spec.access === 'wechat') {
    op.security = [{ wechatSignature: [] }];
    op['x-access'] = 'wechat';
  } else {
    op.security = [{ bearer: [] }];
    op['x-access'] = spec.access === 'authenticated' ? 'authenticated' : 'roles';
    if (spec.access !== 'authenticated') op['x-roles'] = [...spec.access];
  }
  if (spec.deny?.length) op['x-deny-roles'] = [...spec.deny];

  const parameters: Json[] = [];
  for (const name of pathParams(spec.path)) {
    const schema = spec.params?.[name];
    if (!schema) throw new Error(`OpenAPI: ${spec.method} ${spec.path} declares no schema for its path parameter :${name}`);
    parameters.push({ name, in: 'path', required: true, schema: writer.write(schema, 'input') });
  }
  for (const name of Object.keys(spec.params ?? {}))
    if (!pathParams(spec.path).includes(name)) throw new Error(`OpenAPI: ${spec.method} ${spec.path} has no path parameter :${name}`);
  if (spec.query) {
    const query = writer.write(spec.query, 'input');
    const properties = (query.properties ?? {}) as JsonObject;
    const required = (query.required ?? []) as string[];
    for (const [name, schema] of Object.entries(properties))
      parameters.push({ name, in: 'query', required: required.includes(name), schema });
  }
  if (parameters.length) op.parameters = parameters;

  if (spec.body !== undefined) {
    if (isBodyMarker(spec.body)) {
      op.requestBody =
        spec.body.kind === 'multipart'
          ? {
              required: true,
              description: spec.body.description,
              content: {
                'multipart/form-data': {
                  schema: {
                    type: 'object',
                    properties: {
                      [spec.body.field]: { type: 'array', items: { type: 'string', contentMediaType: 'application/octet-stream' } },
                    },
                    required: [spec.body.field],
                  },
                },
              },
            }
          : {
              required: true,
              description: spec.body.description,
              content: { 'application/xml': { schema: { type: 'string' } }, 'text/xml': { schema: { type: 'string' } } },
            };
    } else {
      op.requestBody = {
        required: !spec.body.safeParse({}).success,
        content: { 'application/json': { schema: writer.write(spec.body, 'input') } },
      };
    }
  }

  const responses: JsonObject = {};
  for (const status of successStatuses(spec)) responses[String(status)] = successResponse(spec, status, writer);
  Object.assign(responses, errorResponses(errorCodesOf(spec)));
  op.responses = responses;
  return op;
}

export function openApiDocument(specs: readonly RouteSpec[]): JsonObject {
  const writer = new SchemaWriter();
  writer.write(errorAnswerSchema, 'output');
  const paths: JsonObject = {};
  const ids = new Set<string>();
  specs.forEach((spec, index) => {
    const op = operation(spec, index, writer);
    const operationId = op.operationId as string;
    if (ids.has(operationId)) throw new Error(`OpenAPI: two routes would share the operationId ${operationId}`);
    ids.add(operationId);
    const path = openApiPath(spec.path);
    const item = (paths[path] ?? {}) as JsonObject;
    const method = spec.method.toLowerCase();
    if (item[method]) throw new Error(`OpenAPI: ${spec.method} ${spec.path} is registered twice`);
    item[method] = op;
    paths[path] = item;
  });
  const codes = Object.keys(ERROR_CODES) as ErrorCode[];
  return {
    openapi: '3.1.0',
    info: openapiInfo(),
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      schemas: writer.schemas(),
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'POST /api/v1/auth/wx-login 换得的 token' },
        wechatSignature: {
          type: 'apiKey',
          in: 'query',
          name: 'signature',
          description: '微信公众号服务器的签名（signature/msg_signature、timestamp、nonce）：只有微信服务器能调用',
        },
      },
    },
    'x-error-codes': codes.map((code) => ({ code, status: ERROR_CODES[code].status as Json, description: ERROR_CODES[code].description })),
  };
}

/** The document as written to docs/openapi.json: two-space indented, with a final newline. */
export function openApiJson(specs: readonly RouteSpec[]): string {
  return `${JSON.stringify(openApiDocument(specs), null, 2)}\n`;
}
