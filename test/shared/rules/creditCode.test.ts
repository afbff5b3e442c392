import * as fs from 'fs';
import * as path from 'path';
import {
  CREDIT_CODE_ALPHABET,
  creditCodeCheckCharacter,
  isIndividualBusiness,
  isValidCreditCode,
  normalizeCreditCode,
  regionOf,
} from '../../../shared/src/rules/creditCode';
import { withCheck } from './fixtures';

interface CaseFile {
  name: string;
  facts: { enterprise: { creditCode: string } };
}

const cases = JSON.parse(fs.readFileSync(path.join(__dirname, '../../cases/eligibility.json'), 'utf8')) as CaseFile[];

describe('credit codes of cases/eligibility.json', () => {
  test.each(cases.map((c) => [c.name, c.facts.enterprise.creditCode] as const))('%s: %s', (name, code) => {
    expect(isValidCreditCode(code)).toBe(name !== 'credit code with a wrong check character');
  });
});

describe('normalizeCreditCode', () => {
  test.each([
    ['91230724Y4CL12TH89', '91230724Y4CL12TH89'],
    ['91230724y4cl12th89', '91230724Y4CL12TH89'],
    ['  91230718BJ1XG6128F ', '91230718BJ1XG6128F'],
    ['91230717CNEUCAKJXM', '91230717CNEUCAKJXM'],
  ])('%j is valid as %s', (input, code) => {
    expect(normalizeCreditCode(input)).toEqual({ ok: true, code });
  });

  test('a check character of 31 is written 0', () => {
    // Search the 17-character space for a prefix whose sum is ≡ 0 (mod 31).
    const prefix = '9123071700000000';
    const last = [...CREDIT_CODE_ALPHABET].find((ch) => creditCodeCheckCharacter(prefix + ch) === '0');
    expect(last).toBeDefined();
    expect(isValidCreditCode(`${prefix}${last}0`)).toBe(true);
  });

  test.each([
    ['91230717MA1B2C3D4X', /校验/],
    ['', /请填写/],
    ['9123072', /18位.*7位/],
    ['91230724Y4CL12TH891', /18位.*19位/],
    ['91230724I4CL12TH89', /第9位“I”/],
    ['91230724O4CL12TH89', /不使用字母 I、O、Z、S、V/],
    ['91230724Z4CL12TH89', /“Z”/],
    ['91230724S4CL12TH89', /“S”/],
    ['91230724V4CL12TH89', /“V”/],
    ['91230724-4CL12TH89', /第9位“-”/],
    ['91230724Y4CL12TH8９', /第18位/],
  ])('%j is refused (%s)', (input, message) => {
    const result = normalizeCreditCode(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  test('every single-character change of a valid code is caught', () => {
    const code = '91230724Y4CL12TH89';
    for (let i = 0; i < code.length; i += 1) {
      for (const ch of CREDIT_CODE_ALPHABET) {
        if (ch === code[i]) continue;
        expect(isValidCreditCode(code.slice(0, i) + ch + code.slice(i + 1))).toBe(false);
      }
    }
  });
});

describe('parts of a code', () => {
  test('regionOf is characters 3–8', () => {
    expect(regionOf('91230724Y4CL12TH89')).toBe('230724');
  });

  test.each([
    [withCheck('92230717MA1B2C3D4'), true],
    [withCheck('91230717MA1B2C3D4'), false],
    [withCheck('93230717MA1B2C3D4'), false],
  ])('isIndividualBusiness(%s) → %s', (code, expected) => {
    expect(isIndividualBusiness(code)).toBe(expected);
  });
});
