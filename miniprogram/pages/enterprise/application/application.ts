/**
 * 申请进度: where the application stands and what comes next, the tracking number, every opinion, and
 * — after a return — exactly what to fix, naming the material or field; when the money is paid, how
 * much and when. The enterprise may withdraw before the county decides, and change its receiving account
 * (through city finance) from submission until paid and after a 退汇.
 */
import { page } from '../../../services/page';
import * as api from '../../../services/api';
import { showModal, navigateTo, stopPullDownRefresh } from '../../../services/wxp';
import { fixList, opinionLines, timeline, type FixItem, type TimelineItem } from '../../../logic/timeline';
import { formatFen, formatFenOrUnfilled } from '../../../logic/money';
import { formatDay } from '../../../logic/format';
import type { ApplicationState } from '../../../shared/workflow/application';
import type { ApplicationEnvelope, ApplicationEvent } from '../../../shared/contracts/responses';
import { ACCOUNT_CHANGE_OPEN } from '../../../shared/workflow/accountChange';
import { accountText } from '../../../logic/accountChange';
import { policyPack } from '../../../shared/pack/active';

const WITHDRAWABLE: readonly ApplicationState[] = ['draft', 'provider_check', 'county_review', 'returned'];

Component(
  page({
    data: {
      contact: { department: policyPack().contact.department, phone: policyPack().contact.phone },
      id: '',
      version: 0,
      status: '' as ApplicationState | '',
      statusLabel: '',
      trackingNo: '',
      /** Issue 18: the round it was submitted in, and by when a return must be corrected. */
      roundText: '',
      correctionDueText: '',
      moneyText: '',
      moneyNote: '',
      contractText: '',
      paidText: '',
      subsidyText: '',
      verifiedText: '',
      fixes: [] as FixItem[],
      opinions: [] as { key: string; title: string; reasons: string[] }[],
      timeline: [] as TimelineItem[],
      canWithdraw: false,
      accountText: '',
      canChangeAccount: false,
    },
    methods: {
      onLoad(query: Record<string, string | undefined>) {
        this.setData({ id: query.id ?? '' });
      },
      onShow() {
        return this.load();
      },
      async onPullDownRefresh() {
        await this.load();
        stopPullDownRefresh();
      },
      async load() {
        const [env, history] = await Promise.all([api.application(this.data.id), api.applicationHistory(this.data.id)]);
        this.show(env, history.items);
      },
      show(env: ApplicationEnvelope, events: ApplicationEvent[]) {
        const a = env.application;
        const paidOut = events.filter((e) => e.event === 'disburse').pop();
        this.setData({
          version: a.version,
          status: a.status,
          statusLabel: a.statusLabel,
          trackingNo: a.trackingNo ?? '',
          roundText: a.roundName ? `申报批次 ${a.roundName}` : '',
          correctionDueText: a.status === 'returned' && a.correctionDueOn ? `请在 ${a.correctionDueOn} 前修改并重新提交，逾期不再受理` : '',
          moneyText: a.status === 'disbursed' && a.verifiedFen !== null ? formatFen(a.verifiedFen) : '',
          moneyNote:
            a.status === 'disbursed'
              ? `已于 ${formatDay(paidOut?.at ?? a.updatedAt)} 拨付到企业账户 ${a.bank.accountName ?? ''}，请查收`
              : a.status === 'approved'
                ? '补助已批准，等待市财政局拨付'
                : '',
          contractText: formatFen(a.contract.amountFen),
          paidText: formatFenOrUnfilled(a.paidAmountFen),
          subsidyText: a.subsidyFen !== null ? formatFen(a.subsidyFen) : '',
          verifiedText: a.verifiedFen !== null ? formatFen(a.verifiedFen) : '',
          fixes: fixList(a),
          opinions: opinionLines(a),
          timeline: timeline(events),
          canWithdraw: WITHDRAWABLE.includes(a.status),
          // Drafts and returns edit the account in the form itself; after submission it changes through city finance.
          accountText: a.status === 'draft' || a.status === 'returned' ? '' : `${a.bank.accountName ?? ''} ${accountText(a.bank)}`.trim(),
          canChangeAccount: ACCOUNT_CHANGE_OPEN.includes(a.status),
        });
      },
      onChangeAccount() {
        navigateTo(`/pages/enterprise/accountChange/accountChange?id=${this.data.id}`);
      },
      onCorrect() {
        navigateTo(`/pages/enterprise/apply/apply?id=${this.data.id}`);
      },
      async onWithdraw() {
        const res = await showModal({
          title: '撤回申请',
          content: '撤回后这份申请结束，不能恢复；如需申报请重新开始。可写明撤回原因。',
          editable: true,
          placeholderText: '撤回原因（选填）',
          confirmText: '撤回',
        });
        if (!res.confirm) return;
        await api.withdrawApplication(this.data.id, this.data.version, res.content.trim() || null);
        await this.load();
      },
    },
  }),
);
