/**
 * 企业核验: before reviewing an application the county checks the enterprise's business licence and the
 * letter of authorisation (DESIGN.md "Who uses it"), and settles a second claim on a credit code. The
 * 信息变更 tab holds the changes of verified profiles that wait for the county: verified, or refused with
 * a reason the enterprise reads (DESIGN.md, "Corrections after the fact").
 */
import { page } from '../../../services/page';
import * as api from '../../../services/api';
import { previewMaterial } from '../../../services/preview';
import { showModal, showToast, stopPullDownRefresh } from '../../../services/wxp';
import { contactText, formatTime, orUnfilled } from '../../../logic/format';
import { ENTERPRISE_MATERIALS } from '../../../shared/contracts/application';
import type { CountyEnterpriseList } from '../../../shared/contracts/responses';

type CountyEnterprise = CountyEnterpriseList['items'][number];

const LABELS: Record<string, string> = Object.fromEntries(ENTERPRISE_MATERIALS.map((m) => [m.kind, m.label]));
const TABS = [
  { key: 'pending', title: '待核验' },
  { key: 'disputed', title: '有认领争议' },
  { key: 'verified', title: '已核验' },
  { key: 'changes', title: '信息变更' },
];

interface ChangeRow {
  id: string;
  enterpriseName: string;
  summary: string;
  time: string;
}

interface Row {
  id: string;
  version: number;
  name: string;
  statusLabel: string;
  creditCode: string;
  legalRepresentative: string;
  contact: string;
  files: { id: string; name: string; mime: string; label: string }[];
  claims: { memberId: string; who: string; time: string; accept: boolean }[];
}

Component(
  page({
    data: { tab: 'pending', tabs: TABS, enterprises: [] as Row[], changes: [] as ChangeRow[], loaded: false },
    methods: {
      onShow() {
        return this.load();
      },
      async onPullDownRefresh() {
        await this.load();
        stopPullDownRefresh();
      },
      async load() {
        if (this.data.tab === 'changes') {
          const { items: changes } = await api.countyProfileChanges();
          this.setData({
            enterprises: [],
            changes: changes.map((c) => ({
              id: c.id,
              enterpriseName: c.enterpriseName ?? '',
              summary: c.summary,
              time: formatTime(c.requestedAt),
            })),
            loaded: true,
          });
          return;
        }
        const { items } = await api.countyEnterprises(this.data.tab);
        const rows = await Promise.all(items.map((e: CountyEnterprise) => this.row(e)));
        this.setData({ enterprises: rows, loaded: true });
      },
      async row(e: CountyEnterprise): Promise<Row> {
        const { files } = await api.ownerFiles('enterprise', e.id);
        return {
          id: e.id,
          version: e.version,
          name: e.name,
          statusLabel: e.statusLabel,
          creditCode: e.creditCode,
          legalRepresentative: orUnfilled(e.legalRepresentative),
          contact: contactText(e),
          files: files
            .filter((f) => !f.supersededBy)
            .map((f) => ({ id: f.id, name: f.name, mime: f.mime, label: LABELS[f.kind] ?? f.kind })),
          claims: e.claims.map((c) => ({ memberId: c.memberId, who: c.userId.slice(-6), time: formatTime(c.createdAt), accept: false })),
        };
      },
      onTab(e: WechatMiniprogram.BaseEvent) {
        this.setData({ tab: String(e.currentTarget.dataset.key) });
        return this.load();
      },
      onPreview(e: WechatMiniprogram.BaseEvent) {
        const d = e.currentTarget.dataset;
        return previewMaterial({ id: String(d.id), name: String(d.name), mime: String(d.mime) });
      },
      onClaim(e: WechatMiniprogram.CustomEvent<{ value: boolean }>) {
        const { enterprise, member } = e.currentTarget.dataset;
        this.setData({
          enterprises: this.data.enterprises.map((x) =>
            x.id === String(enterprise)
              ? { ...x, claims: x.claims.map((c) => (c.memberId === String(member) ? { ...c, accept: e.detail.value } : c)) }
              : x,
          ),
        });
      },
      async onVerify(e: WechatMiniprogram.BaseEvent) {
        const row = this.data.enterprises.find((x) => x.id === String(e.currentTarget.dataset.id));
        if (!row) return;
        await api.decideEnterprise(row.id, {
          version: row.version,
          decision: 'verify',
          acceptClaims: row.claims.filter((c) => c.accept).map((c) => c.memberId),
          refuseClaims: row.claims.filter((c) => !c.accept).map((c) => c.memberId),
        });
        showToast({ title: '已核验', icon: 'success' });
        await this.load();
      },
      async onVerifyChange(e: WechatMiniprogram.BaseEvent) {
        await api.decideProfileChange(String(e.currentTarget.dataset.id), { decision: 'verify' });
        showToast({ title: '已核验', icon: 'success' });
        await this.load();
      },
      async onRefuseChange(e: WechatMiniprogram.BaseEvent) {
        const res = await showModal({
          title: '不予核验',
          content: '',
          editable: true,
          placeholderText: '原因（企业将看到）',
          confirmText: '提交',
        });
        if (!res.confirm) return;
        if ([...res.content.trim()].length < 2) {
          void showModal({ title: '请补充', content: '请写明不予核验的原因', showCancel: false });
          return;
        }
        await api.decideProfileChange(String(e.currentTarget.dataset.id), { decision: 'refuse', reason: res.content.trim() });
        await this.load();
      },
      async onReject(e: WechatMiniprogram.BaseEvent) {
        const row = this.data.enterprises.find((x) => x.id === String(e.currentTarget.dataset.id));
        if (!row) return;
        const res = await showModal({
          title: '核验不通过',
          content: '',
          editable: true,
          placeholderText: '原因（企业将看到）',
          confirmText: '提交',
        });
        if (!res.confirm) return;
        if ([...res.content.trim()].length < 2) {
          void showModal({ title: '请补充', content: '请写明核验不通过的原因', showCancel: false });
          return;
        }
        await api.decideEnterprise(row.id, { version: row.version, decision: 'reject', reason: res.content.trim() });
        await this.load();
      },
    },
  }),
);
