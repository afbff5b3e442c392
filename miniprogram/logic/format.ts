/** Times and dates as people in Yichun read them: Asia/Shanghai (UTC+8 all year, no daylight saving). */
import { todayInShanghai } from '../shared/rules/calendar';
import { countyName } from '../shared/contracts/roles';

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** 1719712800000 → "2024-06-30 10:00". */
export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '';
  const d = new Date(ms + SHANGHAI_OFFSET_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

export function formatDay(ms: number | null | undefined): string {
  return formatTime(ms).slice(0, 10);
}

export function today(now: number = Date.now()): string {
  return todayInShanghai(new Date(now));
}

export function thisYear(now: number = Date.now()): number {
  return Number(today(now).slice(0, 4));
}

export function countyLabel(code: string | null | undefined): string {
  return code ? (countyName(code) ?? code) : '';
}

/** What the server answers as null (not entered yet) reads “未填写”, never blank and never “null”. */
export function orUnfilled(text: string | null | undefined): string {
  return text === null || text === undefined || text.trim() === '' ? '未填写' : text;
}

/** 经办人 and phone, either of which the server may answer as null. */
export function contactText(p: { contactName: string | null; contactPhone: string | null }): string {
  return p.contactName === null && p.contactPhone === null ? '未填写' : `${orUnfilled(p.contactName)} ${orUnfilled(p.contactPhone)}`;
}

/** A bank account number in lists: the last four digits only. */
export function maskAccount(accountNo: string | null | undefined): string {
  if (!accountNo) return '';
  return accountNo.length <= 4 ? accountNo : `**** ${accountNo.slice(-4)}`;
}

export function fileSizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(Math.round((bytes * 10) / (1024 * 1024)) / 10).toFixed(1)} MB`;
}
