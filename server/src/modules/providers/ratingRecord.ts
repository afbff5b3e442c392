/**
 * A provider's record of county ratings (DESIGN.md "An application's life": 上云效果 and 服务商服务质量, rated
 * 1–5 by the county departments, add up to the provider's record). Counted from the county approvals of the
 * applications naming it — a return or a reject rates nothing (issue 14 item 10) — and shown to city MIIT on
 * the filing review and to everyone in the public registry, with a sentence in plain Chinese.
 */
import type { Database } from '../../db/database';
import type { Tx } from '../../db/tx';
import { countyRatingsOfProviders } from '../../db/opinions';

const RATING_WORDS: Readonly<Record<1 | 2 | 3 | 4 | 5, string>> = { 1: '差', 2: '较差', 3: '一般', 4: '良好', 5: '优秀' };

export interface RatingStat {
  count: number;
  /** Mean to two decimals; null with no ratings yet. */
  average: number | null;
  /** How many opinions gave 1 … 5. */
  distribution: Record<'1' | '2' | '3' | '4' | '5', number>;
}

export interface ProviderRatingSummary {
  providerId: string;
  effect: RatingStat;
  service: RatingStat;
  /** What a person reads: '县级审核同意时评分 3 次：上云效果平均 4.33 分（良好），服务商服务质量平均 4 分（良好）'. */
  text: string;
}

type RatingRow = { effect: number | null; service: number | null; n: number };

function stat(rows: readonly RatingRow[], pick: (r: RatingRow) => number | null): RatingStat {
  const distribution: RatingStat['distribution'] = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  let count = 0;
  let sum = 0;
  for (const r of rows) {
    const v = pick(r);
    if (v === null || !Number.isInteger(v) || v < 1 || v > 5) continue;
    distribution[String(v) as keyof RatingStat['distribution']] += r.n;
    count += r.n;
    sum += v * r.n;
  }
  return { count, average: count ? Math.round((sum / count) * 100) / 100 : null, distribution };
}

/** 4.333 → '4.33 分（良好）': the average to two decimals at most, with the word of the nearest grade. */
function averageText(s: RatingStat): string {
  if (s.average === null) return '暂无评分';
  const word = RATING_WORDS[Math.min(5, Math.max(1, Math.round(s.average))) as 1 | 2 | 3 | 4 | 5];
  return `平均 ${s.average} 分（${word}）`;
}

export function ratingRecordText(effect: RatingStat, service: RatingStat): string {
  const n = Math.max(effect.count, service.count);
  if (!n) return '尚无县级审核评分';
  return `县级审核同意时评分 ${n} 次：上云效果${averageText(effect)}，服务商服务质量${averageText(service)}`;
}

function summarize(providerId: string, rows: readonly RatingRow[]): ProviderRatingSummary {
  const effect = stat(rows, (r) => r.effect);
  const service = stat(rows, (r) => r.service);
  return { providerId, effect, service, text: ratingRecordText(effect, service) };
}

/** The records of several providers, in one statement. */
export async function ratingRecordsOf(tx: Tx, providerIds: readonly string[]): Promise<Map<string, ProviderRatingSummary>> {
  const rows = await countyRatingsOfProviders(tx, providerIds);
  return new Map(
    providerIds.map((id) => [
      id,
      summarize(
        id,
        rows.filter((r) => r.providerId === id),
      ),
    ]),
  );
}

export async function ratingRecordOf(tx: Tx, providerId: string): Promise<ProviderRatingSummary> {
  return (await ratingRecordsOf(tx, [providerId])).get(providerId)!;
}

export async function providerRatingSummary(db: Database, providerId: string): Promise<ProviderRatingSummary> {
  return db.read((tx) => ratingRecordOf(tx, providerId));
}
