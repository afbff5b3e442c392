import { z } from 'zod';
import { APPLICATION_STATES, type ApplicationState } from '../../../shared/src/workflow/application';
import { charCount } from '../../../shared/src/contracts/providerFiling';

/**
 * Input atoms the reviewers' and the provider desk's routes share: ids, versions, texts counted as a
 * reader counts them, lists of applications, states and keyset cursors.
 */
export const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
export const id = z.string().regex(ULID, '编号格式不对');
export const version = z
  .number({ error: '请带上您看到的版本号 version（刷新后重试）' })
  .int('版本号须为整数')
  .min(1, '版本号须为正整数')
  .max(2_000_000_000, '版本号不对');

/** A text a person types: trimmed, counted as a reader counts characters (one per 汉字). */
export function text(label: string, min: number, max: number) {
  return z
    .string({ error: `请填写${label}` })
    .trim()
    .superRefine((v, ctx) => {
      const n = charCount(v);
      if (n < min) ctx.addIssue({ code: 'custom', message: min <= 1 ? `请填写${label}` : `${label}至少 ${min} 个字` });
      else if (n > max) ctx.addIssue({ code: 'custom', message: `${label}不能超过 ${max} 字，目前 ${n} 字，请精简` });
    });
}

export const idList = (label: string, max: number) =>
  z
    .array(id, { error: `请以列表给出要列入${label}的申请编号` })
    .min(1, `请至少选择一份申请列入${label}`)
    .max(max, `一份${label}最多列 ${max} 份申请`)
    .refine((ids) => new Set(ids).size === ids.length, { error: '同一份申请不能选两次' });

const CURSOR = /^\d{1,15}\.[0-9A-HJKMNP-TV-Z]{26}$/;
const VISIBLE_STATES = APPLICATION_STATES.filter((s) => s !== 'draft');

/** `status=a,b` (or `all`) → the states; anything else is a 400 that lists the choices. */
export const statusList = (fallback: readonly ApplicationState[] | null) =>
  z
    .string({ error: '状态须为文字' })
    .max(300, '状态参数过长')
    .optional()
    .transform((raw, ctx): ApplicationState[] | null => {
      if (raw === undefined || raw.trim() === '') return fallback ? [...fallback] : null;
      if (raw === 'all') return [...VISIBLE_STATES];
      const parts = raw.split(',').map((s) => s.trim());
      const bad = parts.filter((s) => !(VISIBLE_STATES as readonly string[]).includes(s));
      if (bad.length) {
        ctx.addIssue({ code: 'custom', message: `状态须为 ${VISIBLE_STATES.join('、')} 之一（可用逗号分隔多个，或 all）` });
        return z.NEVER;
      }
      return [...new Set(parts)] as ApplicationState[];
    });

export const cursor = z
  .string({ error: '翻页参数须为文字' })
  .regex(CURSOR, '翻页参数不对，请从上一页的 next 取值')
  .optional()
  .transform((v) => (v ? { updatedAt: Number(v.split('.')[0]), id: v.split('.')[1] } : null));

export const limit = z.coerce
  .number({ error: '每页条数须为数字' })
  .int('每页条数须为整数')
  .min(1, '每页至少 1 条')
  .max(100, '每页最多 100 条')
  .default(20);
