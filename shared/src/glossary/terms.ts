/**
 * The glossary: the Chinese name of every code a person might otherwise read — materials, the fields a
 * reviewer may point at, history events, statuses, roles — and the way a clause of the policy is cited.
 * Issue 14 item 8 / issue 17 item 4: people read Chinese, never a code, a field name or an id, and the
 * same words for the same things on every screen, message, chat answer and document.
 *
 * Why `shared/src/glossary/` and not `shared/src/contracts/`: the rules' own texts (failures, the guided
 * flow) name amounts and clauses, and the walls forbid rules → contracts; the glossary sits beside both,
 * imports no zod (so `npm run mp:sync` copies it whole for the mini-program), and every one of server,
 * chatbot, documents and mini-program reads the same tables from here.
 */
import { FILING_MATERIALS } from '../rules/filingSubmit';
import { ROLE_LABELS } from '../contracts/roles';
import { applicationMachine } from '../workflow/application';

export { CLAUSE, cite } from './clauses';

// ---- materials -----------------------------------------------------------------------------------------

/**
 * The enterprise's materials of 三（三）2–5 (the fifth, the 兑付申请表, is the provider's: 三（三）1), the
 * registration's letter, and the provider filing's eight of 三（二）.
 */
export const APPLICATION_MATERIAL_NAMES = {
  service_contract: '上云企业与云平台供应商签订的服务合同',
  business_license: '企业营业执照复印件',
  summary_evaluation: '上云企业上云情况总结与评价',
  payment_receipts: '收付款凭证',
} as const;

export const MATERIAL_NAMES: Readonly<Record<string, string>> = Object.defineProperties(
  {
    ...APPLICATION_MATERIAL_NAMES,
    settlement_form: '兑付申请表',
    authorization_letter: '授权委托书（企业授权经办人办理）',
  },
  // The filing materials' names are read through at each use: one of them names the installed pack's city.
  Object.fromEntries(FILING_MATERIALS.map((m) => [m.kind, { get: () => m.label, enumerable: true }])),
);

// ---- fields a reviewer may point at --------------------------------------------------------------------

/** The parts of an application (and of the enterprise behind it) a reason may name, by their path on the wire. */
export const FIELD_NAMES: Readonly<Record<string, string>> = Object.defineProperties(
  {
    enterprise: '企业信息',
    name: '企业名称',
    creditCode: '统一社会信用代码',
    establishedOn: '成立日期',
    countyCode: '所在县（市）区',
    legalRepresentative: '法定代表人',
    address: '注册地址',
    contactName: '联系人',
    contactPhone: '联系电话',
    industrySection: '行业门类',
    contract: '合同信息',
    providerId: '云服务商',
    contractNo: '合同编号',
    signedOn: '合同签订日期',
    start: '服务期限开始日期',
    end: '服务期限结束日期',
    amountFen: '金额',
    contractAmountFen: '合同金额',
    services: '上云产品及服务',
    payments: '付款记录',
    paidOn: '付款日期',
    paidAmountFen: '已付款金额',
    method: '付款方式',
    reference: '凭证号',
    note: '说明',
    bank: '收款账户',
    accountName: '开户名称',
    bankName: '开户银行',
    accountNo: '银行账号',
    declarations: '申报条件声明',
    otherSubsidiesFen: '同一项目已获其他政策补助金额',
    otherSubsidyNote: '其他补助说明',
    materials: '申报材料',
    upload: '上传的材料',
    subsidyFen: '可补助金额',
    appliedFen: '申请补助金额',
    verifiedFen: '核定金额',
    verifiedReason: '核减原因',
  },
  // The materials' names as they are, getters included: one names the installed pack's city.
  Object.getOwnPropertyDescriptors(MATERIAL_NAMES),
);

const CONTAINERS: Readonly<Record<string, string>> = { contract: '合同', bank: '收款账户', enterprise: '企业' };

/**
 * 'verifiedFen' → '核定金额'; 'contract.amountFen' → '合同金额'; 'materials.summary_evaluation' → its
 * material; 'payments.1.paidOn' → '付款日期'. Words a reviewer typed (the mini-program sends '收款账户')
 * pass as they are; an identifier the glossary does not know reads as nothing rather than as itself.
 */
export function fieldName(path: string | null | undefined): string | null {
  const text = (path ?? '').trim();
  if (!text) return null;
  if (!looksLikeCode(text)) return text;
  if (FIELD_NAMES[text]) return FIELD_NAMES[text];
  const parts = text.split('.').filter((p) => !/^\d+$/.test(p));
  const last = parts[parts.length - 1] ?? '';
  if (parts[0] === 'materials' && MATERIAL_NAMES[last]) return MATERIAL_NAMES[last];
  if (last === 'amountFen' && CONTAINERS[parts[0]]) return `${CONTAINERS[parts[0]]}金额`;
  return FIELD_NAMES[last] ?? (parts[0] && FIELD_NAMES[parts[0]]) ?? null;
}

/** A material's name, from its code or as the reviewer wrote it; an unknown code reads as nothing. */
export function materialName(kind: string | null | undefined): string | null {
  const text = (kind ?? '').trim();
  if (!text) return null;
  if (!looksLikeCode(text)) return text;
  return MATERIAL_NAMES[text] ?? null;
}

/** A reviewer's reason as a person reads where it points: '上云企业上云情况总结与评价，核定金额'. */
export function reasonWhere(r: { material?: string | null; field?: string | null; path?: string | null }): string {
  const names = [materialName(r.material), fieldName(r.field), fieldName(r.path)].filter((s): s is string => !!s);
  return [...new Set(names)].join('，');
}

/** One reason as a line: '【核定金额】合同中含硬件采购…'. */
export function reasonLine(r: { material?: string | null; field?: string | null; path?: string | null; message: string }): string {
  const where = reasonWhere(r);
  return where ? `【${where}】${r.message.trim()}` : r.message.trim();
}

function looksLikeCode(text: string): boolean {
  return /^[A-Za-z0-9_.[\]-]+$/.test(text);
}

// ---- history events ------------------------------------------------------------------------------------

/** What happened, as the history and the timeline name it: every event written to an application's history. */
export const APPLICATION_EVENT_NAMES: Readonly<Record<string, string>> = {
  create: '开始填写申请',
  edit: '修改申请内容',
  payments: '登记付款',
  submit: '提交申请',
  resubmit: '修改后重新提交',
  withdraw: '撤回申请',
  provider_confirm: '云服务商确认了合同和付款',
  provider_dispute: '云服务商认为合同或付款与实际不符',
  county_approve: '县里一个部门审核同意',
  county_return: '县里退回修改',
  county_reject: '县里审核不予补助',
  report: '县里联合行文报送市里',
  leave_report: '县里更正或撤销了联合行文草稿，申请仍为县级审核通过',
  city_approve: '市工信局审核通过并核定金额',
  city_return: '市工信局退回修改',
  city_reject: '市工信局审核不予补助',
  put_on_list: '列入拟补贴名单',
  take_off_list: '移出拟补贴名单',
  list_cancelled: '拟补贴名单草稿已撤销，回到待列入名单',
  approve_list: '市财政局审批通过名单',
  disburse: '补助已拨付',
  correct_payment: '更正拨付记录',
  reverse_payment: '拨付被退回（退汇），将重新拨付',
  ledger_confirm: '另一位经办人员确认了台账更正或退汇',
  payments_reduced: '付款金额减少，退回市里重新审核',
  account_change_request: '申请变更收款账户',
  account_change_confirm: '市财政局确认了收款账户变更',
  account_change_refuse: '市财政局不同意收款账户变更',
  account_change_withdraw: '撤回了收款账户变更',
};

/**
 * What the enterprise is told of an event whose new status alone would mislead it: a 退汇 puts the
 * application back to 已批准, and "补助已批准，等待财政拨付" would hide that the money came back and that a
 * wrong account can now be changed (DESIGN.md, "Corrections after the fact"). `phrase` is the subscribe
 * message's 5-character field.
 */
export const APPLICANT_EVENT_WORDS: Readonly<Record<string, { label: string; phrase: string; next: string }>> = {
  reverse_payment: {
    label: '拨付的补助被银行退回（退汇），等待重新拨付',
    phrase: '已退汇',
    next: '如收款账户有误、已销户或需更换，请在小程序中打开这份申请，申请变更收款账户；市财政局确认后拨付到新账户。',
  },
};

/** A provider filing's events (三（一）备案管理). */
export const FILING_EVENT_NAMES: Readonly<Record<string, string>> = {
  create: '开始填写备案申报书',
  save: '保存备案申报书',
  submit: '提交备案',
  approve: '市工信局备案通过',
  return: '市工信局退回修改',
  reject: '市工信局不予备案',
  revoke: '市工信局撤销备案',
};

/** An event's name; one the glossary lacks reads as a plain '办理记录', never as its code. */
export function eventName(event: string, names: Readonly<Record<string, string>> = APPLICATION_EVENT_NAMES): string {
  return names[event] ?? '办理记录';
}

// ---- statuses and roles ---------------------------------------------------------------------------------

/** An application's status in the words of whoever reads it (the machine's own labels). */
export function statusName(status: string, reader: 'reviewer' | 'applicant' = 'applicant'): string {
  const state = (applicationMachine.states as Record<string, { labels: { reviewer: string; applicant: string } } | undefined>)[status];
  return state ? state.labels[reader] : '办理中';
}

export function roleName(role: string | null | undefined): string | null {
  if (!role) return null;
  return (ROLE_LABELS as Record<string, string>)[role] ?? null;
}
