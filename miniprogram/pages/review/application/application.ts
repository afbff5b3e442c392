/**
 * The application on one screen for a reviewer: the enterprise and whether the county has verified it,
 * the contract and the money, the payments (verified or only a receipt), every material to open in
 * WeChat, the flags (files identical to another enterprise's, a reused contract number, a revoked
 * provider, paid less than the contract, unverified receipts), the opinions and the history; then the
 * opinion form of the reviewer's level. A return or a reject without a reason is refused here, before
 * anything is sent. City finance records the disbursement here, and a returned payment.
 */
import { page } from '../../../services/page';
import * as api from '../../../services/api';
import { refreshUser } from '../../../services/account';
import { previewMaterial } from '../../../services/preview';
import { showModal, navigateTo, pageScrollTo, showToast } from '../../../services/wxp';
import { formatFen, formatFenOrUnfilled, parseYuan, fenToYuanText } from '../../../logic/money';
import { contactText, formatTime, maskAccount, orUnfilled, today } from '../../../logic/format';
import { viewerFor } from '../../../logic/files';
import { cityOpinionProblem, countyOpinionProblem, DECISIONS, meaningfulReasons, ratingLabel, type Decision } from '../../../logic/review';
import { isCity, isCounty } from '../../../logic/roles';
import { timeline as timelineOf, type TimelineItem } from '../../../logic/timeline';
import { APPLICATION_MATERIALS } from '../../../shared/contracts/application';
import { MATERIAL_NAMES, reasonLine as glossaryReasonLine } from '../../../shared/glossary/terms';
import { applicationLabels, type ApplicationState } from '../../../shared/workflow/application';
import type { Role } from '../../../shared/contracts/roles';
import type { CityDetail, CountyDetail, Flag, ReasonItem } from '../../../shared/contracts/responses';

interface Target {
  label: string;
  type: 'material' | 'field' | '';
}

/** What a reason can point at: the materials of 三（三） and the parts of the application. */
const TARGETS: Target[] = [
  { label: '整份申请', type: '' },
  ...APPLICATION_MATERIALS.map((m) => ({ label: m.label, type: 'material' as const })),
  { label: '兑付申请表', type: 'material' },
  { label: '合同信息', type: 'field' },
  { label: '付款记录', type: 'field' },
  { label: '收款账户', type: 'field' },
  { label: '申报声明', type: 'field' },
  { label: '企业信息', type: 'field' },
];

const KIND_LABELS: Readonly<Record<string, string>> = MATERIAL_NAMES;
const DEPARTMENTS: Record<string, string> = { miit: '工信', finance: '财政' };
const DECISION_WORDS: Record<string, string> = { approve: '同意', return: '退回修改', reject: '不予补助' };

interface Row {
  label: string;
  value: string;
  warn?: boolean;
}

interface ReasonRow {
  key: string;
  targetIndex: number;
  targetLabel: string;
  message: string;
}

function reasonLine(r: ReasonItem): string {
  return glossaryReasonLine(r);
}

function newReason(n: number): ReasonRow {
  return { key: `r${n}`, targetIndex: 0, targetLabel: TARGETS[0].label, message: '' };
}

Component(
  page({
    data: {
      id: '',
      mode: 'county' as 'county' | 'city',
      role: '' as Role | '',
      version: 0,
      status: '' as ApplicationState | '',
      header: { enterpriseName: '', countyName: '', trackingNo: '', statusLabel: '' },
      flags: [] as Flag[],
      enterpriseRows: [] as Row[],
      enterpriseUnverified: false,
      factRows: [] as Row[],
      payments: [] as { id: string; text: string; verified: boolean }[],
      materials: [] as { id: string; name: string; mime: string; kindLabel: string; viewerText: string; duplicate: boolean }[],
      opinions: [] as { key: string; title: string; lines: string[] }[],
      timeline: [] as TimelineItem[],
      canOpine: false,
      formTitle: '',
      departmentLabel: '',
      decisions: DECISIONS.map((d) => ({ value: d.value, label: d.label })),
      decision: '' as Decision | '',
      effect: 0,
      service: 0,
      reasons: [newReason(0)] as ReasonRow[],
      /** A return's correction deadline (issue 18); empty: the round's rule sets it. */
      correctionDueOn: '',
      reasonCounter: 1,
      targets: TARGETS,
      internalNote: '',
      payableFen: 0,
      payableText: '',
      verifiedText: '',
      verifiedReason: '',
      formError: '',
      waitingText: '',
      canDisburse: false,
      disburse: { amountFen: 0, amountText: '', voucherNo: '', paidOn: today() },
      ledger: [] as { id: string; text: string; reason: string; reversible: boolean }[],
      today: today(),
    },
    methods: {
      async onLoad(query: Record<string, string | undefined>) {
        const { role } = await refreshUser();
        this.setData({ id: query.id ?? '', role: role ?? '', mode: isCity(role) ? 'city' : 'county' });
        if (!isCounty(role) && !isCity(role)) {
          void showModal({ title: '提示', content: '请先在首页切换到审核身份', showCancel: false });
          return;
        }
        await this.load();
      },

      async load() {
        if (this.data.mode === 'county') this.showCounty(await api.countyApplication(this.data.id));
        else this.showCity(await api.cityApplication(this.data.id));
      },

      showCounty(d: CountyDetail) {
        const a = d.application;
        const e = d.enterprise;
        const canOpine = a.status === 'county_review' && !d.myOpinionThisRound;
        const dept = DEPARTMENTS[d.myDepartment] ?? '';
        const otherMaterials =
          d.settlementForm?.files
            .filter((f) => !f.supersededBy)
            .map((f) => ({
              id: f.id,
              name: f.name,
              mime: f.mime,
              kindLabel: `兑付申请表第${d.settlementForm!.version}版（${d.settlementForm!.signed ? '已签章' : '未签章'}）`,
              viewerText: viewerFor(f.mime) === 'pdf' ? 'PDF' : '图片',
              duplicate: false,
            })) ?? [];
        this.setData({
          version: a.version,
          status: a.status,
          header: { enterpriseName: e?.name ?? '', countyName: a.countyName, trackingNo: a.trackingNo ?? '', statusLabel: a.statusLabel },
          flags: d.flags,
          enterpriseUnverified: e?.status !== 'verified',
          enterpriseRows: e
            ? [
                { label: '统一社会信用代码', value: e.creditCode },
                {
                  label: '核验状态',
                  value: e.status === 'verified' ? '已核验' : '尚未核验营业执照和授权委托书',
                  warn: e.status !== 'verified',
                },
                { label: '法定代表人', value: orUnfilled(e.legalRepresentative) },
                { label: '经办人', value: contactText(e) },
              ]
            : [],
          factRows: [
            {
              label: '云服务商',
              value: d.provider ? `${d.provider.companyName}（${d.provider.filingNo ?? ''}，${d.provider.approvedOn ?? ''} 备案）` : '',
            },
            { label: '合同编号', value: a.contract.no ?? '' },
            { label: '签订日期', value: a.contract.signedOn ?? '' },
            { label: '服务期限', value: `${a.contract.start ?? ''} 至 ${a.contract.end ?? ''}` },
            { label: '服务内容', value: a.contract.services ?? '' },
            { label: '合同金额', value: formatFen(a.contract.amountFen) },
            {
              label: '已付款',
              value: formatFenOrUnfilled(a.paidAmountFen),
              warn: a.contract.amountFen !== null && (a.paidAmountFen ?? 0) < a.contract.amountFen,
            },
            { label: '其他政策补助', value: formatFen(a.otherSubsidiesFen) },
            { label: '申请补助', value: formatFen(a.subsidyFen) },
            {
              label: '收款账户',
              value: `${a.bankAccount.name ?? ''} ${a.bankAccount.bank ?? ''} ${a.bankAccount.accountNo ?? ''}`,
              warn: !a.bankAccount.nameMatchesEnterprise,
            },
            { label: '服务商评价', value: a.providerEvaluation ?? '' },
            // Whether the signed 兑付申请表 still shows the case's figures (issue 14: a stale one never passes).
            {
              label: '兑付申请表',
              value: d.settlementForm ? d.settlementForm.matchLabel : '尚无列有本申请的兑付申请表',
              warn: !d.settlementForm?.matchesCurrent,
            },
          ],
          payments: d.payments
            .filter((p) => p.removedAt === null)
            .map((p) => ({
              id: p.id,
              text: `${p.paidOn} ${formatFen(p.amountFen)}${p.reference ? `（${p.reference}）` : ''}`,
              verified: p.verified,
            })),
          materials: [
            ...d.materials
              .filter((m) => !m.supersededBy)
              .map((m) => ({
                id: m.id,
                name: m.name,
                mime: m.mime ?? '',
                kindLabel: KIND_LABELS[m.kind] ?? '其他材料',
                viewerText: viewerFor(m.mime ?? m.name) === 'pdf' ? 'PDF' : '图片',
                duplicate: (m.duplicateOf ?? []).length > 0,
              })),
            ...otherMaterials,
          ],
          opinions: d.opinions.map((o) => ({
            key: o.id,
            title: `第${o.round}轮 县${o.departmentLabel}：${o.decisionLabel}（${o.reviewerName ?? ''} ${formatTime(o.createdAt)}）`,
            lines: [
              ...(o.ratings.effect !== null && o.ratings.service !== null
                ? [
                    `上云效果：${o.ratings.effectLabel ?? ratingLabel(o.ratings.effect)}；服务商服务质量：${o.ratings.serviceLabel ?? ratingLabel(o.ratings.service)}`,
                  ]
                : []),
              ...o.reasons.map(reasonLine),
              ...(o.internalNote ? [`内部备注：${o.internalNote}`] : []),
            ],
          })),
          timeline: timelineOf(
            d.history.map((h) => ({
              seq: h.seq,
              event: h.event,
              from: null,
              to: h.to,
              toLabel: applicationLabels(h.to as ApplicationState)?.reviewer ?? h.to,
              reason: h.reason,
              at: h.at,
            })),
          ),
          canOpine,
          departmentLabel: dept,
          formTitle: `本部门审核意见（县${dept}）`,
          waitingText:
            a.status === 'county_review' && d.myOpinionThisRound
              ? `本部门本轮已${DECISION_WORDS[d.myOpinionThisRound] ?? ''}，${d.otherOpinionThisRound ? '' : '等待另一部门的意见'}`
              : '',
        });
      },

      showCity(d: CityDetail) {
        const a = d.application;
        const role = this.data.role;
        const netFen = d.ledger.netFen;
        this.setData({
          version: a.version,
          status: a.status,
          header: {
            enterpriseName: d.enterprise?.name ?? '',
            countyName: a.countyName ?? '',
            trackingNo: a.trackingNo ?? '',
            statusLabel: a.statusLabel,
          },
          flags: d.flags,
          enterpriseUnverified: d.enterprise?.status !== 'verified',
          enterpriseRows: d.enterprise
            ? [
                { label: '统一社会信用代码', value: d.enterprise.creditCode },
                {
                  label: '核验状态',
                  value: d.enterprise.status === 'verified' ? '已核验' : '未核验',
                  warn: d.enterprise.status !== 'verified',
                },
              ]
            : [],
          factRows: [
            { label: '云服务商', value: d.provider ? `${d.provider.companyName}（${d.provider.filingNo ?? ''}）` : '' },
            { label: '合同编号', value: a.contractNo ?? '' },
            { label: '签订日期', value: a.contractSignedOn ?? '' },
            { label: '服务内容', value: a.services ?? '' },
            { label: '合同金额', value: formatFen(a.contractAmountFen) },
            {
              label: '已付款',
              value: formatFenOrUnfilled(a.paidAmountFen),
              warn: a.contractAmountFen !== null && (a.paidAmountFen ?? 0) < a.contractAmountFen,
            },
            { label: '其他政策补助', value: formatFen(a.otherSubsidiesFen) },
            { label: '按政策可补助', value: `${formatFen(d.amount.payableFen)}${d.amount.capped ? '（已封顶）' : ''}（${d.amount.on}）` },
            // Issue 18 item 3: the version the amount is computed under — its 文号 and first day, never its id.
            { label: '政策版本', value: d.amount.policyVersion.label },
            { label: '申请补助', value: formatFen(a.subsidyFen) },
            {
              label: '核定金额',
              value: a.verifiedFen !== null ? `${formatFen(a.verifiedFen)}${a.verifiedReason ? `（${a.verifiedReason}）` : ''}` : '未核定',
            },
            {
              label: '收款账户',
              value: `${a.bankAccount.accountName ?? ''} ${a.bankAccount.bankName ?? ''} ${maskAccount(a.bankAccount.accountNo)}`,
              warn: !a.bankAccount.matchesEnterprise,
            },
            { label: '服务商评价', value: a.providerEvaluation ?? '' },
            ...(d.list ? [{ label: '拟补贴名单', value: `${d.list.year}年第${d.list.batchNo}批` }] : []),
          ],
          payments: d.payments.map((p) => ({
            id: p.id,
            text: `${p.paidOn} ${formatFen(p.amountFen)}${p.reference ? `（${p.reference}）` : ''}`,
            verified: p.verified,
          })),
          materials: d.materials.map((m) => ({
            id: m.id,
            name: m.name,
            mime: '',
            kindLabel: KIND_LABELS[m.kind] ?? '其他材料',
            viewerText: viewerFor(m.name) === 'pdf' ? 'PDF' : '图片',
            duplicate: false,
          })),
          opinions: d.opinions.map((o) => ({
            key: o.id,
            title: `第${o.round}轮 ${o.level === 'county' ? `县${DEPARTMENTS[o.department ?? ''] ?? ''}` : '市工信局'}：${DECISION_WORDS[o.decision] ?? o.decision}（${formatTime(o.createdAt)}）`,
            lines: [
              ...(o.ratingEffect ? [`上云效果：${ratingLabel(o.ratingEffect)}；服务商服务质量：${ratingLabel(o.ratingService)}`] : []),
              ...(o.reasons ?? []).map(reasonLine),
              ...(o.internalNote ? [`内部备注：${o.internalNote}`] : []),
            ],
          })),
          timeline: timelineOf(
            d.history.map((h) => ({
              seq: h.seq,
              event: h.event,
              from: null,
              to: h.to,
              toLabel: applicationLabels(h.to as ApplicationState)?.reviewer ?? h.to,
              reason: h.reason,
              at: h.at,
            })),
          ),
          canOpine: role === 'city_miit' && a.status === 'reported',
          formTitle: '市工信局审核意见（核定金额）',
          payableFen: d.amount.payableFen,
          payableText: formatFen(d.amount.payableFen),
          verifiedText: this.data.verifiedText || fenToYuanText(d.amount.payableFen),
          canDisburse: role === 'city_finance' && a.status === 'approved',
          disburse: { ...this.data.disburse, amountFen: a.verifiedFen ?? 0, amountText: formatFen(a.verifiedFen) },
          ledger: d.ledger.entries.map((entry) => ({
            id: entry.id,
            text: `${entry.paidOn} ${entry.kind === 'payment' ? '拨付' : entry.kind === 'reversal' ? '退汇' : '更正'} ${formatFen(entry.amountFen)} · 凭证 ${entry.voucherNo}`,
            reason: entry.reason ?? '',
            reversible:
              role === 'city_finance' &&
              a.status === 'disbursed' &&
              entry.kind === 'payment' &&
              netFen > 0 &&
              !d.ledger.entries.some((x) => x.kind === 'reversal' && x.correctsId === entry.id),
          })),
        });
      },

      onVerifyEnterprise() {
        navigateTo('/pages/review/enterprises/enterprises');
      },

      async onPreview(e: WechatMiniprogram.BaseEvent) {
        const m = this.data.materials.find((x) => x.id === String(e.currentTarget.dataset.id));
        if (m) await previewMaterial({ id: m.id, name: m.name, mime: m.mime });
      },

      // ---- the opinion form --------------------------------------------------------------------------------

      /** The action bar's 填写意见: the form is at the end of a long page; the bar stays in reach. */
      onToForm() {
        pageScrollTo('.opinion-form');
      },
      onDecision(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        this.setData({ decision: e.detail.value as Decision, formError: '' });
      },
      onRating(e: WechatMiniprogram.CustomEvent<{ value: number }>) {
        this.setData({ [String(e.currentTarget.dataset.which)]: e.detail.value, formError: '' });
      },
      onReasonTarget(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        const i = Number(e.currentTarget.dataset.index);
        const t = TARGETS[Number(e.detail.value)];
        if (t) this.setData({ [`reasons[${i}].targetIndex`]: Number(e.detail.value), [`reasons[${i}].targetLabel`]: t.label });
      },
      onReasonMessage(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        this.setData({ [`reasons[${Number(e.currentTarget.dataset.index)}].message`]: e.detail.value, formError: '' });
      },
      onAddReason() {
        this.setData({ reasons: [...this.data.reasons, newReason(this.data.reasonCounter)], reasonCounter: this.data.reasonCounter + 1 });
      },
      onRemoveReason(e: WechatMiniprogram.BaseEvent) {
        const i = Number(e.currentTarget.dataset.index);
        this.setData({ reasons: this.data.reasons.filter((_r, n) => n !== i) });
      },
      onCorrectionDue(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        this.setData({ correctionDueOn: e.detail.value, formError: '' });
      },
      /** The correction deadline the reviewer picked, sent with a return only. */
      correctionDue(): { correctionDueOn?: string } {
        return this.data.decision === 'return' && this.data.correctionDueOn ? { correctionDueOn: this.data.correctionDueOn } : {};
      },
      onNote(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        this.setData({ internalNote: e.detail.value });
      },
      onVerified(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        this.setData({ verifiedText: e.detail.value, formError: '' });
      },
      onVerifiedReason(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        this.setData({ verifiedReason: e.detail.value, formError: '' });
      },

      /** Refused here when incomplete: nothing goes to the server until the form says what the enterprise must read. */
      refuse(problem: string) {
        this.setData({ formError: problem });
        void showModal({ title: '请补充', content: problem, showCancel: false });
      },

      async onSendOpinion() {
        const drafts = this.data.reasons.map((r) => ({ target: r.targetIndex === 0 ? '' : r.targetLabel, message: r.message }));
        const reasons = this.data.decision === 'approve' ? [] : meaningfulReasons(drafts);
        if (this.data.mode === 'county') {
          const problem = countyOpinionProblem({
            decision: this.data.decision,
            effect: this.data.effect,
            service: this.data.service,
            reasons: drafts,
          });
          if (problem || !this.data.decision) return this.refuse(problem ?? '请选择审核结论');
          const res = await api.countyOpinion(this.data.id, {
            version: this.data.version,
            decision: this.data.decision,
            ...(this.data.decision === 'approve' ? { ratings: { effect: this.data.effect, service: this.data.service } } : {}),
            reasons: reasons.map((r) => {
              const type = TARGETS.find((t) => t.label === r.target)?.type;
              return {
                ...(type === 'material' ? { material: r.target } : type === 'field' ? { field: r.target } : {}),
                message: r.message,
              };
            }),
            internalNote: this.data.internalNote.trim() || undefined,
            ...this.correctionDue(),
          });
          showToast({ title: res.waitingFor ? '已提交，等待另一部门' : '已提交', icon: 'success' });
        } else {
          const verified = parseYuan(this.data.verifiedText, '核定金额');
          const problem = cityOpinionProblem({
            decision: this.data.decision,
            verifiedFen: verified.ok ? verified.fen : null,
            payableFen: this.data.payableFen,
            verifiedReason: this.data.verifiedReason,
            reasons: drafts,
          });
          if (problem || !this.data.decision) return this.refuse(problem ?? '请选择审核结论');
          await api.cityOpinion(this.data.id, {
            version: this.data.version,
            decision: this.data.decision,
            ...(this.data.decision === 'approve' && verified.ok
              ? { verifiedFen: verified.fen, verifiedReason: this.data.verifiedReason.trim() || null }
              : {}),
            reasons: reasons.map((r) => ({ path: r.target || null, message: r.message })),
            internalNote: this.data.internalNote.trim() || null,
            ...this.correctionDue(),
          });
          showToast({ title: '已提交', icon: 'success' });
        }
        this.setData({
          decision: '',
          reasons: [newReason(this.data.reasonCounter)],
          reasonCounter: this.data.reasonCounter + 1,
          internalNote: '',
          correctionDueOn: '',
          formError: '',
        });
        return this.load();
      },

      // ---- city finance: the money ---------------------------------------------------------------------------

      onVoucher(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        this.setData({ 'disburse.voucherNo': e.detail.value });
      },
      onPaidOn(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        this.setData({ 'disburse.paidOn': e.detail.value });
      },
      async onDisburse() {
        const d = this.data.disburse;
        if (!d.voucherNo.trim() || !d.paidOn) return this.refuse('请填写国库支付凭证号和拨付日期');
        await api.disburse(this.data.id, {
          version: this.data.version,
          amountFen: d.amountFen,
          voucherNo: d.voucherNo.trim(),
          paidOn: d.paidOn,
        });
        showToast({ title: '已登记拨付', icon: 'success' });
        return this.load();
      },
      async onReverse(e: WechatMiniprogram.BaseEvent) {
        const res = await showModal({
          title: '登记退汇',
          content: '',
          editable: true,
          placeholderText: '退汇原因（如账户已注销）',
          confirmText: '登记',
        });
        if (!res.confirm) return;
        if ([...res.content.trim()].length < 2) return this.refuse('请写明退汇原因');
        await api.reverseDisbursement(this.data.id, String(e.currentTarget.dataset.id), {
          version: this.data.version,
          reason: res.content.trim(),
          returnedOn: today(),
        });
        return this.load();
      },
    },
  }),
);
