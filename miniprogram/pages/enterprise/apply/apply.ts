/**
 * The application in steps: 企业信息, 服务合同 (a provider from the registry), 付款记录, 申报声明, 收款账户,
 * 申报材料, then 提交. Each step shows what it still lacks (the server's list of what is missing); a
 * returned application opens here with what to fix. Submitting asks for the subscribe messages first —
 * WeChat allows that only from the tap itself, and at most three templates.
 */
import { page } from '../../../services/page';
import * as api from '../../../services/api';
import { ApiError } from '../../../services/http';
import { requestSubscribeMessage, navigateTo, redirectTo, showModal, showToast } from '../../../services/wxp';
import { CHECK_FACTS_KEY, PAID_FOR_APPLICATION_KEY, PICKED_PROVIDER_KEY } from '../../../logic/storageKeys';
import { estimate } from '../../../logic/flow';
import { fenToYuanText, formatFen, formatFenOrUnfilled, parseYuan } from '../../../logic/money';
import { formatDay } from '../../../logic/format';
import { stepOf, stepStatuses, type StepKey, type StepStatus } from '../../../logic/missing';
import { fixList } from '../../../logic/timeline';
import { bankAccountNo } from '../../../logic/validators';
import { today } from '../../../logic/format';
import { APPLICATION_MATERIALS, PAYMENT_METHODS, type Declarations } from '../../../shared/contracts/application';
import type { EligibilityFacts } from '../../../shared/rules/facts';
import { policyPack } from '../../../shared/pack/active';
import type { FlowDescription } from '../../../shared/rules/flow/questions';
import type { ApplicationEnvelope, EnterpriseView, Issue as MissingItem, Payment, StoredFile } from '../../../shared/contracts/responses';

type BoolKey = Exclude<keyof Declarations, 'otherSubsidiesFen' | 'otherSubsidyNote'>;

/** The declarations of 二（一）–（五）, worded as questions with a plain 是/否; the city's name read from the pack. */
const declarationLabels = (): { key: BoolKey; label: string }[] => [
  { key: 'registeredInYichun', label: `在${policyPack().city.name}设立、登记、注册` },
  { key: 'independentLegalPerson', label: '具有独立法人资格' },
  { key: 'industrial', label: '属于工业企业' },
  { key: 'alignedWithIndustrialPolicy', label: '符合国家和我市产业发展方向' },
  { key: 'operatingNormally', label: '正常经营、管理规范' },
  { key: 'firstPurchase', label: '首次购买、使用云计算服务或产品' },
  { key: 'badCreditRecord', label: '有不良信用记录' },
  { key: 'seriousFiscalViolationWithin5Years', label: '近5年有财政资金方面严重违法违规' },
  { key: 'dishonestyRecord', label: '有失信行为' },
];

const METHODS = PAYMENT_METHODS.filter((m) => m.value !== 'wechat_pay').map((m) => ({
  value: m.value as string,
  label: m.label as string,
}));
const METHOD_LABELS: Record<string, string> = Object.fromEntries(PAYMENT_METHODS.map((m) => [m.value, m.label]));

interface ContractForm {
  providerId: string;
  providerName: string;
  contractNo: string;
  signedOn: string;
  start: string;
  end: string;
  amount: string;
  services: string;
}

function checkFacts(): EligibilityFacts | null {
  const stored: unknown = wx.getStorageSync(CHECK_FACTS_KEY);
  return typeof stored === 'object' && stored !== null ? (stored as EligibilityFacts) : null;
}

/**
 * Tells the server which subscribe messages the person accepted (issue 18): WeChat tells it nothing,
 * and the closing reminders count the drafts they can reach. A failure changes nothing for the person.
 */
async function reportConsent(accepted: string[]): Promise<void> {
  if (accepted.length) await api.recordSubscriptions(accepted).catch(() => undefined);
}

Component(
  page({
    data: {
      id: '',
      version: 0,
      editable: true,
      resubmit: false,
      step: 'profile' as StepKey | 'submit',
      steps: stepStatuses([]) as StepStatus[],
      stepMessages: [] as string[],
      missing: [] as MissingItem[],
      returnedNotice: '',
      submitProblems: [] as string[],
      enterprise: { id: '', name: '', creditCode: '', establishedOn: '', statusLabel: '' },
      contract: {
        providerId: '',
        providerName: '',
        contractNo: '',
        signedOn: '',
        start: '',
        end: '',
        amount: '',
        services: '',
      } as ContractForm,
      estimateText: '',
      payments: [] as {
        id: string;
        amountText: string;
        paidOn: string;
        methodLabel: string;
        reference: string;
        verified: boolean;
        requestId: string;
      }[],
      /** The enterprise's platform payments, paid and on no application yet: each may be put on this one. */
      unattached: [] as { id: string; text: string }[],
      paidText: '',
      payment: { amount: '', paidOn: '', method: 'bank_transfer', methodLabel: '银行转账', reference: '' },
      methods: METHODS,
      declarationItems: declarationLabels().map((d) => ({ ...d, value: false })),
      otherSubsidies: '0',
      bank: { accountName: '', bankName: '', accountNo: '' },
      bankError: '',
      materials: APPLICATION_MATERIALS.map((m) => ({
        kind: m.kind as string,
        label: m.label as string,
        clause: m.clause as string,
        files: [] as StoredFile[],
      })),
      subscribeIds: [] as string[],
      // Asked once per visit: at the first save of a draft (the round's closing reminders need it, issue 18), else at submit.
      consentAsked: false,
      providerTakesWechatPay: false,
      flow: null as FlowDescription | null,
      today: today(),
    },
    methods: {
      async onLoad(query: Record<string, string | undefined>) {
        this.setData({ id: query.id ?? '' });
        const [prefs, flow] = await Promise.all([
          api.notificationPreferences({ quiet: true }).catch(() => null),
          api.eligibilityFlow().catch(() => null),
        ]);
        // Loaded now: at submit, wx.requestSubscribeMessage must run from the tap, before any network wait.
        this.setData({ subscribeIds: prefs ? prefs.subscribeTemplateIds.progress.slice(0, 3) : [], flow });
        await this.load(query.step as StepKey | undefined);
      },

      onShow() {
        // Back from the registry with a provider picked for the contract.
        const picked: unknown = wx.getStorageSync(PICKED_PROVIDER_KEY);
        if (typeof picked === 'object' && picked !== null && 'id' in picked) {
          const p = picked as { id: string; name: string; wechatPay?: boolean };
          wx.removeStorageSync(PICKED_PROVIDER_KEY);
          this.setData({
            'contract.providerId': p.id,
            'contract.providerName': p.name,
            providerTakesWechatPay: p.wechatPay === true,
            step: 'contract',
          });
        }
        // Back from the pay page with this application paid: its verified payment is now on the server.
        if (this.data.id && wx.getStorageSync(PAID_FOR_APPLICATION_KEY) === this.data.id) {
          wx.removeStorageSync(PAID_FOR_APPLICATION_KEY);
          return this.load('payments');
        }
        return undefined;
      },

      async load(step?: StepKey) {
        const [env, enterprises, files, platform] = await Promise.all([
          api.application(this.data.id),
          api.myEnterprises(),
          api.ownerFiles('application', this.data.id),
          // Only an offer on this page: without it the application is still complete.
          api.payments({ scope: 'enterprise', status: 'paid', limit: 100 }, { quiet: true }).catch(() => ({ payments: [] as Payment[] })),
        ]);
        const enterprise = enterprises.items.find((e) => e.id === env.application.enterpriseId);
        if (enterprise) this.showEnterprise(enterprise);
        this.showFiles(files.files);
        this.setData({
          unattached: platform.payments
            .filter(
              (p) => p.enterpriseId === env.application.enterpriseId && p.status === 'paid' && !p.applicationId && p.verifiedPaidFen > 0,
            )
            .map((p) => ({
              id: p.id,
              text: `${p.providerName ?? ''} ${formatFen(p.verifiedPaidFen)}（${p.paidOn ?? formatDay(p.paidAt)} 微信支付，${p.description}）`,
            })),
        });
        await this.show(env, true);
        const first = this.data.steps.find((s) => !s.done)?.key;
        this.goto(step ?? first ?? 'submit');
      },

      showEnterprise(e: EnterpriseView) {
        this.setData({
          enterprise: {
            id: e.id,
            name: e.name,
            creditCode: e.creditCode,
            establishedOn: e.establishedOn ?? '未填写',
            statusLabel: e.statusLabel,
          },
        });
        if (!this.data.bank.accountName) this.setData({ 'bank.accountName': e.name });
      },

      showFiles(files: StoredFile[]) {
        this.setData({
          materials: this.data.materials.map((m) => ({ ...m, files: files.filter((f) => f.kind === m.kind && !f.supersededBy) })),
        });
      },

      /** The server's view of the application: every form shows what is saved; `first` also fills empty forms from the self-check. */
      async show(env: ApplicationEnvelope, first = false) {
        const a = env.application;
        const facts = first ? checkFacts() : null;
        const steps = stepStatuses(env.missing);
        const fixes = fixList(a);
        this.setData({
          version: a.version,
          editable: env.editable,
          resubmit: a.status === 'returned',
          missing: env.missing,
          steps,
          returnedNotice: fixes.length
            ? `需要修改：${fixes.map((f) => (f.where ? `【${f.where}】${f.message}` : f.message)).join('；')}`
            : '',
          payments: a.payments.map((p) => ({
            id: p.id,
            amountText: formatFen(p.amountFen),
            paidOn: p.paidOn,
            methodLabel: METHOD_LABELS[p.method] ?? p.method,
            reference: p.reference ?? '',
            verified: p.verified,
            requestId: p.paymentRequestId ?? '',
          })),
          paidText: formatFenOrUnfilled(a.paidAmountFen),
        });
        if (first) {
          const c = a.contract;
          this.setData({
            contract: {
              providerId: c.providerId ?? facts?.cloud.providerId ?? '',
              providerName: '',
              contractNo: c.contractNo ?? '',
              signedOn: c.signedOn ?? facts?.cloud.contractSignedOn ?? '',
              start: c.start ?? '',
              end: c.end ?? '',
              amount: fenToYuanText(c.amountFen ?? facts?.cloud.contractAmountFen ?? null),
              services: c.services ?? '',
            },
            bank: {
              accountName: a.bank.accountName ?? this.data.bank.accountName,
              bankName: a.bank.bankName ?? '',
              accountNo: a.bank.accountNo ?? '',
            },
          });
          const d = a.declarations;
          const fromCheck: Partial<Record<BoolKey, boolean>> = facts
            ? { ...facts.enterprise, firstPurchase: facts.cloud.firstPurchase }
            : {};
          this.setData({
            declarationItems: declarationLabels().map((item) => ({ ...item, value: d ? d[item.key] : (fromCheck[item.key] ?? false) })),
            otherSubsidies: fenToYuanText(d ? d.otherSubsidiesFen : (facts?.otherSubsidiesFen ?? 0)),
          });
          if (this.data.contract.providerId) await this.nameProvider(this.data.contract.providerId);
          this.updateEstimate();
        }
        this.goto(this.data.step);
      },

      async nameProvider(id: string) {
        const { provider } = await api.provider(id).catch(() => ({ provider: null }));
        if (provider) this.setData({ 'contract.providerName': provider.companyName, providerTakesWechatPay: provider.wechatPay === true });
      },

      goto(step: StepKey | 'submit') {
        const status = this.data.steps.find((s) => s.key === step);
        this.setData({
          step,
          stepMessages: status ? status.messages : [],
          submitProblems: step === 'submit' ? this.data.submitProblems : [],
        });
      },

      onStep(e: WechatMiniprogram.BaseEvent) {
        this.goto(String(e.currentTarget.dataset.step) as StepKey | 'submit');
      },

      onGoMissing(e: WechatMiniprogram.BaseEvent) {
        this.goto(stepOf(String(e.currentTarget.dataset.path)));
      },

      onEditEnterprise() {
        navigateTo(`/pages/enterprise/register/register?id=${this.data.enterprise.id}`);
      },

      /** A save: the server's answer is shown, or its refusal with each field's problem. */
      async save(run: () => Promise<ApplicationEnvelope>, done: string) {
        try {
          await this.show(await run());
          showToast({ title: done, icon: 'success' });
          return true;
        } catch (err) {
          if (err instanceof ApiError) {
            const lines = err.details.length ? err.details.map((d) => d.message) : [err.message];
            this.setData({ stepMessages: lines });
            void showModal({ title: '请修改', content: lines.join('\n'), showCancel: false });
          }
          return false;
        }
      },

      // ---- the contract ---------------------------------------------------------------------------------

      onPickProvider() {
        if (this.data.editable) navigateTo('/pages/enterprise/providers/providers?pick=1');
      },

      onContract(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        this.setData({ [`contract.${String(e.currentTarget.dataset.field)}`]: e.detail.value });
        this.updateEstimate();
      },

      updateEstimate() {
        const amount = parseYuan(this.data.contract.amount);
        const other = parseYuan(this.data.otherSubsidies || '0');
        if (!this.data.flow || !amount.ok || amount.fen <= 0) {
          this.setData({ estimateText: '' });
          return;
        }
        const e = estimate(amount.fen, other.ok ? other.fen : 0, this.data.today);
        this.setData({
          estimateText: `按政策预计可补助 ${formatFen(e.payableFen)}${e.capped ? '（已按单户上限封顶）' : ''}，以审核核定为准`,
        });
      },

      async onSaveContract() {
        this.askConsent();
        const c = this.data.contract;
        const amount = parseYuan(c.amount, '合同金额');
        const problem = !c.providerId
          ? '请从已备案服务商名录中选择云服务商'
          : !c.contractNo.trim()
            ? '请填写合同编号'
            : !c.signedOn || !c.start || !c.end
              ? '请选择合同签订日期和服务期限'
              : c.start > c.end
                ? '服务期限的结束日期不能早于开始日期'
                : !amount.ok
                  ? amount.message
                  : !c.services.trim()
                    ? '请填写上云产品及服务'
                    : null;
        if (problem || !amount.ok) {
          this.setData({ stepMessages: [problem ?? '请检查合同信息'] });
          return;
        }
        await this.save(
          () =>
            api.saveApplication(
              this.data.id,
              this.data.version,
              {
                contract: {
                  providerId: c.providerId,
                  contractNo: c.contractNo.trim(),
                  signedOn: c.signedOn,
                  start: c.start,
                  end: c.end,
                  amountFen: amount.fen,
                  services: c.services.trim(),
                },
              },
              { quiet: true },
            ),
          '合同已保存',
        );
      },

      // ---- payments --------------------------------------------------------------------------------------

      onPayment(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        this.setData({ [`payment.${String(e.currentTarget.dataset.field)}`]: e.detail.value });
      },

      onMethod(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        const method = METHODS[Number(e.detail.value)];
        if (method) this.setData({ 'payment.method': method.value, 'payment.methodLabel': method.label });
      },

      async onAddPayment() {
        const p = this.data.payment;
        const amount = parseYuan(p.amount, '付款金额');
        if (!amount.ok || amount.fen <= 0 || !p.paidOn) {
          this.setData({ stepMessages: [!amount.ok ? amount.message : amount.fen <= 0 ? '付款金额须大于 0' : '请选择付款日期'] });
          return;
        }
        const saved = await this.save(
          () =>
            api.addPayment(
              this.data.id,
              this.data.version,
              {
                amountFen: amount.fen,
                paidOn: p.paidOn,
                method: p.method as 'bank_transfer' | 'cash' | 'other',
                reference: p.reference.trim() || null,
              },
              { quiet: true },
            ),
          '已登记付款',
        );
        if (saved) this.setData({ payment: { ...this.data.payment, amount: '', reference: '' } });
      },

      async onRemovePayment(e: WechatMiniprogram.BaseEvent) {
        await this.save(() => api.removePayment(this.data.id, this.data.version, String(e.currentTarget.dataset.id)), '已删除');
      },

      /** A platform payment made before (or apart from) this application: WeChat Pay's record is its receipt. */
      async onAttachPayment(e: WechatMiniprogram.BaseEvent) {
        await api.attachPayment(this.data.id, String(e.currentTarget.dataset.id));
        showToast({ title: '已记入申请', icon: 'success' });
        await this.load('payments');
      },

      onOpenPlatformPayment(e: WechatMiniprogram.BaseEvent) {
        const id = String(e.currentTarget.dataset.id);
        if (id) navigateTo(`/pages/enterprise/pay/pay?id=${id}`);
      },

      onWechatPay() {
        const amount = parseYuan(this.data.contract.amount);
        navigateTo(
          `/pages/enterprise/pay/pay?applicationId=${this.data.id}&amountFen=${amount.ok ? amount.fen : ''}&provider=${encodeURIComponent(this.data.contract.providerName)}`,
        );
      },

      // ---- declarations and the bank account -----------------------------------------------------------------

      onDeclaration(e: WechatMiniprogram.CustomEvent<{ value: boolean }>) {
        const key = String(e.currentTarget.dataset.key);
        this.setData({ declarationItems: this.data.declarationItems.map((d) => (d.key === key ? { ...d, value: e.detail.value } : d)) });
      },

      onOtherSubsidies(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        this.setData({ otherSubsidies: e.detail.value });
        this.updateEstimate();
      },

      async onSaveDeclarations() {
        this.askConsent();
        const other = parseYuan(this.data.otherSubsidies || '0', '其他政策补助金额');
        if (!other.ok) {
          this.setData({ stepMessages: [other.message] });
          return;
        }
        const declarations = Object.fromEntries(this.data.declarationItems.map((d) => [d.key, d.value])) as Record<BoolKey, boolean>;
        await this.save(
          () =>
            api.saveApplication(
              this.data.id,
              this.data.version,
              { declarations: { ...declarations, otherSubsidiesFen: other.fen } },
              { quiet: true },
            ),
          '声明已保存',
        );
      },

      onBank(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        const field = String(e.currentTarget.dataset.field);
        this.setData({
          [`bank.${field}`]: e.detail.value,
          bankError: field === 'accountNo' ? (bankAccountNo(e.detail.value) ?? '') : this.data.bankError,
        });
      },

      async onSaveBank() {
        this.askConsent();
        const b = this.data.bank;
        const problem =
          !b.accountName.trim() || !b.bankName.trim() || !b.accountNo.trim()
            ? '请填写开户名称、开户银行和银行账号'
            : bankAccountNo(b.accountNo);
        if (problem) {
          this.setData({ bankError: problem });
          return;
        }
        await this.save(
          () =>
            api.saveApplication(
              this.data.id,
              this.data.version,
              { bank: { accountName: b.accountName.trim(), bankName: b.bankName.trim(), accountNo: b.accountNo.replace(/\s+/g, '') } },
              { quiet: true },
            ),
          '账户已保存',
        );
      },

      // ---- materials and submit -------------------------------------------------------------------------

      async onMaterialChange() {
        const [env, files] = await Promise.all([api.application(this.data.id), api.ownerFiles('application', this.data.id)]);
        this.showFiles(files.files);
        await this.show(env);
      },

      /** From a save's tap, before any wait: the consent to the progress messages that also carry the round's closing reminders. */
      askConsent() {
        if (this.data.consentAsked || !this.data.subscribeIds.length) return;
        this.setData({ consentAsked: true });
        void requestSubscribeMessage(this.data.subscribeIds).then(reportConsent);
      },

      async onSubmit() {
        if (!this.data.editable || this.data.missing.length) return;
        // First, from the tap itself: the consent to progress messages (WeChat refuses it after an await).
        if (!this.data.consentAsked) void reportConsent(await requestSubscribeMessage(this.data.subscribeIds));
        try {
          const env = await api.submitApplication(this.data.id, this.data.version);
          this.setData({ submitProblems: [] });
          await this.show(env);
          void showModal({
            title: '已提交',
            content: `申报编号 ${env.application.trackingNo ?? ''}。${env.application.statusLabel}，结果会通过消息通知您。`,
            showCancel: false,
          });
          redirectTo(`/pages/enterprise/application/application?id=${this.data.id}`);
        } catch (err) {
          if (err instanceof ApiError) this.setData({ submitProblems: err.details.map((d) => d.message) });
        }
      },
    },
  }),
);
