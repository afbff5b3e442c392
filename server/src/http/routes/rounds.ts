import { z } from 'zod';
import type { AppContext } from '../context';
import type { RouteTable } from '../routeTable';
import { parseInput } from '../validate';
import { currentRoundSchema, roundListSchema, roundSchema } from '../../../../shared/src/contracts/responses/rounds';
import type { RoundService } from '../../modules/rounds/rounds';
import { body, date, id, version, year } from './cityInputs';

/** Application rounds (申报批次, issue 18): city MIIT lists, opens, edits and closes them; anyone sees the open one. */

const roundIdParam = id('批次编号');
const notice = z.string({ error: '公告须为文字' }).trim().max(2000, '公告不超过 2000 字').default('');
const dates = {
  opensOn: date('申报开始日期'),
  closesOn: date('申报截止日期'),
  countyDeadline: date('县级审核截止日期'),
  cityDeadline: date('市级审核截止日期'),
  notice,
};
const openBody = body({
  year,
  number: z.number({ error: '批次须为整数，如 1' }).int('批次须为整数').min(1, '批次从 1 起').max(99, '批次不超过 99'),
  ...dates,
});
const editBody = body({ version, ...dates });
const closeBody = body({ version });

export function roundRoutes(routes: RouteTable, rounds: RoundService): void {
  const roundId = (ctx: AppContext) => parseInput(roundIdParam, ctx.params.id, '批次编号不对');
  const input = <S extends z.ZodType>(schema: S, ctx: AppContext) => parseInput(schema, ctx.request.body ?? {});

  routes
    .add(
      {
        method: 'GET',
        path: '/api/v1/rounds/current',
        access: 'public',
        summary: '正在受理的申报批次与下一批（申报时间、截止日期）',
        response: currentRoundSchema,
      },
      async (ctx) => {
        ctx.body = await rounds.current();
      },
    )
    .add(
      {
        method: 'GET',
        path: '/api/v1/city/rounds',
        access: ['city_miit'],
        summary: '申报批次列表（市工信局）',
        response: roundListSchema,
      },
      async (ctx) => {
        ctx.body = await rounds.list(ctx.state.auth!);
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/city/rounds',
        access: ['city_miit'],
        summary: '开启申报批次：申报窗口、县级与市级审核截止日期、公告',
        body: openBody,
        response: roundSchema,
        status: 201,
      },
      async (ctx) => {
        ctx.status = 201;
        ctx.body = await rounds.open(ctx.state.auth!, input(openBody, ctx));
      },
    )
    .add(
      {
        method: 'PUT',
        path: '/api/v1/city/rounds/:id',
        access: ['city_miit'],
        // PUT, not PATCH: the body carries every date and the notice, and wx.request has no PATCH.
        summary: '修改申报批次的日期或公告',
        params: { id: roundIdParam },
        body: editBody,
        response: roundSchema,
        errors: ['stale_version'],
      },
      async (ctx) => {
        const { version: v, ...rest } = input(editBody, ctx);
        ctx.body = await rounds.edit(ctx.state.auth!, roundId(ctx), v, rest);
      },
    )
    .add(
      {
        method: 'POST',
        path: '/api/v1/city/rounds/:id/close',
        access: ['city_miit'],
        summary: '关闭申报批次（不再受理新的申请；已退回的申请在补正期限内仍可补正）',
        params: { id: roundIdParam },
        body: closeBody,
        response: roundSchema,
        errors: ['stale_version', 'invalid_transition'],
      },
      async (ctx) => {
        ctx.body = await rounds.close(ctx.state.auth!, roundId(ctx), input(closeBody, ctx).version);
      },
    );
}
