import { z } from 'zod';
import type { AppContext } from '../context';
import { contentDisposition } from '../download';
import { answers, bodies, type RouteTable } from '../routeTable';
import { fileEnvelopeSchema, fileListSchema } from '../../../../shared/src/contracts/responses/files';
import { parseInput } from '../validate';
import type { FileService, PublicFile } from '../../modules/files/fileService';

const flag = z.enum(['0', '1', 'true', 'false'], { error: '只能是 1 或 0' }).optional();
const listQuery = z.object({
  history: flag,
  kind: z.string().max(48, '材料类别过长').optional(),
});
const contentQuery = z.object({ inline: flag });
/** Path parameters checked by FileService itself (the owner types it knows, the ids it finds): declared for the document. */
const ownerType = z.string().describe('材料所属对象类型：enterprise、application、provider、settlement_form');
const ownerId = z.string().describe('所属对象的编号');
const fileId = z.string().describe('材料编号');
const kind = z.string().describe('材料类别');
const UPLOAD = bodies.multipart('multipart/form-data，字段 file，可多个；PDF、JPG、PNG，每个不超过 20 MB，每次最多 10 个');

const on = (v: string | undefined): boolean => v === '1' || v === 'true';

/**
 * Runs an upload that reads `ctx.req`. When it fails before the body was read to its end, the rest
 * is either drained (a declared length within the request cap: the client then reads our 4xx on a
 * connection that stays usable) or the connection is closed after the answer (no length, or more
 * than we would ever accept: nobody gets to make us read an endless body).
 */
async function readingBody<T>(ctx: AppContext, files: FileService, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const req = ctx.req;
    if (!req.complete && !req.destroyed) {
      const header = req.headers['content-length'];
      const declared = header === undefined ? Number.NaN : Number(header);
      if (!(declared <= files.limits.maxRequestBytes)) ctx.set('Connection', 'close');
      req.resume();
    }
    throw err;
  }
}

function sendFileHeaders(ctx: AppContext, file: PublicFile, inline: boolean): void {
  ctx.type = file.mime;
  ctx.length = file.sizeBytes;
  ctx.set('Content-Disposition', contentDisposition(inline ? 'inline' : 'attachment', file.name));
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Cache-Control', 'private, no-store');
}

/**
 * Materials: upload, replace, list, metadata, download. Every route admits any logged-in person;
 * the owner type registered with FileService decides who may attach and who may read.
 */
export function fileRoutes(routes: RouteTable, deps: { files: FileService }): void {
  const { files } = deps;
  routes
    .add(
      {
        method: 'POST',
        path: '/api/v1/files/:ownerType/:ownerId/:kind',
        access: 'authenticated',
        summary: '上传材料（multipart/form-data，字段 file，可多个；PDF、JPG、PNG）',
        params: { ownerType, ownerId, kind },
        body: UPLOAD,
        limit: 'upload',
        response: fileListSchema,
        status: 201,
        errors: ['file_limit_reached', 'not_editable'],
      },
      async (ctx) => {
        const uploaded = await readingBody(ctx, files, () =>
          files.upload({
            auth: ctx.state.auth!,
            ownerType: ctx.params.ownerType!,
            ownerId: ctx.params.ownerId!,
            kind: ctx.params.kind!,
            body: ctx.req,
            headers: ctx.req.headers,
          }),
        );
        ctx.status = 201;
        ctx.body = { files: uploaded };
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/files/:id/replace',
        access: 'authenticated',
        summary: '替换材料（上传新版本，旧版本留在历史中）',
        params: { id: fileId },
        body: UPLOAD,
        limit: 'upload',
        response: fileEnvelopeSchema,
        status: 201,
        errors: ['file_superseded', 'not_editable'],
      },
      async (ctx) => {
        const file = await readingBody(ctx, files, () =>
          files.replace({ auth: ctx.state.auth!, fileId: ctx.params.id!, body: ctx.req, headers: ctx.req.headers }),
        );
        ctx.status = 201;
        ctx.body = { file };
      },
    )
    // Before the owner listing: '/files/<id>/content' would otherwise read as owner type <id>.
    .add(
      {
        method: 'GET',
        path: '/api/v1/files/:id/content',
        access: 'authenticated',
        summary: '下载材料（?inline=1 在线查看；下载记入审计）',
        params: { id: fileId },
        query: contentQuery,
        response: answers.file('材料文件', 'application/pdf', 'image/jpeg', 'image/png'),
      },
      async (ctx) => {
        const { inline: inlineRaw } = parseInput(contentQuery, ctx.query, '参数不对');
        const inline = on(inlineRaw);
        if (ctx.method === 'HEAD') {
          sendFileHeaders(ctx, await files.get(ctx.state.auth!, ctx.params.id!), inline);
          ctx.status = 200;
          return;
        }
        const { file, stream } = await files.openContent(ctx.state.auth!, ctx.params.id!, { inline });
        sendFileHeaders(ctx, file, inline);
        ctx.body = stream;
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/files/:id',
        access: 'authenticated',
        summary: '材料信息',
        params: { id: fileId },
        response: fileEnvelopeSchema,
      },
      async (ctx) => {
        ctx.body = { file: await files.get(ctx.state.auth!, ctx.params.id!) };
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/files/:ownerType/:ownerId',
        access: 'authenticated',
        summary: '某一对象的材料（?history=1 含被替换的旧版本，?kind= 按类别）',
        params: { ownerType, ownerId },
        query: listQuery,
        response: fileListSchema,
      },
      async (ctx) => {
        const q = parseInput(listQuery, ctx.query, '查询参数不对');
        ctx.body = {
          files: await files.list(ctx.state.auth!, ctx.params.ownerType!, ctx.params.ownerId!, { history: on(q.history), kind: q.kind }),
        };
      },
    );
}
