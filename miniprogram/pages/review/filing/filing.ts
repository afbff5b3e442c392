/**
 * City MIIT on a provider's filing: the five conditions of 三（一） each with its evidence from the form
 * and its materials to open; approval confirms all five (the 备案编号 and date are the server's), a return,
 * a reject or a later revocation says why.
 */
import { page } from '../../../services/page';
import * as api from '../../../services/api';
import { openGenerated, previewMaterial } from '../../../services/preview';
import { filingDecisionProblem } from '../../../logic/review';
import { formatTime } from '../../../logic/format';
import type { TimelineItem } from '../../../logic/timeline';
import type { FilingChecklist } from '../../../shared/contracts/responses';
import { showModal, showToast } from '../../../services/wxp';
import { eventName, FILING_EVENT_NAMES } from '../../../shared/glossary/terms';

type FilingDecision = 'approve' | 'return' | 'reject' | 'revoke';

Component(
  page({
    data: {
      id: '',
      version: 0,
      filing: { companyName: '', platformName: '', statusLabel: '', filingNo: '', approvedOn: '' },
      // The provider's record of county ratings (issue 14 item 10), as the server words it.
      ratingText: '',
      conditions: [] as {
        no: number;
        clause: string;
        text: string;
        fields: { label: string; value: string }[];
        files: { id: string; name: string; label: string }[];
        checked: boolean;
      }[],
      canDecide: false,
      canRevoke: false,
      decisions: [] as { value: FilingDecision; label: string }[],
      decision: '' as FilingDecision | '',
      reason: '',
      formError: '',
      timeline: [] as TimelineItem[],
    },
    methods: {
      onLoad(query: Record<string, string | undefined>) {
        this.setData({ id: query.id ?? '' });
        return this.load();
      },
      async load() {
        const history = await api.filingHistory(this.data.id);
        try {
          this.show(await api.filingChecklist(this.data.id, { quiet: true }));
        } catch {
          // The checklist is city MIIT's; the administrator reads the filing's state only.
          const { filing } = await api.filing(this.data.id);
          if (filing)
            this.setData({
              filing: {
                companyName: filing.companyName,
                platformName: filing.platformName ?? '',
                statusLabel: filing.statusLabel,
                filingNo: filing.filingNo ?? '',
                approvedOn: filing.approvedOn ?? '',
              },
              canDecide: false,
              canRevoke: false,
            });
        }
        this.setData({
          timeline: history.items
            .filter((e) => e.event !== 'save')
            .map((e, i, all) => ({
              key: String(e.seq),
              title: eventName(e.event, FILING_EVENT_NAMES),
              time: formatTime(e.at),
              note: e.reason ? `原因：${e.reason}` : '',
              current: i === all.length - 1,
            }))
            .reverse(),
        });
      },
      show(c: FilingChecklist) {
        const f = c.filing;
        const canDecide = f.status === 'submitted';
        const canRevoke = f.status === 'approved';
        this.setData({
          version: f.version,
          filing: {
            companyName: f.companyName,
            platformName: f.platformName ?? '',
            statusLabel: f.statusLabel,
            filingNo: f.filingNo ?? '',
            approvedOn: f.approvedOn ?? '',
          },
          ratingText: c.ratingRecord.text,
          conditions: c.conditions.map((x) => ({
            no: x.no,
            clause: x.clause,
            text: x.text,
            fields: x.fields,
            files: x.materials.flatMap((m) => m.files.map((file) => ({ id: file.id, name: file.name, label: m.label }))),
            checked: false,
          })),
          canDecide,
          canRevoke,
          decisions: canRevoke
            ? [{ value: 'revoke', label: '撤销备案' }]
            : [
                { value: 'approve', label: '通过备案' },
                { value: 'return', label: '退回修改' },
                { value: 'reject', label: '不予备案' },
              ],
          decision: '',
          reason: '',
        });
      },
      onCondition(e: WechatMiniprogram.CustomEvent<{ value: boolean }>) {
        const no = Number(e.currentTarget.dataset.no);
        this.setData({ conditions: this.data.conditions.map((c) => (c.no === no ? { ...c, checked: e.detail.value } : c)), formError: '' });
      },
      onDecision(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        this.setData({ decision: e.detail.value as FilingDecision, formError: '' });
      },
      onReason(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        this.setData({ reason: e.detail.value, formError: '' });
      },
      async onSend() {
        const confirmed = this.data.conditions.filter((c) => c.checked).map((c) => c.no);
        const problem = filingDecisionProblem(this.data.decision, confirmed, this.data.reason);
        if (problem || !this.data.decision) {
          this.setData({ formError: problem ?? '请选择审核结论' });
          void showModal({ title: '请补充', content: problem ?? '请选择审核结论', showCancel: false });
          return;
        }
        const decision = this.data.decision;
        await api.decideFiling(
          this.data.id,
          decision,
          decision === 'approve'
            ? { version: this.data.version, conditions: confirmed }
            : { version: this.data.version, reason: this.data.reason.trim() },
        );
        showToast({ title: '已提交', icon: 'success' });
        await this.load();
      },
      onPreview(e: WechatMiniprogram.BaseEvent) {
        return previewMaterial({ id: String(e.currentTarget.dataset.id), name: String(e.currentTarget.dataset.name) });
      },
      onDocument() {
        return openGenerated(() => api.filingDocument(this.data.id), 'docx');
      },
    },
  }),
);
