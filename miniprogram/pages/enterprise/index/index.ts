/**
 * 我的申报: the enterprises the person acts for, and their applications. An application starts here —
 * with the answers of the self-check when the person comes from it — one per enterprise (二（六）).
 */
import { page } from '../../../services/page';
import * as api from '../../../services/api';
import { ApiError } from '../../../services/http';
import { CHECK_FACTS_KEY } from '../../../logic/storageKeys';
import { formatFen } from '../../../logic/money';
import { formatTime } from '../../../logic/format';
import { summarize } from '../../../logic/payments';
import { LIVE_STATES } from '../../../shared/workflow/application';
import type { EligibilityFacts } from '../../../shared/rules/facts';
import type { ApplicationSummary, EnterpriseView, Payment } from '../../../shared/contracts/responses';
import { navigateTo, showModal, stopPullDownRefresh } from '../../../services/wxp';

interface EnterpriseRow {
  id: string;
  name: string;
  creditCode: string;
  status: string;
  statusLabel: string;
  hasLive: boolean;
}

interface ApplicationRow {
  id: string;
  trackingNo: string;
  statusLabel: string;
  amountText: string;
  editable: boolean;
}

function amountText(a: ApplicationSummary): string {
  if (a.verifiedFen !== null) return `核定补助 ${formatFen(a.verifiedFen)}`;
  if (a.subsidyFen !== null) return `申请补助 ${formatFen(a.subsidyFen)}`;
  return '';
}

Component(
  page({
    data: { loaded: false, enterprises: [] as EnterpriseRow[], applications: [] as ApplicationRow[], fromCheck: false, paymentsDue: 0 },
    methods: {
      onLoad(query: Record<string, string | undefined>) {
        this.setData({ fromCheck: query.fromCheck === '1' });
      },
      onShow() {
        return this.load();
      },
      async onPullDownRefresh() {
        await this.load();
        stopPullDownRefresh();
      },
      async load() {
        const [enterprises, applications, payments] = await Promise.all([
          api.myEnterprises(),
          api.myApplications().catch(() => ({ items: [] as ApplicationSummary[] })),
          // Only a count on this page: the list has its own page, and its failure must not hide the applications.
          api.payments({ scope: 'enterprise', limit: 100 }, { quiet: true }).catch(() => ({ payments: [] as Payment[] })),
        ]);
        const live = applications.items.filter((a) => (LIVE_STATES as readonly string[]).includes(a.status));
        this.setData({
          loaded: true,
          // A person with applications of one enterprise only sees them; `hasLive` hides 开始申请 where one runs.
          enterprises: enterprises.items.map((e: EnterpriseView) => ({
            id: e.id,
            name: e.name,
            creditCode: e.creditCode,
            status: e.status,
            statusLabel: e.statusLabel,
            hasLive: live.length > 0 && enterprises.items.length === 1,
          })),
          applications: applications.items.map((a) => ({
            id: a.id,
            trackingNo: a.trackingNo ?? '',
            statusLabel: `${a.statusLabel}（${formatTime(a.updatedAt)}）`,
            amountText: amountText(a),
            editable: a.status === 'draft' || a.status === 'returned',
          })),
          // Unpaid in the payer's sense: an order already opened at WeChat Pay is still to be paid.
          paymentsDue: payments.payments.filter((p) => summarize(p).canPay).length,
        });
      },
      onNav(e: WechatMiniprogram.BaseEvent) {
        navigateTo(String(e.currentTarget.dataset.url));
      },
      onOpen(e: WechatMiniprogram.BaseEvent) {
        const app = this.data.applications.find((a) => a.id === String(e.currentTarget.dataset.id));
        if (!app) return;
        navigateTo(
          app.editable && !app.trackingNo
            ? `/pages/enterprise/apply/apply?id=${app.id}`
            : `/pages/enterprise/application/application?id=${app.id}`,
        );
      },
      async onStart(e: WechatMiniprogram.BaseEvent) {
        const enterpriseId = String(e.currentTarget.dataset.id);
        const stored: unknown = wx.getStorageSync(CHECK_FACTS_KEY);
        const facts = typeof stored === 'object' && stored !== null ? (stored as EligibilityFacts) : null;
        try {
          const res = await api.startApplication(enterpriseId, facts);
          navigateTo(`/pages/enterprise/apply/apply?id=${res.application.id}`);
        } catch (err) {
          // 二（六）: one live application per enterprise; the server names the one that runs.
          const existing = err instanceof ApiError && err.code === 'application_exists' ? err.details[0]?.message : undefined;
          if (existing) navigateTo(`/pages/enterprise/application/application?id=${existing}`);
        }
      },
      async onInvite(e: WechatMiniprogram.BaseEvent) {
        const res = await api.inviteColleague(String(e.currentTarget.dataset.id));
        void showModal({
          title: '邀请码（只显示一次）',
          content: `请把邀请码 ${res.code} 告诉同事，${formatTime(res.expiresAt)} 前有效。同事在“凭邀请码加入企业”中填写贵企业的统一社会信用代码和这个邀请码。`,
          showCancel: false,
        });
      },
    },
  }),
);
