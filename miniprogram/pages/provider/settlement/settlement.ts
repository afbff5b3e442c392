/**
 * 兑付申请表 (三（三）1): a version for a chosen set of the provider's confirmed applications, generated in
 * the seed's layout (Word), printed, stamped, scanned, uploaded back and confirmed; a change is a new version.
 */
import { page } from '../../../services/page';
import * as api from '../../../services/api';
import { openGenerated } from '../../../services/preview';
import { formatFen } from '../../../logic/money';
import type { SettlementForm, StoredFile } from '../../../shared/contracts/responses';
import { showToast } from '../../../services/wxp';

const SETTLEABLE = 'county_review,county_approved,reported,city_approved,listed,approved,disbursed,returned';

interface FormView {
  id: string;
  version: number;
  status: string;
  statusLabel: string;
  totalText: string;
  items: { applicationId: string; position: number; enterpriseName: string; appliedText: string }[];
  scanFiles: StoredFile[];
}

Component(
  page({
    data: {
      candidates: [] as {
        id: string;
        enterpriseName: string;
        trackingNo: string;
        appliedText: string;
        statusLabel: string;
        checked: boolean;
      }[],
      picked: [] as string[],
      forms: [] as FormView[],
      // Confirmed applications the county cannot approve until a (new) signed version lists them as they are now.
      needing: [] as { id: string; enterpriseName: string; trackingNo: string; why: string }[],
    },
    methods: {
      onShow() {
        return this.load();
      },
      async load() {
        const [apps, forms] = await Promise.all([api.providerApplications({ status: SETTLEABLE }), api.settlementForms()]);
        this.setData({
          candidates: apps.items
            .filter((a) => a.status !== 'returned' || a.settlementFormId)
            .map((a) => ({
              id: a.id,
              enterpriseName: a.enterpriseName,
              trackingNo: a.trackingNo ?? '',
              appliedText: formatFen(a.appliedFen),
              statusLabel: a.statusLabel,
              checked: this.data.picked.includes(a.id),
            })),
          forms: await Promise.all(forms.items.map((f) => this.view(f))),
          needing: forms.needingNewForm.map((n) => ({
            id: n.applicationId,
            enterpriseName: n.enterpriseName,
            trackingNo: n.trackingNo ?? '',
            why: n.why,
          })),
        });
      },
      async view(f: SettlementForm): Promise<FormView> {
        const scans = f.status === 'generated' ? (await api.ownerFiles('settlement_form', f.id)).files : [];
        return {
          id: f.id,
          version: f.version,
          status: f.status,
          statusLabel: f.statusLabel,
          totalText: formatFen(f.totalAppliedFen),
          items: f.items.map((i) => ({
            applicationId: i.applicationId,
            position: i.position,
            enterpriseName: i.enterpriseName,
            appliedText: formatFen(i.appliedFen),
          })),
          scanFiles: scans,
        };
      },
      onPick(e: WechatMiniprogram.CustomEvent<{ value: string[] }>) {
        this.setData({ picked: e.detail.value });
      },
      async onGenerate() {
        await api.createSettlementForm(this.data.picked);
        this.setData({ picked: [] });
        showToast({ title: '已生成', icon: 'success' });
        await this.load();
      },
      onDocument(e: WechatMiniprogram.BaseEvent) {
        const id = String(e.currentTarget.dataset.id);
        return openGenerated(() => api.settlementDocument(id), 'docx');
      },
      onScanChange() {
        return this.load();
      },
      async onSign(e: WechatMiniprogram.BaseEvent) {
        await api.signSettlementForm(String(e.currentTarget.dataset.id));
        showToast({ title: '已签章确认', icon: 'success' });
        await this.load();
      },
    },
  }),
);
