/**
 * 系统管理: invitation codes for reviewers (the only way to those roles; one department per person), their
 * list and revocation, and a check that the audit trail has not been tampered with.
 */
import { page } from '../../services/page';
import * as api from '../../services/api';
import { formatTime } from '../../logic/format';
import { INVITED_ROLES, ROLE_LABELS, countyName, isCountyRole, type InvitedRole } from '../../shared/contracts/roles';
import type { InvitationSummary } from '../../shared/contracts/responses';
import { policyPack } from '../../shared/pack/active';

const ROLES = INVITED_ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }));
const STATES: Record<InvitationSummary['state'], string> = { open: '未使用', used: '已使用', expired: '已过期', revoked: '已作废' };

Component(
  page({
    data: {
      roles: ROLES,
      role: '' as InvitedRole | '',
      roleText: '',
      needsCounty: false,
      counties: policyPack().counties.map((c) => ({ code: c.code, name: c.name })),
      county: '',
      countyText: '',
      hours: '72',
      note: '',
      code: '',
      error: '',
      invitations: [] as { id: string; text: string; sub: string; refusal: string; open: boolean }[],
      conflicts: [] as { key: string; text: string; sub: string }[],
      auditText: '',
    },
    methods: {
      onShow() {
        return this.load();
      },
      async load() {
        const [{ items }, conflicts] = await Promise.all([api.invitations(), api.roleConflicts()]);
        this.setData({
          invitations: items.map((i) => ({
            id: i.id,
            text: `${ROLE_LABELS[i.role]}${i.countyCode ? ` · ${countyName(i.countyCode) ?? i.countyCode}` : ''}`,
            sub: `${STATES[i.state]} · ${formatTime(i.expiresAt)} 到期${i.note ? ` · ${i.note}` : ''}`,
            refusal: i.refusal ? `${formatTime(i.refusal.at)} 使用被拒：${i.refusal.reason}` : '',
            open: i.state === 'open',
          })),
          // Four eyes: people who review an enterprise or provider they belong to; revoke one side.
          conflicts: conflicts.items.map((c) => ({
            key: `${c.userId}:${c.role}:${c.countyCode ?? ''}`,
            text: c.displayName ?? '未填写姓名的用户',
            sub: c.conflict,
          })),
        });
      },
      onRole(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        const r = ROLES[Number(e.detail.value)];
        if (r) this.setData({ role: r.value, roleText: r.label, needsCounty: isCountyRole(r.value), error: '' });
      },
      onCounty(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        const c = this.data.counties[Number(e.detail.value)];
        if (c) this.setData({ county: c.code, countyText: c.name, error: '' });
      },
      onHours(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        this.setData({ hours: e.detail.value });
      },
      onNote(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        this.setData({ note: e.detail.value });
      },
      async onCreate() {
        if (!this.data.role || (this.data.needsCounty && !this.data.county)) {
          this.setData({ error: !this.data.role ? '请选择角色' : '县级角色须选择县（市）区' });
          return;
        }
        const res = await api.createInvitation({
          role: this.data.role,
          countyCode: this.data.needsCounty ? this.data.county : null,
          expiresInHours: Number(this.data.hours) || 72,
          note: this.data.note.trim() || null,
        });
        this.setData({ code: res.code, note: '' });
        await this.load();
      },
      async onRevoke(e: WechatMiniprogram.BaseEvent) {
        await api.revokeInvitation(String(e.currentTarget.dataset.id));
        await this.load();
      },
      async onVerify() {
        const res = await api.verifyAudit();
        this.setData({
          auditText: res.problems.length ? `发现 ${res.problems.length} 处问题` : `完好（${res.rows} 条，${res.chains} 条链）`,
        });
      },
    },
  }),
);
