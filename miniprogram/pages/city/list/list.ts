/**
 * 拟补贴名单: drafted by city MIIT, co-signed by city finance, an optional public notice with objections,
 * then approved by city finance (not the co-signer; over budget only when acknowledged). The Excel in the
 * bureau's layout opens in WeChat.
 */
import * as api from '../../../services/api';
import { page } from '../../../services/page';
import { refreshUser } from '../../../services/account';
import { openGenerated } from '../../../services/preview';
import { showModal, showToast } from '../../../services/wxp';
import { formatFen } from '../../../logic/money';
import { formatTime, orUnfilled, today } from '../../../logic/format';
import type { ListDetail, ListObjection } from '../../../shared/contracts/responses';
import type { Role } from '../../../shared/contracts/roles';

Component(
  page({
    data: {
      id: '',
      role: '' as Role | '',
      version: 0,
      list: { title: '', statusLabel: '', status: '' },
      noticeText: '',
      totals: { count: 0, verifiedText: '' },
      budgetWarning: '',
      blockers: [] as string[],
      items: [] as { id: string; title: string; sub: string; objections: number }[],
      objections: [] as ListObjection[],
      canEdit: false,
      canCosign: false,
      canNotice: false,
      canObject: false,
      canDecideObjection: false,
      canApprove: false,
      canCancel: false,
      versions: [] as { seq: number; title: string; sub: string }[],
      noticeStart: '',
      noticeEnd: '',
    },
    methods: {
      async onLoad(query: Record<string, string | undefined>) {
        const { role } = await refreshUser();
        this.setData({ id: query.id ?? '', role: role ?? '' });
        await this.load();
      },
      async load() {
        this.show(await api.list(this.data.id));
      },
      show(d: ListDetail) {
        const l = d.list;
        const role = this.data.role;
        this.setData({
          version: l.version,
          list: { title: l.title, statusLabel: l.statusLabel, status: l.status },
          noticeText: l.noticeStart ? `公示 ${l.noticeStart} 至 ${l.noticeEnd ?? ''}` : '',
          totals: { count: d.totals.count, verifiedText: formatFen(d.totals.verifiedFen) },
          budgetWarning: d.budgetWarning ?? '',
          blockers: d.approvalBlockers,
          items: d.items.map((i) => ({
            id: i.id,
            title: i.enterprise.name,
            sub: `${i.trackingNo ?? ''} · ${i.countyName ?? ''} · 核定 ${formatFen(i.itemVerifiedFen)} · ${i.statusLabel}`,
            objections: i.pendingObjections,
          })),
          objections: d.objections.map((o) => ({ ...o, content: orUnfilled(o.content) })),
          canEdit: role === 'city_miit' && l.status === 'draft',
          canCosign: role === 'city_finance' && l.status === 'draft',
          canNotice: role === 'city_miit' && (l.status === 'cosigned' || l.status === 'notice'),
          canObject: l.status === 'notice' && (role === 'city_miit' || role === 'city_finance'),
          canDecideObjection: role === 'city_miit',
          canApprove: role === 'city_finance' && (l.status === 'cosigned' || l.status === 'notice'),
          // Before its co-signature city MIIT may cancel the draft with a reason (DESIGN.md "Corrections after the fact").
          canCancel: role === 'city_miit' && l.status === 'draft',
          versions: d.versions.map((v) => ({
            seq: v.seq,
            title: `第 ${v.seq} 版 · ${v.changeLabel} · ${v.applicationIds.length} 份申请`,
            sub: `${formatTime(v.at)}${v.actorRoleLabel ? ` · ${v.actorRoleLabel}` : ''}${v.reason ? ` · 原因：${v.reason}` : ''}`,
          })),
          noticeStart: l.noticeStart ?? this.data.noticeStart,
          noticeEnd: l.noticeEnd ?? this.data.noticeEnd,
        });
      },
      async ask(title: string, placeholder: string): Promise<string | null> {
        const res = await showModal({ title, content: '', editable: true, placeholderText: placeholder, confirmText: '提交' });
        if (!res.confirm) return null;
        if ([...res.content.trim()].length < 2) {
          void showModal({ title: '请补充', content: `请填写${placeholder}（至少 2 个字）`, showCancel: false });
          return null;
        }
        return res.content.trim();
      },
      async onRemove(e: WechatMiniprogram.BaseEvent) {
        const reason = await this.ask('移出名单', '移出原因');
        if (reason) this.show(await api.removeListItem(this.data.id, String(e.currentTarget.dataset.id), this.data.version, reason));
      },
      async onCancelList() {
        const reason = await this.ask('撤销名单', '撤销原因');
        if (!reason) return;
        this.show(await api.cancelList(this.data.id, this.data.version, reason));
        showToast({ title: '已撤销', icon: 'success' });
      },
      async onCosign() {
        this.show(await api.cosignList(this.data.id, this.data.version));
        showToast({ title: '已会签', icon: 'success' });
      },
      onNoticeDate(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        this.setData({ [String(e.currentTarget.dataset.field)]: e.detail.value });
      },
      async onNotice() {
        if (!this.data.noticeStart || !this.data.noticeEnd) {
          void showModal({ title: '请补充', content: '请选择公示开始和结束日期', showCancel: false });
          return;
        }
        this.show(await api.noticeList(this.data.id, this.data.version, this.data.noticeStart, this.data.noticeEnd));
      },
      async onObjection(e: WechatMiniprogram.BaseEvent) {
        const content = await this.ask('登记异议', '异议内容');
        if (!content) return;
        await api.recordObjection(this.data.id, { applicationId: String(e.currentTarget.dataset.id), content, receivedOn: today() });
        await this.load();
      },
      async decide(id: string, decision: 'upheld' | 'dismissed') {
        const reason = await this.ask(decision === 'upheld' ? '异议成立' : '异议不成立', '处理理由');
        if (!reason) return;
        await api.decideObjection(id, { decision, reason, ...(decision === 'upheld' ? { outcome: 'back_to_review' as const } : {}) });
        await this.load();
      },
      onUphold(e: WechatMiniprogram.BaseEvent) {
        return this.decide(String(e.currentTarget.dataset.id), 'upheld');
      },
      onDismiss(e: WechatMiniprogram.BaseEvent) {
        return this.decide(String(e.currentTarget.dataset.id), 'dismissed');
      },
      async onApprove() {
        let acknowledge = false;
        if (this.data.budgetWarning) {
          const res = await showModal({
            title: '超出预算',
            content: `${this.data.budgetWarning}。确认仍要审批？`,
            confirmText: '确认审批',
          });
          if (!res.confirm) return;
          acknowledge = true;
        }
        this.show(await api.approveList(this.data.id, this.data.version, acknowledge));
        showToast({ title: '已审批', icon: 'success' });
      },
      onDocument() {
        return openGenerated(() => api.listDocument(this.data.id), 'xlsx');
      },
    },
  }),
);
