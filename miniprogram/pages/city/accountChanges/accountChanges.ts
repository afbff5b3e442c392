/**
 * 收款账户变更 (city finance; issue 14 items 3 and 6): the changes that wait, old account beside the new,
 * each confirmed or refused with a reason. Four eyes: when this person may not confirm (the list's approver
 * and the confirmer may not record the next payment, and with two people nobody would be left), the
 * server's refusal — naming who may confirm instead — is shown on the change itself.
 */
import { page } from '../../../services/page';
import * as api from '../../../services/api';
import { ApiError } from '../../../services/http';
import { navigateTo, showModal, showToast, stopPullDownRefresh } from '../../../services/wxp';
import { changeRow, type ChangeRow } from '../../../logic/accountChange';

Component(
  page({
    data: {
      changes: [] as ChangeRow[],
      refusals: {} as Record<string, string>,
      loaded: false,
    },
    methods: {
      onShow() {
        return this.load();
      },
      async onPullDownRefresh() {
        await this.load();
        stopPullDownRefresh();
      },
      async load() {
        const { items } = await api.waitingAccountChanges();
        this.setData({ changes: items.map(changeRow), loaded: true });
      },
      find(e: WechatMiniprogram.BaseEvent): ChangeRow | undefined {
        return this.data.changes.find((c) => c.id === String(e.currentTarget.dataset.id));
      },
      /** A refusal the person must read (four eyes, or decided meanwhile) stays beside the change. */
      async decided(id: string, act: () => Promise<unknown>, done: string) {
        try {
          await act();
          showToast({ title: done, icon: 'success' });
          this.setData({ [`refusals.${id}`]: '' });
          await this.load();
        } catch (err) {
          if (!(err instanceof ApiError) || err.network) throw err;
          this.setData({ [`refusals.${id}`]: err.code === 'stale_version' ? '这项变更刚被他人处理，请下拉刷新后查看' : err.message });
        }
      },
      async onConfirm(e: WechatMiniprogram.BaseEvent) {
        const c = this.find(e);
        if (!c) return;
        const res = await showModal({
          title: '确认收款账户变更',
          content: `${c.enterpriseName}：下一笔补助将拨付到 ${c.newAccount}（开户名称 ${c.accountName}）。确认后，您不能登记这笔拨付。`,
          confirmText: '确认',
          cancelText: '再看看',
        });
        if (!res.confirm) return;
        await this.decided(c.id, () => api.confirmAccountChange(c.id, c.version), '已确认');
      },
      async onRefuse(e: WechatMiniprogram.BaseEvent) {
        const c = this.find(e);
        if (!c) return;
        const res = await showModal({
          title: '不同意变更',
          content: '',
          editable: true,
          placeholderText: '请写明原因，企业会看到它',
          confirmText: '不同意',
        });
        if (!res.confirm) return;
        const reason = (res.content ?? '').trim();
        // A refusal without a reason never leaves the phone: the enterprise must learn what to correct.
        if (reason.length < 2) {
          this.setData({ [`refusals.${c.id}`]: '请写明不同意的原因（至少 2 个字），企业会看到它' });
          return;
        }
        await this.decided(c.id, () => api.refuseAccountChange(c.id, c.version, reason), '已退回企业');
      },
      onOpen(e: WechatMiniprogram.BaseEvent) {
        navigateTo(`/pages/review/application/application?id=${String(e.currentTarget.dataset.id)}`);
      },
    },
  }),
);
