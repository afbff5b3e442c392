/**
 * Issue 18 item 4 in the mini-program: its words about the city — the registry's and catalogue's entries, the
 * filing form's labels, the phone examples of its checks — come from its copy of the policy pack
 * (miniprogram/shared/pack/, written by `npm run mp:sync`), read when they are shown: a pack installed after
 * the modules were loaded is the one they speak of, and none of Yichun's particulars is left on them.
 */
import { installPolicyPack, policyPack, type PolicyPack } from '../../../miniprogram/shared/pack';
import { GUEST_ENTRIES, HOME_ENTRIES } from '../../../miniprogram/logic/roles';
import { FILING_SECTIONS, itemFields } from '../../../miniprogram/logic/filingForm';
import * as v from '../../../miniprogram/logic/validators';
import { YICHUN_WORDS, riverton } from '../support/otherPack';

let previous: PolicyPack;
beforeEach(() => {
  previous = installPolicyPack(riverton(policyPack()));
});
afterEach(() => {
  installPolicyPack(previous);
});

const labels = (): string[] =>
  FILING_SECTIONS.flatMap((s) => [...s.fields, ...s.lists.flatMap((l) => itemFields(l, 0))]).map((f) => f.label);

test('the home entries name the installed city, not the one of the import', () => {
  const texts = [...GUEST_ENTRIES, ...HOME_ENTRIES.provider].map((e) => `${e.title} ${e.desc}`);
  expect(texts).toContain('已备案云服务商 名录、产品目录与针对河湾企业的优惠');
  expect(texts).toContain('产品目录与优惠 在名录中展示的产品、报价和河湾优惠');
  expect(texts.join('\n')).not.toMatch(YICHUN_WORDS);
  // What setData sends is a copy: the getter's text goes with it.
  expect(JSON.parse(JSON.stringify(GUEST_ENTRIES)) as unknown).toContainEqual(
    expect.objectContaining({ desc: '名录、产品目录与针对河湾企业的优惠' }),
  );
});

test('the filing form’s labels (三（二）6 offers to the city’s enterprises) follow the pack', () => {
  const all = labels();
  expect(all).toEqual(
    expect.arrayContaining(['针对河湾市企业上云的推广计划', '承诺上述针对河湾市企业的优惠政策能够兑现', '河湾市企业优惠价（元）']),
  );
  expect(all.join('\n')).not.toMatch(YICHUN_WORDS);
  installPolicyPack(previous);
  expect(labels()).toContain('伊春市企业优惠价（元）');
});

test('the checks’ examples: the bureau’s own landline, and a mobile no city owns', () => {
  expect(v.landline('联系电话')('123')).toBe('“联系电话”须为带区号的固定电话（如 0999-1234567）');
  expect(v.phone('联系电话')('123')).toBe('“联系电话”须为带区号的固定电话（如 0999-1234567）或11位手机号（如 13912345678）');
  expect(v.contactPhone('123')).toBe('联系电话须为手机号或带区号的座机号，如 13912345678 或 0999-1234567');
  expect(v.mobile('联系人手机')('0999-1234567')).toBe('“联系人手机”须为11位手机号（如 13912345678）');
});
