import * as fs from 'fs';
import * as path from 'path';
import { parseEligibilityFacts } from '../../../shared/src/contracts/eligibility';
import { evaluateEligibility } from '../../../shared/src/rules/eligibility';

interface Expectation {
  status?: number;
  eligible?: boolean;
  subsidyFen?: number;
  computedFen?: number;
  capped?: boolean;
  failures?: string[];
  warnings?: string[];
}

interface Case {
  name: string;
  facts: unknown;
  expect: Expectation;
}

const casesPath = path.join(__dirname, '../../cases/eligibility.json');
const cases = JSON.parse(fs.readFileSync(casesPath, 'utf8')) as Case[];

// Requests without asOf are evaluated on this day; every case here carries its own.
const TODAY = '2024-06-30';

describe('cases/eligibility.json through the pure functions', () => {
  test('the file holds cases', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const parsed = parseEligibilityFacts(c.facts);
    if (c.expect.status === 400) {
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) {
        expect(parsed.details.length).toBeGreaterThan(0);
        for (const detail of parsed.details) expect(detail.message).toMatch(/[\u4e00-\u9fff]/);
      }
      return;
    }
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const verdict = evaluateEligibility({ ...parsed.facts, asOf: parsed.facts.asOf ?? TODAY });
    expect(verdict.policy).toBe('yichun-2023-cloud');
    expect({
      eligible: verdict.eligible,
      subsidyFen: verdict.subsidyFen,
      computedFen: verdict.computedFen,
      capped: verdict.capped,
      failures: verdict.failures.map((f) => f.rule),
      warnings: verdict.warnings.map((w) => w.rule),
    }).toEqual(c.expect);
    for (const failure of verdict.failures) {
      expect(failure.clause).not.toBe('');
      expect(failure.message).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  test('the wrong check character is reported at enterprise.creditCode', () => {
    const bad = cases.find((c) => c.name === 'credit code with a wrong check character');
    const parsed = parseEligibilityFacts(bad?.facts);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.details.map((d) => d.path)).toEqual(['enterprise.creditCode']);
  });
});
