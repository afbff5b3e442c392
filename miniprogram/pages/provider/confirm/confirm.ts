/**
 * An application that names this provider: it confirms the contract and payments are real, with its
 * 上云效果评价, or disputes them with a reason the enterprise reads (DESIGN.md "An application's life").
 */
import { page } from '../../../services/page';
import * as api from '../../../services/api';
import { formatFen, formatFenOrUnfilled } from '../../../logic/money';
import type { ProviderApplicationDetail } from '../../../shared/contracts/responses';
import { showToast } from '../../../services/wxp';

function view(d: ProviderApplicationDetail['application']) {
  return {
    id: d.id,
    version: d.version,
    status: d.status,
    statusLabel: d.statusLabel,
    enterpriseName: d.enterpriseName,
    trackingNo: d.trackingNo ?? '',
    contractNo: d.contract.no ?? '',
    signedOn: d.contract.signedOn ?? '',
    term: `${d.contract.start ?? ''} 至 ${d.contract.end ?? ''}`,
    amountText: formatFen(d.contract.amountFen),
    paidText: formatFenOrUnfilled(d.paidAmountFen),
    services: d.contract.services ?? '',
    payments: d.payments.map((p) => ({
      id: p.id,
      text: `${p.paidOn} ${formatFen(p.amountFen)}${p.reference ? `（${p.reference}）` : ''}`,
      verified: p.verified,
    })),
    lastReason: d.lastReason ?? '',
    effectEvaluation: d.effectEvaluation ?? '',
  };
}

Component(
  page({
    data: { id: '', app: null as ReturnType<typeof view> | null, evaluation: '', disputeReason: '', error: '' },
    methods: {
      onLoad(query: Record<string, string | undefined>) {
        this.setData({ id: query.id ?? '' });
        return this.load();
      },
      async load() {
        const res = await api.providerApplication(this.data.id);
        this.setData({ app: view(res.application) });
      },
      onEvaluation(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        this.setData({ evaluation: e.detail.value, error: '' });
      },
      onDisputeReason(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        this.setData({ disputeReason: e.detail.value, error: '' });
      },
      async onConfirm() {
        if ([...this.data.evaluation.trim()].length < 2 || !this.data.app) {
          this.setData({ error: '请填写上云效果评价（至少 2 个字）' });
          return;
        }
        const res = await api.confirmApplication(this.data.id, this.data.app.version, this.data.evaluation.trim());
        this.setData({ app: view(res.application) });
        showToast({ title: '已确认', icon: 'success' });
      },
      async onDispute() {
        if ([...this.data.disputeReason.trim()].length < 2 || !this.data.app) {
          this.setData({ error: '请写明不符之处（至少 2 个字），企业将按此修改' });
          return;
        }
        const res = await api.disputeApplication(this.data.id, this.data.app.version, this.data.disputeReason.trim());
        this.setData({ app: view(res.application) });
        showToast({ title: '已退回企业', icon: 'success' });
      },
    },
  }),
);
