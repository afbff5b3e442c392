/**
 * 微信支付收款账户: the provider links its own WeChat Pay merchant account so that enterprises can pay it
 * here (the money goes straight to the provider; the platform never holds it). The keys are pasted on the
 * phone, checked with WeChat Pay by the server before they are kept, and never shown again — a relink
 * means entering them again. What the server refuses comes back naming the box, and is shown under it.
 */
import { page } from '../../../services/page';
import * as api from '../../../services/api';
import { ApiError } from '../../../services/http';
import { showModal, showToast } from '../../../services/wxp';
import { formatTime } from '../../../logic/format';
import {
  EMPTY_MERCHANT_FORM,
  MERCHANT_FIELDS,
  PEM_MAX_LENGTH,
  merchantFieldOf,
  merchantLinkBody,
  type MerchantField,
  type MerchantForm,
} from '../../../logic/merchant';
import { fieldErrors } from '../../../logic/payments';
import type { MerchantAccount } from '../../../shared/contracts/responses';

function view(a: MerchantAccount) {
  return {
    mchid: a.mchid,
    serialNo: a.serialNo,
    keyIds: a.platformKeyIds.join('、'),
    active: a.status === 'active',
    statusLabel: a.statusLabel,
    linkedText: formatTime(a.linkedAt),
    version: a.version,
  };
}

Component(
  page({
    data: {
      loaded: false,
      account: null as ReturnType<typeof view> | null,
      editing: false,
      fields: MERCHANT_FIELDS,
      pemMax: PEM_MAX_LENGTH,
      form: { ...EMPTY_MERCHANT_FORM } as MerchantForm,
      errors: {} as Partial<Record<MerchantField, string>>,
      formError: '',
      saving: false,
    },
    methods: {
      onLoad() {
        return this.load();
      },
      async load() {
        const { account } = await api.merchantAccount();
        this.setData({ loaded: true, account: account ? view(account) : null, editing: !account });
      },
      onField(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        const field = String(e.currentTarget.dataset.field) as MerchantField;
        this.setData({ [`form.${field}`]: e.detail.value, [`errors.${field}`]: '', formError: '' });
      },
      onEdit() {
        // The secrets are never sent back: only what identifies the account is filled in again.
        const a = this.data.account;
        this.setData({
          editing: true,
          form: { ...EMPTY_MERCHANT_FORM, mchid: a?.mchid ?? '', serialNo: a?.serialNo ?? '' },
          errors: {},
          formError: '',
        });
      },
      onCancelEdit() {
        this.setData({ editing: false, form: { ...EMPTY_MERCHANT_FORM }, errors: {}, formError: '' });
      },
      async onSave() {
        if (this.data.saving) return;
        const checked = merchantLinkBody(this.data.form, this.data.account ? this.data.account.version : null);
        if (!checked.ok) {
          this.setData({ errors: checked.errors, formError: `有 ${Object.keys(checked.errors).length} 处需要修改，见各栏下方的提示` });
          return;
        }
        this.setData({ saving: true, errors: {}, formError: '' });
        try {
          const { account } = await api.linkMerchantAccount(checked.body);
          // Done with the keys: they leave the page's memory with the form.
          this.setData({ account: view(account), editing: false, form: { ...EMPTY_MERCHANT_FORM } });
          showToast({ title: '已开通平台收款', icon: 'success' });
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          const errors = fieldErrors(err.details, merchantFieldOf);
          if (err.code === 'mchid_taken') errors.mchid = err.message;
          this.setData({
            errors,
            formError:
              err.code === 'upstream_unavailable' || err.network
                ? '暂时连不上微信支付，核验不了商户信息。您填写的内容还在，请稍后再点“核验并保存”。'
                : err.code === 'stale_version'
                  ? '商户信息刚被修改过（可能是同事在另一部手机上操作），请返回后重新进入本页再提交。'
                  : err.message,
          });
        } finally {
          this.setData({ saving: false });
        }
      },
      async onUnlink() {
        const a = this.data.account;
        if (!a) return;
        const answer = await showModal({
          title: '停用平台收款',
          content: `停用后，企业不能再通过平台向商户号 ${a.mchid} 付款；已完成的付款和退款记录不受影响。需要时可以重新开通。`,
          confirmText: '停用',
          cancelText: '取消',
        });
        if (!answer.confirm) return;
        const { account } = await api.unlinkMerchantAccount(a.version);
        this.setData({ account: view(account) });
        showToast({ title: '已停用', icon: 'success' });
      },
    },
  }),
);
