/**
 * The filing form's fields as the mini-program checks them while typing agree with the server's draft
 * schema: every length limit, every phone, e-mail, date and 万元 box. Fed straight to
 * parseProviderFilingDraft (shared/src), so that a change of either side fails here.
 */
import { parseProviderFilingDraft } from '../../../shared/src/contracts/providerFiling';
import {
  FILING_SECTIONS,
  getAt,
  itemFields,
  parseField,
  sectionOf,
  setAt,
  textOf,
  type FieldSpec,
} from '../../../miniprogram/logic/filingForm';
import type { ProviderFilingForm } from '../../../miniprogram/shared/contracts/providerFiling';

/** Every field with the path it has in a form holding one item of each list. */
const FIELDS: FieldSpec[] = FILING_SECTIONS.flatMap((s) => [...s.fields, ...s.lists.flatMap((l) => itemFields(l, 0))]);
const withItems: ProviderFilingForm = {
  application: { cases: [{}] },
  team: { coreMembers: [{}] },
  offers: { items: [{}] },
  catalogue: [{}],
};

function serverIssue(path: string, value: unknown): string | undefined {
  const r = parseProviderFilingDraft(setAt(withItems, path, value));
  return r.ok ? undefined : r.details.find((d) => d.path === path)?.message;
}

test.each(FIELDS.filter((f) => f.max !== undefined).map((f) => [f.key, f.max!] as const))(
  '%s: %d characters pass, one more is refused, here and on the server',
  (key, max) => {
    const spec = FIELDS.find((f) => f.key === key)!;
    const fits = '字'.repeat(max);
    const over = '字'.repeat(max + 1);
    expect(parseField(spec, fits)).toEqual({ ok: true, value: fits });
    expect(serverIssue(key, fits)).toBeUndefined();
    expect(parseField(spec, over)).toMatchObject({ ok: false });
    expect(serverIssue(key, over)).toBeDefined();
  },
);

test.each(
  FIELDS.filter((f) => ['phone', 'mobile', 'landline', 'email', 'url', 'date'].includes(f.kind)).flatMap((f) => {
    const samples: Record<string, [string, boolean][]> = {
      phone: [
        ['0458-3878126', true],
        ['13904581234', true],
        ['12345', false],
      ],
      mobile: [
        ['13904581234', true],
        ['0458-3878126', false],
      ],
      landline: [
        ['0458-3878126', true],
        ['13904581234', false],
      ],
      email: [
        ['li@example.cn', true],
        ['li@', false],
      ],
      url: [
        ['https://cloud.example.cn', true],
        ['cloud.example.cn', false],
      ],
      date: [
        ['2021-06-01', true],
        ['2021-02-30', false],
      ],
    };
    return samples[f.kind].map(([text, ok]) => [f.key, text, ok] as const);
  }),
)('%s: “%s” accepted = %s, as the server says', (key, text, ok) => {
  const spec = FIELDS.find((f) => f.key === key)!;
  const mine = parseField(spec, text);
  expect(mine.ok).toBe(ok);
  expect(serverIssue(key, mine.ok ? mine.value : text) === undefined).toBe(ok);
});

test('万元, 元 and whole numbers become what the server stores', () => {
  const capital = FIELDS.find((f) => f.key === 'basic.registeredCapitalFen')!;
  const result = parseField(capital, '5000.5');
  expect(result).toEqual({ ok: true, value: 5_000_500_000 });
  expect(serverIssue('basic.registeredCapitalFen', 5_000_500_000)).toBeUndefined();
  expect(textOf(capital, 5_000_500_000)).toBe('5000.5');
  const price = FIELDS.find((f) => f.key === 'catalogue.0.priceFen')!;
  expect(parseField(price, '1999.9')).toEqual({ ok: true, value: 199_990 });
  expect(
    parseField(
      FIELDS.find((f) => f.key === 'basic.employeeCount')!,
      '12人',
    ),
  ).toMatchObject({ ok: false });
  expect(
    parseField(
      FIELDS.find((f) => f.key === 'basic.companyName')!,
      '   ',
    ),
  ).toEqual({ ok: true, value: undefined });
});

test('fields are read and written by path, lists by index, without touching the original', () => {
  const form: ProviderFilingForm = { basic: { companyName: '北疆云' } };
  const next = setAt(form, 'application.cases.1.title', '木业ERP');
  expect(getAt(next, 'application.cases.1.title')).toBe('木业ERP');
  expect(getAt(form, 'application')).toBeUndefined();
  expect(getAt(setAt(next, 'basic.companyName', undefined), 'basic.companyName')).toBeUndefined();
});

test('a problem’s path names the section where it is put right', () => {
  expect(sectionOf('basic.contact.mobile')).toBe('basic');
  expect(sectionOf('application.cases.2.process')).toBe('application');
  expect(sectionOf('materials.case_evidence')).toBe('materials');
  expect(sectionOf('declaration.accepted')).toBe('submit');
  expect(sectionOf('catalogue.0.unit')).toBe('catalogue');
});
