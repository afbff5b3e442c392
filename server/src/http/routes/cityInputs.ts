import { z } from 'zod';
import type { AppContext } from '../context';
import { sendDocument, XLSX } from '../download';
import { isCalendarDate } from '../../../../shared/src/rules/calendar';
import { isCountyCode } from '../../../../shared/src/contracts/roles';
import { policyPack } from '../../../../shared/src/pack';

/**
 * The input atoms the city's routes share (city review, the proposed list, the ledger): ids, versions,
 * money in fen, dates, texts, years, counties, pages and keyset cursors, each refusing in Chinese.
 */
export const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
export const id = (what: string) => z.string({ error: `${what}格式不对` }).regex(ULID, `${what}格式不对`);
export const version = z.number({ error: '请带上您看到的版本号 version（刷新后重试）' }).int('版本号须为整数').min(1, '版本号须为正整数');
/** Money is integer fen (分), never a float. */
export const fen = (what: string) => z.number({ error: `${what}须为整数，单位为分` }).int(`${what}须为整数，单位为分`);
export const date = (what: string) =>
  z.string({ error: `${what}须为 YYYY-MM-DD 格式的日期` }).refine(isCalendarDate, `${what}须为 YYYY-MM-DD 格式的有效日期`);
export const text = (what: string, min: number, max: number) =>
  z
    .string({ error: `请填写${what}` })
    .trim()
    .min(min, `请填写${what}（至少 ${min} 个字）`)
    .max(max, `${what}不超过 ${max} 字`);
export const optionalText = (what: string, max: number) =>
  z
    .string({ error: `${what}须为文字` })
    .trim()
    .max(max, `${what}不超过 ${max} 字`)
    .nullish();
export const body = <T extends z.ZodRawShape>(shape: T) => z.object(shape, { error: '请以 JSON 对象提交' });
export const yearParam = z
  .string()
  .regex(/^\d{4}$/, '年度须为四位数字，如 2026')
  .transform(Number);
export const year = z.number({ error: '年度须为四位数字，如 2026' }).int('年度须为整数').min(2000, '年度不对').max(2999, '年度不对');
/** Path parameters, one schema each. */
export const yearPath = yearParam.pipe(year);
export const applicationIdParam = id('申请编号');
/** The example is the installed pack's first county, read when the message is made. */
function badCounty(): string {
  const [example] = policyPack().counties;
  return example ? `县（市）区代码不对（如 ${example.code} ${example.name}）` : '县（市）区代码不对';
}
export const county = z.string({ error: '县（市）区代码须为文字' }).refine(isCountyCode, { error: () => badCounty() });
export const limit = z.coerce
  .number({ error: '每页条数须为数字' })
  .int('每页条数须为整数')
  .min(1, '每页至少 1 条')
  .max(100, '每页最多 100 条')
  .default(20);

/** `<at>.<id>` from the previous page's `next`. */
export function keyset(after: string | undefined): { at: number; id: string } | null {
  if (!after) return null;
  const [at, key] = after.split('.');
  return { at: Number(at), id: key };
}

export function sendXlsx(ctx: AppContext, buffer: Buffer, name: string): void {
  sendDocument(ctx, buffer, name, XLSX);
}
