import { z } from 'zod';
import { isCalendarDate } from '../rules/calendar';
import { normalizeCreditCode } from '../rules/creditCode';
import { isCountyCode } from './roles';
import { cityName, countiesPhrase, policyContact } from '../pack/accessors';

/**
 * What an enterprise fills in for its application (DESIGN.md, "An application's life"), validated
 * the same way wherever it is entered. A draft may be partial; submit checks completeness.
 */
const date = (label: string) =>
  z.string({ error: `${label}须为日期，格式 YYYY-MM-DD` }).refine(isCalendarDate, `${label}不是有效日期，请按 YYYY-MM-DD 填写`);
const fen = (label: string) =>
  z
    .number({ error: `${label}须为整数（单位：分）` })
    .int(`${label}须为整数（单位：分）`)
    .min(0, `${label}不能为负数`)
    .max(Number.MAX_SAFE_INTEGER, `${label}过大`);
const text = (label: string, max: number) =>
  z
    .string({ error: `${label}须为文字` })
    .trim()
    .min(1, `请填写${label}`)
    .max(max, `${label}不超过 ${max} 字`);
// A label may name the city: then it is a function, read when a message is made (the installed pack's city).
const yesNo = (label: string | (() => string)) =>
  z.boolean({ error: () => `请回答“${typeof label === 'function' ? label() : label}”（是或否）` });

export const enterpriseProfileSchema = z.object({
  creditCode: z.string({ error: '请填写统一社会信用代码' }).transform((s, ctx) => {
    const r = normalizeCreditCode(s);
    if (!r.ok) {
      ctx.addIssue({ code: 'custom', message: r.message });
      return z.NEVER;
    }
    return r.code;
  }),
  name: text('企业名称', 100),
  countyCode: z.string({ error: '请选择所在县（市）区' }).refine(isCountyCode, { error: () => `请从${countiesPhrase()}中选择` }),
  establishedOn: date('成立日期'),
  industryCode: z
    .string()
    .regex(/^[A-T]$/, '行业门类须为 A–T 中的一个字母（工业企业为 B、C、D）')
    .nullish(),
  legalRepresentative: text('法定代表人', 50),
  address: text('注册地址', 200),
  contactName: text('联系人', 50),
  contactPhone: z
    .string({ error: '请填写联系电话' })
    .trim()
    .regex(/^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/, {
      // The landline example is the policy's own contact number (五), so it carries the city's area code.
      error: () => `联系电话须为手机号或带区号的座机号，如 13912345678 或 ${policyContact().phone}`,
    }),
});
export type EnterpriseProfile = z.output<typeof enterpriseProfileSchema>;

export const contractSchema = z
  .object({
    providerId: z
      .string({ error: '请从已备案服务商名录中选择云服务商' })
      .regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, '请从已备案服务商名录中选择云服务商'),
    contractNo: text('合同编号', 64),
    signedOn: date('合同签订日期'),
    start: date('服务期限开始日期'),
    end: date('服务期限结束日期'),
    amountFen: fen('合同金额').refine((n) => n > 0, '合同金额须大于 0'),
    services: text('上云产品及服务', 500),
  })
  .refine((c) => c.start <= c.end, { message: '服务期限的结束日期不能早于开始日期', path: ['end'] });
export type ContractInput = z.output<typeof contractSchema>;

/** 二（一）–（五）and 四（二）: what the enterprise declares; the rules read these at submit. */
export const declarationsSchema = z.object({
  registeredInYichun: yesNo(() => `在${cityName()}设立、登记、注册`),
  independentLegalPerson: yesNo('具有独立法人资格'),
  industrial: yesNo('属于工业企业'),
  alignedWithIndustrialPolicy: yesNo('符合国家和我市产业发展方向'),
  operatingNormally: yesNo('正常经营、管理规范'),
  badCreditRecord: yesNo('有不良信用记录'),
  seriousFiscalViolationWithin5Years: yesNo('近5年有财政资金方面严重违法违规'),
  dishonestyRecord: yesNo('有失信行为'),
  firstPurchase: yesNo('首次购买、使用云计算服务或产品'),
  otherSubsidiesFen: fen('同一项目已获其他政策补助金额'),
  otherSubsidyNote: z.string().trim().max(200, '说明不超过 200 字').nullish(),
});
export type Declarations = z.output<typeof declarationsSchema>;

export const bankAccountSchema = z.object({
  accountName: text('开户名称', 100),
  bankName: text('开户银行', 100),
  accountNo: z
    .string({ error: '请填写银行账号' })
    .transform((s) => s.replace(/\s+/g, ''))
    .pipe(z.string().regex(/^\d{8,32}$/, '银行账号须为 8–32 位数字')),
});
export type BankAccount = z.output<typeof bankAccountSchema>;

export const PAYMENT_METHODS = [
  { value: 'bank_transfer', label: '银行转账' },
  { value: 'wechat_pay', label: '微信支付' },
  { value: 'cash', label: '现金' },
  { value: 'other', label: '其他' },
] as const;

export const paymentSchema = z.object({
  amountFen: fen('付款金额').refine((n) => n > 0, '付款金额须大于 0'),
  paidOn: date('付款日期'),
  method: z.enum(['bank_transfer', 'cash', 'other'], { error: '付款方式须为 银行转账、现金 或 其他（微信支付由平台自动记录）' }),
  reference: z.string().trim().max(64, '凭证号不超过 64 个字符').nullish(),
});
export type PaymentInput = z.output<typeof paymentSchema>;

/** 三（三）2–5: the enterprise's four materials (the fifth, the 兑付申请表, is the provider's). */
export const APPLICATION_MATERIALS = [
  { kind: 'service_contract', label: '上云企业与云平台供应商签订的服务合同', clause: '三（三）2' },
  { kind: 'business_license', label: '企业营业执照复印件', clause: '三（三）3' },
  { kind: 'summary_evaluation', label: '上云企业上云情况总结与评价', clause: '三（三）4' },
  { kind: 'payment_receipts', label: '收付款凭证', clause: '三（三）5' },
] as const;
export type ApplicationMaterialKind = (typeof APPLICATION_MATERIALS)[number]['kind'];

/** Registering an enterprise: the county checks these before it reviews the application. */
export const ENTERPRISE_MATERIALS = [
  { kind: 'business_license', label: '营业执照' },
  { kind: 'authorization_letter', label: '授权委托书（企业授权经办人办理）' },
] as const;
