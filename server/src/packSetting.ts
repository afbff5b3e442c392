/**
 * The POLICY_PACK setting (issue 18 item 4: one server serves one pack): the name of a pack this build
 * carries (BUILT_IN_PACKS), or the path of a module that exports `pack`, a PolicyPack. Checked at
 * start-up with the other settings (config.ts); the server installs the result before it serves.
 *
 * A module's pack is checked against the built-in one field by field (every field the built-in pack
 * has, with the same kind of value: text, number, list, function, pattern), then for what the code
 * relies on: counties with GB/T 2260 codes under the city's prefix, versions in order of their first
 * day, a tracking prefix that fits the 申报编号 column, and a 备案编号 its own pattern accepts.
 */
import path from 'node:path';
import { BUILT_IN_PACKS, type PolicyPack } from '../../shared/src/pack';

export type PackSetting = { ok: true; pack: PolicyPack } | { ok: false; reason: string };

const DEFAULT_PACK = 'yichun';

/** A name of BUILT_IN_PACKS has letters, digits, - and _ only; anything else is taken for a path. */
const PACK_NAME = /^[a-z][a-z0-9_-]*$/;

export function parsePackSetting(raw: string | undefined): PackSetting {
  const setting = raw ?? DEFAULT_PACK;
  const builtIn = Object.hasOwn(BUILT_IN_PACKS, setting) ? BUILT_IN_PACKS[setting] : undefined;
  if (builtIn) return { ok: true, pack: builtIn };
  if (PACK_NAME.test(setting)) {
    return {
      ok: false,
      reason: `没有名为 "${setting}" 的内置政策包（可用：${Object.keys(BUILT_IN_PACKS).join('、')}），或给出导出 pack 的模块路径`,
    };
  }
  const file = path.resolve(setting);
  let loaded: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a path the operator names, known only at start-up: loaded once, synchronously, with the other settings.
    loaded = require(file);
  } catch (err) {
    return { ok: false, reason: `无法加载政策包模块 ${file}：${err instanceof Error ? err.message.split('\n')[0] : String(err)}` };
  }
  const pack = typeof loaded === 'object' && loaded !== null ? (loaded as { pack?: unknown }).pack : undefined;
  if (pack === undefined) return { ok: false, reason: `模块 ${file} 没有导出 pack（政策包）` };
  const problem = shapeProblem(pack, BUILT_IN_PACKS[DEFAULT_PACK], 'pack') ?? meaningProblem(pack as PolicyPack);
  return problem === null ? { ok: true, pack: pack as PolicyPack } : { ok: false, reason: `模块 ${file} 的政策包不完整：${problem}` };
}

function kindOf(v: unknown): string {
  if (v instanceof RegExp) return '正则表达式';
  if (Array.isArray(v)) return '列表';
  switch (typeof v) {
    case 'string':
      return '文字';
    case 'number':
      return '数字';
    case 'boolean':
      return '是或否';
    case 'function':
      return '函数';
    case 'object':
      return v === null ? '空值' : '对象';
    default:
      return '未填写';
  }
}

/** The first field of `value` that is missing or of another kind than in `reference`; list items against its first item. */
function shapeProblem(value: unknown, reference: unknown, where: string): string | null {
  const expected = kindOf(reference);
  if (kindOf(value) !== expected) return `${where} 须为${expected}，现为${kindOf(value)}`;
  if (Array.isArray(reference) && Array.isArray(value)) {
    if (reference.length === 0) return null;
    for (const [i, item] of value.entries()) {
      const p = shapeProblem(item, reference[0], `${where}[${i}]`);
      if (p !== null) return p;
    }
    return null;
  }
  if (expected !== '对象') return null;
  const v = value as Record<string, unknown>;
  for (const [key, ref] of Object.entries(reference as Record<string, unknown>)) {
    const p = shapeProblem(v[key], ref, `${where}.${key}`);
    if (p !== null) return p;
  }
  return null;
}

function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** What the code relies on beyond the shape. */
function meaningProblem(pack: PolicyPack): string | null {
  if (pack.id.trim() === '') return 'pack.id 不能为空';
  if (pack.counties.length === 0) return 'pack.counties 至少要有一个县（市）区';
  const codes = new Set<string>();
  for (const c of pack.counties) {
    if (!/^\d{6}$/.test(c.code) || !c.code.startsWith(pack.city.regionPrefix))
      return `县（市）区代码 "${c.code}" 须为以 ${pack.city.regionPrefix} 开头的 6 位数字（GB/T 2260）`;
    if (codes.has(c.code)) return `县（市）区代码 "${c.code}" 重复`;
    codes.add(c.code);
  }
  if (pack.versions.length === 0) return 'pack.versions 至少要有一个版本';
  let previous = '';
  for (const v of pack.versions) {
    if (!isCalendarDate(v.effectiveFrom)) return `版本 ${v.id} 的施行日期须为 YYYY-MM-DD，现为 "${v.effectiveFrom}"`;
    if (v.effectiveFrom <= previous) return `版本须按施行日期先后排列：${v.id} 的 ${v.effectiveFrom} 不晚于前一个版本`;
    previous = v.effectiveFrom;
  }
  // 申报编号 = prefix + year + 5 digits, in a column of 32.
  if (!/^[A-Z]{1,8}$/.test(pack.numbers.trackingPrefix)) return `申报编号前缀须为 1 到 8 个大写字母，现为 "${pack.numbers.trackingPrefix}"`;
  const sample = pack.numbers.filingNo(2026, 1);
  if (typeof sample !== 'string' || !pack.numbers.filingNoPattern.test(sample))
    return `备案编号 ${String(sample)} 不符合包自己的备案编号格式 ${String(pack.numbers.filingNoPattern)}`;
  return null;
}
