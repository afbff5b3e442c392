/**
 * 变更收款账户 (issue 14 item 3; DESIGN.md "Corrections after the fact"): from submission until paid, and
 * again after a 退汇, the enterprise asks to have the subsidy paid to another account of its own — the
 * account name must be its verified name, said beside the field — and city finance confirms it. While the
 * request waits it shows old → new and may be withdrawn; every earlier request stays in the record.
 */
import { page } from '../../../services/page';
import * as api from '../../../services/api';
import { ApiError } from '../../../services/http';
import { showModal, showToast, stopPullDownRefresh } from '../../../services/wxp';
import { fieldErrors } from '../../../logic/payments';
import {
  accountFieldOf,
  accountText,
  changeRow,
  checkAccountForm,
  type AccountErrors,
  type AccountForm,
  type ChangeRow,
} from '../../../logic/accountChange';
import { ACCOUNT_CHANGE_OPEN, NOT_OPEN_REASON } from '../../../shared/workflow/accountChange';
import type { ApplicationState } from '../../../shared/workflow/application';
import { policyPack } from '../../../shared/pack/active';

const EMPTY: AccountForm = { accountName: '', bankName: '', accountNo: '', reason: '' };

Component(
  page({
    data: {
      bankNameExample: `中国工商银行${policyPack().city.shortName}分行`,
      id: '',
      version: 0,
      enterpriseName: '',
      current: { accountName: '', bankName: '', accountNo: '' },
      open: false,
      closedText: '',
      pending: null as ChangeRow | null,
      history: [] as ChangeRow[],
      form: { ...EMPTY },
      errors: {} as AccountErrors,
      formError: '',
      saving: false,
      loaded: false,
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
        const [env, changes, mine] = await Promise.all([
          api.application(this.data.id),
          api.accountChanges(this.data.id),
          api.myEnterprises(),
        ]);
        const a = env.application;
        const enterpriseName = mine.items.find((e) => e.id === a.enterpriseId)?.name ?? '';
        const rows = changes.items.map(changeRow);
        const pending = rows.find((_, i) => changes.items[i]!.status === 'requested') ?? null;
        const open = ACCOUNT_CHANGE_OPEN.includes(a.status as ApplicationState);
        this.setData({
          version: a.version,
          enterpriseName,
          current: {
            accountName: a.bank.accountName ?? '未填写',
            bankName: a.bank.bankName ?? '未填写',
            accountNo: accountText({ ...a.bank, bankName: '' }),
          },
          open,
          closedText:
            a.status === 'disbursed'
              ? '补助已拨付到上面的账户，不能再变更收款账户；如款项被退回，市财政局登记退汇后可以再申请变更。'
              : NOT_OPEN_REASON,
          pending,
          history: rows.filter((r) => r !== pending).reverse(),
          // The name is the enterprise's own: filled in, so that only the bank and number are typed.
          form: this.data.form.accountName ? this.data.form : { ...EMPTY, accountName: enterpriseName },
          loaded: true,
        });
      },
      onField(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        const field = String(e.currentTarget.dataset.field) as keyof AccountForm;
        this.setData({ [`form.${field}`]: e.detail.value, [`errors.${field}`]: '', formError: '' });
      },
      async onSend() {
        if (this.data.saving) return;
        const errors = checkAccountForm(this.data.form, this.data.enterpriseName);
        if (Object.keys(errors).length) {
          this.setData({ errors, formError: `有 ${Object.keys(errors).length} 处需要修改，见各栏下方的提示` });
          return;
        }
        this.setData({ saving: true, errors: {}, formError: '' });
        try {
          const f = this.data.form;
          await api.requestAccountChange(this.data.id, {
            version: this.data.version,
            accountName: f.accountName.trim(),
            bankName: f.bankName.trim(),
            accountNo: f.accountNo.replace(/\s+/g, ''),
            reason: f.reason.trim(),
          });
          this.setData({ form: { ...EMPTY } });
          showToast({ title: '已提交市财政局', icon: 'success' });
          await this.load();
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          const errors = fieldErrors(err.details, accountFieldOf);
          this.setData({
            errors,
            formError:
              err.code === 'stale_version'
                ? '申请刚有变化（可能是审核有了进展），请下拉刷新后再提交。'
                : err.network
                  ? '网络连接失败，您填写的内容还在，请稍后再提交。'
                  : err.message,
          });
        } finally {
          this.setData({ saving: false });
        }
      },
      async onWithdraw() {
        const p = this.data.pending;
        if (!p) return;
        const res = await showModal({
          title: '撤回收款账户变更',
          content: `撤回后补助仍拨付到原账户 ${accountText({ accountName: null, bankName: this.data.current.bankName, accountNo: this.data.current.accountNo })}。需要时可以重新申请。`,
          confirmText: '撤回',
          cancelText: '不撤回',
        });
        if (!res.confirm) return;
        await api.withdrawAccountChange(this.data.id, p.id, p.version);
        showToast({ title: '已撤回', icon: 'success' });
        await this.load();
      },
    },
  }),
);
