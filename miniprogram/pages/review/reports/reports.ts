/**
 * 联合行文 (三（四）): the county bundles its applications both departments approved, with a 文号 and date;
 * each department signs it off, and the second signature reports them to the city.
 */
import { page } from '../../../services/page';
import * as api from '../../../services/api';
import { openGenerated } from '../../../services/preview';
import { formatFen } from '../../../logic/money';
import { formatTime, today } from '../../../logic/format';
import type { JointReportList } from '../../../shared/contracts/responses';

type ReportListItem = JointReportList['items'][number];
import { showModal, showToast } from '../../../services/wxp';
import { getUser } from '../../../services/session';
import { policyPack } from '../../../shared/pack/active';

interface ReportRow {
  id: string;
  version: number;
  docNo: string;
  reportDate: string;
  statusLabel: string;
  countText: string;
  miit: string;
  finance: string;
  canSign: boolean;
  /** A draft not yet signed by both (DESIGN.md "Corrections after the fact"): its drafting department may cancel it. */
  canWithdraw: boolean;
  /** A cancelled report is never printed (the server refuses it too). */
  canPrint: boolean;
}

/** The server's rule for a 文号, said before sending: the year in 〔〕, ending in 号. */
const DOC_NO = /[〔[(（]\s*\d{4}\s*[〕\])）]/;
/** A 文号 as the reviewer's own county would write it: its name without 区/县/市, from the installed pack. */
function docNoExample(): string {
  const code = getUser()?.scopes.find((s) => s.countyCode)?.countyCode;
  const counties = policyPack().counties;
  const county = counties.find((c) => c.code === code) ?? counties[0];
  return `${(county?.name ?? '').replace(/[区县市]$/, '')}工信联〔2026〕3号`;
}

const docNoRule = (): string => `文号格式如“${docNoExample()}”：年份放在〔〕中，以“号”结尾`;

const row = (r: ReportListItem): ReportRow => ({
  id: r.id,
  version: r.version,
  docNo: r.docNo,
  reportDate: r.reportDate,
  statusLabel: r.statusLabel,
  countText: `${r.applicationCount ?? 0} 份，${formatFen(r.totalAppliedFen ?? 0)}`,
  miit: r.miitSignedAt ? `已签发 ${formatTime(r.miitSignedAt)}` : '未签发',
  finance: r.financeSignedAt ? `已签发 ${formatTime(r.financeSignedAt)}` : '未签发',
  canSign: r.status === 'draft' || r.status === 'signing',
  canWithdraw: r.status === 'draft' || r.status === 'signing',
  canPrint: r.status !== 'cancelled',
});

Component(
  page({
    data: {
      docNo: '',
      docNoPlaceholder: '',
      reportDate: today(),
      candidates: [] as { id: string; title: string; sub: string; checked: boolean }[],
      picked: [] as string[],
      reports: [] as ReportRow[],
      formError: '',
    },
    methods: {
      onShow() {
        this.setData({ docNoPlaceholder: docNoExample() });
        return this.load();
      },
      async load() {
        const [queue, reports] = await Promise.all([api.countyQueue({ status: 'county_approved', limit: 100 }), api.jointReports()]);
        this.setData({
          candidates: queue.items.map((a) => ({
            id: a.id,
            title: a.enterpriseName,
            sub: `${a.trackingNo ?? ''} · 申请 ${formatFen(a.subsidyFen)}`,
            checked: this.data.picked.includes(a.id),
          })),
          reports: reports.items.map(row),
        });
      },
      onDocNo(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        this.setData({ docNo: e.detail.value, formError: '' });
      },
      onDate(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        this.setData({ reportDate: e.detail.value });
      },
      onPick(e: WechatMiniprogram.CustomEvent<{ value: string[] }>) {
        this.setData({ picked: e.detail.value, formError: '' });
      },
      async onCreate() {
        const docNo = this.data.docNo.trim();
        // The server's rule, said before sending: the year in 〔〕, ending in 号.
        const problem = !docNo
          ? '请填写文号'
          : !DOC_NO.test(docNo) || !/号$/.test(docNo)
            ? docNoRule()
            : !this.data.picked.length
              ? '请至少选择一份申请'
              : '';
        if (problem) {
          this.setData({ formError: problem });
          return;
        }
        await api.createJointReport({ docNo, reportDate: this.data.reportDate, applicationIds: this.data.picked });
        this.setData({ docNo: '', picked: [] });
        showToast({ title: '已起草', icon: 'success' });
        await this.load();
      },
      async onSign(e: WechatMiniprogram.BaseEvent) {
        const r = this.data.reports.find((x) => x.id === String(e.currentTarget.dataset.id));
        if (!r) return;
        await api.signJointReport(r.id, r.version);
        showToast({ title: '已签发', icon: 'success' });
        await this.load();
      },
      /** The text of an editable dialog, or null when the person changed their mind. */
      async prompt(title: string, placeholderText: string, confirmText: string): Promise<string | null> {
        const res = await showModal({ title, content: '', editable: true, placeholderText, confirmText });
        return res.confirm ? res.content.trim() : null;
      },
      /**
       * Corrects a draft report's 文号 with a reason (the date and members through the API); a first
       * signature no longer counts, and both departments sign the corrected report.
       */
      async onCorrect(e: WechatMiniprogram.BaseEvent) {
        const r = this.data.reports.find((x) => x.id === String(e.currentTarget.dataset.id));
        if (!r) return;
        const docNo = await this.prompt(`更正文号（现为 ${r.docNo}）`, '更正后的文号', '下一步');
        if (docNo === null) return;
        if (!DOC_NO.test(docNo) || !/号$/.test(docNo)) {
          void showModal({ title: '请修改', content: docNoRule(), showCancel: false });
          return;
        }
        const reason = await this.prompt('更正原因', '更正原因（另一部门将看到）', '更正');
        if (reason === null) return;
        if ([...reason].length < 2) {
          void showModal({ title: '请补充', content: '请填写更正原因（至少 2 个字）', showCancel: false });
          return;
        }
        await api.correctJointReport(r.id, { version: r.version, docNo, reason });
        showToast({ title: '已更正', icon: 'success' });
        await this.load();
      },
      /** Cancels a draft report with a reason (the other department reads it); the server decides who may. */
      async onCancel(e: WechatMiniprogram.BaseEvent) {
        const r = this.data.reports.find((x) => x.id === String(e.currentTarget.dataset.id));
        if (!r) return;
        const res = await showModal({
          title: `撤销联合行文 ${r.docNo}`,
          content: '',
          editable: true,
          placeholderText: '撤销原因（另一部门将看到）',
          confirmText: '撤销',
        });
        if (!res.confirm) return;
        const reason = res.content.trim();
        if ([...reason].length < 2) {
          void showModal({ title: '请补充', content: '请填写撤销原因（至少 2 个字）', showCancel: false });
          return;
        }
        await api.cancelJointReport(r.id, r.version, reason);
        showToast({ title: '已撤销', icon: 'success' });
        await this.load();
      },
      onDocument(e: WechatMiniprogram.BaseEvent) {
        const id = String(e.currentTarget.dataset.id);
        return openGenerated(() => api.jointReportDocument(id), 'docx');
      },
    },
  }),
);
