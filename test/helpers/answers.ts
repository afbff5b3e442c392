import fs from 'node:fs';
import path from 'node:path';
import type { AppContext } from '../../server/src/http/context';
import { answerChecks, isAnswerMarker, type RouteSpec } from '../../server/src/http/routeTable';
import { todayInShanghai } from '../../shared/src/rules/calendar';

/**
 * The answers' snapshot: every request a test file makes through the route table (method, route
 * template, status) and the answer it got, with what changes from run to run (ids, tokens, times,
 * today's date, generated numbers, hashes) replaced by placeholders, compared with a checked-in file.
 * An id becomes `<id:N>` by order of first appearance, so which answer names which record still shows.
 */
export interface RecordedAnswer {
  test: string;
  request: string;
  status: number;
  answer: unknown;
}

const ULID = /[0-9A-HJKMNP-TV-Z]{26}/g;
const MS = /\b1\d{12}\b/g;
const CREDIT_CODE = /\b91\d{6}[0-9A-HJ-NPQRTUWXY]{10}\b/g;

export function recordAnswers(): { stop(): RecordedAnswer[] } {
  const seen: { test: string; spec: RouteSpec; ctx: AppContext }[] = [];
  answerChecks.record = (spec, ctx) => seen.push({ test: expect.getState().currentTestName ?? '(setup)', spec, ctx });
  return {
    stop() {
      answerChecks.record = null;
      const ids = new Map<string, string>();
      const today = todayInShanghai(new Date());
      const year = today.slice(0, 4);
      const text = (s: string): string =>
        s
          .replace(/\bTL-\d+-[0-9a-z]{4}\b/g, '<contractNo>')
          .replace(/伊云备〔\d{4}〕\d{3}号/g, '<filingNo>')
          // A tracking number seeded straight into the database (test/helpers/applications.ts) is random; the engine's count up.
          .replace(/\bYC\d{10,}\b/g, '<seededTrackingNo>')
          .replace(CREDIT_CODE, '<creditCode>')
          .replace(ULID, (id) => {
            if (!ids.has(id)) ids.set(id, `<id:${ids.size + 1}>`);
            return ids.get(id)!;
          })
          .replace(MS, '<time>')
          .replaceAll(today, '<today>')
          .replaceAll(year, '<year>');
      const VOLATILE_KEYS: Record<string, string> = { token: '<token>', sha256: '<sha256>', hash: '<hash>' };
      const normalize = (value: unknown, key: string | null): unknown => {
        if (key !== null && key in VOLATILE_KEYS && typeof value === 'string') return VOLATILE_KEYS[key];
        if (key === 'code' && typeof value === 'string' && /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$|^\d{8}$/.test(value))
          return '<invitationCode>';
        if (typeof value === 'string') return text(value);
        if (typeof value === 'number') return value >= 1e12 && value < 1e14 ? '<time>' : value;
        if (Array.isArray(value)) return value.map((v) => normalize(v, null));
        if (value !== null && typeof value === 'object')
          return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v, k)]));
        return value;
      };
      return seen.map(({ test, spec, ctx }) => {
        const body: unknown = ctx.body;
        let answer: unknown;
        if (body === null || body === undefined) answer = null;
        else if (isAnswerMarker(spec.response) && ctx.status < 300) answer = `<${spec.response.kind} ${ctx.response.type}>`;
        else answer = normalize(JSON.parse(JSON.stringify(body)), null);
        return { test, request: `${spec.method} ${spec.path}`, status: ctx.status, answer };
      });
    },
  };
}

/**
 * Compares the answers with `file` (under the repository root). `UPDATE_ANSWERS=1` writes them there
 * instead: `npm run answers` after a deliberate change, and the diff shows what callers will see.
 */
export function expectAnswersToMatch(recorded: RecordedAnswer[], file: string): void {
  const full = path.resolve(__dirname, '../..', file);
  const json = `${JSON.stringify(recorded, null, 2)}\n`;
  if (process.env.UPDATE_ANSWERS === '1') {
    fs.writeFileSync(full, json);
    return;
  }
  const expected = fs.existsSync(full) ? (JSON.parse(fs.readFileSync(full, 'utf8')) as RecordedAnswer[]) : [];
  if (json === `${JSON.stringify(expected, null, 2)}\n`) return;
  // The first answer that differs, then the whole list for jest's diff.
  const at = recorded.findIndex((r, i) => JSON.stringify(r) !== JSON.stringify(expected[i]));
  throw new Error(
    `The answers differ from ${file} (from answer #${at + 1}: ${recorded[at]?.request ?? expected[at]?.request} in “${recorded[at]?.test ?? expected[at]?.test}”).\n` +
      `If the change is intended, run \`npm run answers\` and commit ${file}; run the whole file, not a single test.\n\n` +
      `expected: ${JSON.stringify(expected[at] ?? null, null, 2)}\n\nreceived: ${JSON.stringify(recorded[at] ?? null, null, 2)}`,
  );
}
