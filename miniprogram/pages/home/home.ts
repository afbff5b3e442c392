/**
 * 首页: what the policy pays and for whom, the bureau's phone, and the work of the person's current role
 * one tap away. A person with several roles switches role here; the entries follow.
 */
import { page } from '../../services/page';
import * as api from '../../services/api';
import { refreshUser } from '../../services/account';
import { settleAll, makePhoneCall, navigateTo, stopPullDownRefresh } from '../../services/wxp';
import { activeRole, getUser, setActiveRole } from '../../services/session';
import { formatFen } from '../../logic/money';
import { homeEntries, roleLabel, type HomeEntry } from '../../logic/roles';
import { POLICY_CONTACT, POLICY_TITLE } from '../../shared/rules/parameters';
import type { Role } from '../../shared/contracts/roles';
import type { PublicUser } from '../../shared/contracts/responses';

/** 二（一）–（六） and 三（一）, in plain words. */
const CONDITIONS = [
  { clause: '二（一）', text: '在伊春市设立、登记、注册，具有独立法人资格，符合国家和我市产业发展方向的工业企业' },
  { clause: '二（二）', text: '成立满1年，正常经营、管理规范，没有不良信用记录' },
  { clause: '二（三）', text: '近5年内没有财政资金方面的严重违法违规' },
  { clause: '二（四）', text: '首次购买、使用云计算服务或产品，并已实际付款' },
  { clause: '二（五）', text: '没有失信行为' },
  { clause: '二（六）', text: '每户企业只能申领一次' },
  { clause: '三（一）', text: '云服务商须在签订合同前已在市工信局备案' },
];

interface RoleChip {
  role: Role;
  label: string;
  active: boolean;
}

function chips(user: PublicUser | null, role: Role | null): RoleChip[] {
  return (user?.roles ?? []).map((r) => ({ role: r, label: roleLabel(r, user?.scopes), active: r === role }));
}

Component(
  page({
    data: {
      title: '上云补助',
      policyTitle: POLICY_TITLE,
      paysText: '',
      capText: '',
      roundText: '',
      effectiveFrom: '',
      contact: { department: POLICY_CONTACT.department as string, phone: POLICY_CONTACT.phone as string },
      conditions: CONDITIONS,
      roles: [] as RoleChip[],
      entries: homeEntries(null) as HomeEntry[],
      activeRole: '' as Role | '',
    },
    methods: {
      onLoad() {
        this.showRole(getUser(), activeRole());
        return this.load();
      },
      onShow() {
        // Back from 我的 (a role redeemed, a switch made): the entries follow.
        this.showRole(getUser(), activeRole());
      },
      async onPullDownRefresh() {
        await this.load();
        stopPullDownRefresh();
      },
      async load() {
        const [policy, me, round] = await settleAll([api.policy(), refreshUser(), api.currentRound()] as const);
        if (round.ok) {
          // Issue 18: the open round and its deadline, or the next window.
          const { open, next } = round.value;
          this.setData({
            roundText: open
              ? `${open.name}受理中：${open.opensOn} 至 ${open.closesOn}，请在 ${open.closesOn} 前提交`
              : next
                ? `现在不在申报时间内，下一批（${next.name}）：${next.opensOn} 至 ${next.closesOn}`
                : '现在不在申报时间内，草稿可以先保存',
          });
        }
        if (policy.ok) {
          const p = policy.value;
          this.setData({
            title: '上云补助',
            policyTitle: p.title,
            paysText: `按云服务合同金额的 ${p.ratePercent ?? 50}% 给予补助`,
            capText: formatFen(p.capFen),
            effectiveFrom: p.effectiveFrom,
            contact: p.contact,
          });
        }
        if (me.ok) this.showRole(me.value.user, me.value.role);
      },
      showRole(user: PublicUser | null, role: Role | null) {
        this.setData({ roles: chips(user, role), entries: [...homeEntries(role)], activeRole: role ?? '' });
      },
      onSwitchRole(e: WechatMiniprogram.BaseEvent) {
        const role = String(e.currentTarget.dataset.role) as Role;
        setActiveRole(role);
        this.showRole(getUser(), activeRole());
      },
      onEntry(e: WechatMiniprogram.BaseEvent) {
        navigateTo(String(e.currentTarget.dataset.url));
      },
      onCall() {
        makePhoneCall(this.data.contact.phone);
      },
    },
  }),
);
