/**
 * What each role sees on the home page: its work, one tap away. A person with several roles (a provider
 * that also applies as an enterprise, say) picks one in the role switch; the home page follows it.
 */
import { ROLE_LABELS, countyName, type Role } from '../shared/contracts/roles';
import type { RoleScope } from '../shared/contracts/responses';
import { policyPack } from '../shared/pack/active';

export interface HomeEntry {
  title: string;
  desc: string;
  url: string;
}

const CHECK: HomeEntry = { title: '申报条件自测', desc: '逐题回答，当场知道能否申报、大约能补多少', url: '/pages/enterprise/check/check' };
// Descriptions that name the city are getters: the pack is read when the entry is shown (issue 18 item 4).
const REGISTRY: HomeEntry = {
  title: '已备案云服务商',
  get desc() {
    return `名录、产品目录与针对${policyPack().city.shortName}企业的优惠`;
  },
  url: '/pages/enterprise/providers/providers',
};
const CATALOGUE: HomeEntry = {
  title: '产品目录与优惠',
  get desc() {
    return `在名录中展示的产品、报价和${policyPack().city.shortName}优惠`;
  },
  url: '/pages/provider/catalogue/catalogue',
};
const QUEUE: HomeEntry = { title: '待审申请', desc: '按阶段排队，超期的标红', url: '/pages/review/queue/queue' };
const CITY_PAYMENTS: HomeEntry = {
  title: '微信支付收款与对账',
  desc: '哪些服务商开通了平台收款、对账不一致',
  url: '/pages/city/payments/payments',
};

export const HOME_ENTRIES: Readonly<Record<Role, readonly HomeEntry[]>> = {
  enterprise: [
    { title: '我的申报', desc: '填写申请、上传材料、查看进度和审核意见', url: '/pages/enterprise/index/index' },
    CHECK,
    REGISTRY,
  ],
  provider: [
    { title: '服务商工作台', desc: '待确认的企业申请、兑付申请表', url: '/pages/provider/index/index' },
    { title: '备案申报', desc: '填写备案申报书、上传材料、查看审核意见', url: '/pages/provider/filing/filing' },
    CATALOGUE,
    { title: '平台收款', desc: '向企业发起微信支付付款请求、撤回、退款', url: '/pages/provider/payments/payments' },
  ],
  county_miit: [
    QUEUE,
    { title: '企业核验', desc: '核验营业执照和授权委托书、处理认领', url: '/pages/review/enterprises/enterprises' },
    { title: '联合行文', desc: '两部门通过的申请报送市里', url: '/pages/review/reports/reports' },
  ],
  county_finance: [
    QUEUE,
    { title: '企业核验', desc: '核验营业执照和授权委托书、处理认领', url: '/pages/review/enterprises/enterprises' },
    { title: '联合行文', desc: '两部门通过的申请报送市里', url: '/pages/review/reports/reports' },
  ],
  city_miit: [
    QUEUE,
    { title: '服务商备案审核', desc: '核对三（一）五项条件后作出决定', url: '/pages/review/queue/queue?tab=filings' },
    { title: '拟补贴名单', desc: '起草名单、公示、处理异议', url: '/pages/city/lists/lists' },
    { title: '申报批次', desc: '开启、关闭申报批次，设定截止日期', url: '/pages/city/rounds/rounds' },
    { title: '拨付台账', desc: '已拨付的补助', url: '/pages/city/ledger/ledger' },
    CITY_PAYMENTS,
  ],
  city_finance: [
    QUEUE,
    { title: '拟补贴名单', desc: '会签、审批名单', url: '/pages/city/lists/lists' },
    { title: '年度预算', desc: '设定预算、查看已承诺和剩余', url: '/pages/city/budget/budget' },
    { title: '拨付台账', desc: '登记拨付、更正和退汇', url: '/pages/city/ledger/ledger' },
    { title: '收款账户变更', desc: '确认或不同意企业变更收款账户', url: '/pages/city/accountChanges/accountChanges' },
    CITY_PAYMENTS,
  ],
  admin: [
    { title: '系统管理', desc: '邀请码、审计校验', url: '/pages/admin/admin' },
    { title: '服务商备案', desc: '备案申报的状态', url: '/pages/review/queue/queue?tab=filings' },
    CITY_PAYMENTS,
  ],
};

/** Before any role: what anyone may start. */
export const GUEST_ENTRIES: readonly HomeEntry[] = [
  CHECK,
  { title: '企业申报补助', desc: '登记企业（统一社会信用代码），或凭同事的邀请码加入', url: '/pages/enterprise/register/register' },
  { title: '云服务商备案', desc: '云服务商填写备案申报书', url: '/pages/provider/filing/filing' },
  REGISTRY,
  { title: '使用邀请码', desc: '审核人员凭邀请码开通账号', url: '/pages/me/invite/invite' },
];

export function homeEntries(role: Role | null): readonly HomeEntry[] {
  return role ? HOME_ENTRIES[role] : GUEST_ENTRIES;
}

/** "县（市）区工信部门 · <county>": the role as its holder reads it. */
export function roleLabel(role: Role, scopes: readonly RoleScope[] = []): string {
  const county = scopes.find((s) => s.role === role)?.countyCode;
  return county ? `${ROLE_LABELS[role]} · ${countyName(county) ?? county}` : ROLE_LABELS[role];
}

export function isReviewer(role: Role | null): boolean {
  return role === 'county_miit' || role === 'county_finance' || role === 'city_miit' || role === 'city_finance';
}

export function isCounty(role: Role | null): boolean {
  return role === 'county_miit' || role === 'county_finance';
}

export function isCity(role: Role | null): boolean {
  return role === 'city_miit' || role === 'city_finance';
}
