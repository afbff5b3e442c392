/**
 * Registering the enterprise by its credit code (checked as it is typed: GB 32100-2015), or joining it
 * with a colleague's code; then the business licence and the letter of authorisation the county checks.
 * With ?id= the same page edits the enterprise's details and materials. Once the county verified the
 * enterprise, a change of its name, 成立日期, county or legal representative waits for the county's
 * verification (DESIGN.md, "Corrections after the fact"): the page shows it, old → new, and may withdraw it.
 */
import { page } from '../../../services/page';
import * as api from '../../../services/api';
import { ApiError } from '../../../services/http';
import { CHECK_FACTS_KEY } from '../../../logic/storageKeys';
import { contactPhone, creditCode as checkCreditCode } from '../../../logic/validators';
import { today } from '../../../logic/format';
import { policyPack } from '../../../shared/pack/active';
import { isAccessCode } from '../../../shared/contracts/accessCodes';
import { ENTERPRISE_MATERIALS, type EnterpriseProfile } from '../../../shared/contracts/application';
import { INDUSTRY_SECTIONS, type EligibilityFacts } from '../../../shared/rules/facts';
import type { EnterpriseView, StoredFile } from '../../../shared/contracts/responses';
import { redirectTo, showModal, showToast } from '../../../services/wxp';

type Field = 'creditCode' | 'name' | 'establishedOn' | 'legalRepresentative' | 'address' | 'contactName' | 'contactPhone';
type Form = Record<Field, string> & { countyCode: string; industryCode: string };

const EMPTY: Form = {
  creditCode: '',
  name: '',
  establishedOn: '',
  legalRepresentative: '',
  address: '',
  contactName: '',
  contactPhone: '',
  countyCode: '',
  industryCode: '',
};
const INDUSTRIES = Object.entries(INDUSTRY_SECTIONS).map(([value, name]) => ({ value, label: `${value} ${name}` }));

function check(field: string, value: string): string {
  if (field === 'creditCode') return checkCreditCode(value) ?? '';
  if (field === 'contactPhone') return contactPhone(value) ?? '';
  return '';
}

Component(
  page({
    data: {
      mode: 'register' as 'register' | 'join' | 'edit',
      form: { ...EMPTY },
      errors: {},
      formError: '',
      joinCode: '',
      counties: policyPack().counties.map((c) => ({ code: c.code, name: c.name })),
      countyIndex: -1,
      countyText: '',
      industries: INDUSTRIES,
      industryText: '',
      today: today(),
      enterpriseId: '',
      version: 0,
      statusLabel: '',
      verified: false,
      pendingChangeId: '',
      pendingSummary: '',
      materials: ENTERPRISE_MATERIALS.map((m) => ({ kind: m.kind, label: m.label, files: [] as StoredFile[] })),
    },
    methods: {
      async onLoad(query: Record<string, string | undefined>) {
        if (query.id) {
          this.setData({ mode: 'edit', enterpriseId: query.id });
          await this.loadEnterprise(query.id);
          return;
        }
        this.setData({ mode: query.mode === 'join' ? 'join' : 'register' });
        // From the self-check: what it asked is not asked again.
        const stored: unknown = wx.getStorageSync(CHECK_FACTS_KEY);
        if (typeof stored === 'object' && stored !== null) {
          const facts = stored as EligibilityFacts;
          this.setData({
            'form.creditCode': facts.enterprise.creditCode ?? '',
            'form.establishedOn': facts.enterprise.establishedOn ?? '',
          });
          if (facts.enterprise.industryCode) this.pickIndustry(facts.enterprise.industryCode);
        }
      },
      async loadEnterprise(id: string) {
        const { items } = await api.myEnterprises();
        const e = items.find((x) => x.id === id);
        if (!e) return;
        this.setData({
          form: {
            creditCode: e.creditCode,
            name: e.name,
            establishedOn: e.establishedOn ?? '',
            legalRepresentative: e.legalRepresentative ?? '',
            address: e.address ?? '',
            contactName: e.contactName ?? '',
            contactPhone: e.contactPhone ?? '',
            countyCode: e.countyCode,
            industryCode: e.industryCode ?? '',
          },
          countyIndex: this.data.counties.findIndex((c) => c.code === e.countyCode),
          countyText: e.countyName ?? '',
          version: e.version,
          statusLabel: e.statusLabel,
        });
        this.showPending(e);
        if (e.industryCode) this.pickIndustry(e.industryCode);
        await this.loadMaterials();
      },
      showPending(e: EnterpriseView) {
        this.setData({
          verified: e.status === 'verified',
          pendingChangeId: e.pendingChange?.id ?? '',
          pendingSummary: e.pendingChange?.summary ?? '',
        });
      },
      async onWithdrawChange() {
        const res = await showModal({
          title: '撤回变更',
          content: `撤回后仍以原信息为准：${this.data.pendingSummary}`,
          confirmText: '撤回',
        });
        if (!res.confirm) return;
        await api.withdrawProfileChange(this.data.enterpriseId, this.data.pendingChangeId);
        showToast({ title: '已撤回', icon: 'success' });
        await this.loadEnterprise(this.data.enterpriseId);
      },
      async loadMaterials() {
        const { files } = await api.ownerFiles('enterprise', this.data.enterpriseId);
        this.setData({ materials: this.data.materials.map((m) => ({ ...m, files: files.filter((f) => f.kind === m.kind) })) });
      },
      pickIndustry(code: string) {
        const found = INDUSTRIES.find((i) => i.value === code);
        if (found) this.setData({ 'form.industryCode': found.value, industryText: found.label });
      },
      onMode(e: WechatMiniprogram.BaseEvent) {
        this.setData({ mode: String(e.currentTarget.dataset.mode) as 'register' | 'join', formError: '' });
      },
      onField(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        const field = String(e.currentTarget.dataset.field);
        this.setData({ [`form.${field}`]: e.detail.value, [`errors.${field}`]: check(field, e.detail.value), formError: '' });
      },
      onJoinCode(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        this.setData({ joinCode: e.detail.value });
      },
      onCounty(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        const county = this.data.counties[Number(e.detail.value)];
        if (county) this.setData({ countyIndex: Number(e.detail.value), countyText: county.name, 'form.countyCode': county.code });
      },
      onIndustry(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        const industry = INDUSTRIES[Number(e.detail.value)];
        if (industry) this.pickIndustry(industry.value);
      },
      profile(): EnterpriseProfile {
        return { creditCode: this.data.form.creditCode.trim().toUpperCase(), ...this.changeable() };
      },
      /** The profile without its credit code, as an update sends it: an enterprise's code never changes. */
      changeable(): Omit<EnterpriseProfile, 'creditCode'> {
        const f = this.data.form;
        return {
          name: f.name.trim(),
          countyCode: f.countyCode as EnterpriseProfile['countyCode'],
          establishedOn: f.establishedOn,
          industryCode: f.industryCode || null,
          legalRepresentative: f.legalRepresentative.trim(),
          address: f.address.trim(),
          contactName: f.contactName.trim(),
          contactPhone: f.contactPhone.trim(),
        };
      },
      showProblems(err: unknown) {
        if (!(err instanceof ApiError)) return;
        const errors: Record<string, string> = {};
        for (const d of err.details) errors[d.path.split('.').pop() ?? d.path] = d.message;
        this.setData({ errors, formError: err.message });
      },
      async onSave() {
        const problems = (['creditCode', 'contactPhone'] as const).map((f) => check(f, this.data.form[f])).filter(Boolean);
        if (problems.length) {
          this.setData({ formError: problems[0] });
          return;
        }
        try {
          if (this.data.mode === 'edit') {
            const res = await api.updateEnterprise(this.data.enterpriseId, this.data.version, this.changeable(), { quiet: true });
            this.setData({ version: res.enterprise.version, statusLabel: res.enterprise.statusLabel });
            this.showPending(res.enterprise);
            if (res.enterprise.pendingChange)
              void showModal({
                title: '已提交县里核验',
                content: `${res.enterprise.pendingChange.summary}。县（市）区核验前，申报仍以原信息为准。`,
                showCancel: false,
              });
            else showToast({ title: '已保存', icon: 'success' });
            return;
          }
          const res = await api.registerEnterprise(this.profile(), { quiet: true });
          if (res.membership === 'claim_pending') {
            void showModal({
              title: '已提交认领',
              content: '这个统一社会信用代码已有人登记。您的认领已交县（市）区工信、财政部门核实，核实后即可为该企业申报。',
              showCancel: false,
            });
            return;
          }
          this.setData({
            mode: 'edit',
            enterpriseId: res.enterprise.id,
            version: res.enterprise.version,
            statusLabel: res.enterprise.statusLabel,
          });
          showToast({ title: '已登记', icon: 'success' });
          await this.loadMaterials();
        } catch (err) {
          this.showProblems(err);
        }
      },
      async onJoin() {
        const problem = check('creditCode', this.data.form.creditCode);
        const codeProblem = isAccessCode(this.data.joinCode) ? '' : '邀请码为 12 位字母和数字（如 7K3M-Q9XD-2HPA），请核对同事发来的邀请码';
        if (problem || codeProblem) {
          this.setData({ formError: problem || codeProblem });
          void showModal({ title: '提示', content: problem || codeProblem, showCancel: false });
          return;
        }
        await api.joinEnterprise(this.data.form.creditCode.trim().toUpperCase(), this.data.joinCode);
        showToast({ title: '已加入', icon: 'success' });
        redirectTo('/pages/enterprise/index/index');
      },
      onMaterialChange() {
        return this.loadMaterials();
      },
    },
  }),
);
