/** 拟补贴名单: the lists of the year; city MIIT drafts a new one from the applications it verified. */
import { page } from '../../../services/page';
import * as api from '../../../services/api';
import { refreshUser } from '../../../services/account';
import { formatFen } from '../../../logic/money';
import { thisYear } from '../../../logic/format';
import type { ListSummary } from '../../../shared/contracts/responses';
import { navigateTo, stopPullDownRefresh } from '../../../services/wxp';

Component(
  page({
    data: {
      lists: [] as (ListSummary & { totalText: string })[],
      loaded: false,
      canDraft: false,
      year: thisYear(),
      candidates: [] as { id: string; title: string; sub: string; checked: boolean }[],
      picked: [] as string[],
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
        const [{ role }, lists] = await Promise.all([refreshUser(), api.lists()]);
        const canDraft = role === 'city_miit';
        this.setData({ lists: lists.items.map((l) => ({ ...l, totalText: formatFen(l.verifiedTotalFen) })), loaded: true, canDraft });
        if (canDraft) {
          const queue = await api.cityQueue({ status: 'city_approved', limit: 100 });
          this.setData({
            candidates: queue.items.map((a) => ({
              id: a.id,
              title: a.enterprise.name,
              // Issue 18: a list holds one round's applications — each candidate names its round.
              sub: `${a.roundName ?? '申报批次设立前'} · ${a.trackingNo ?? ''} · ${a.countyName ?? ''} · 核定 ${formatFen(a.verifiedFen)}`,
              checked: this.data.picked.includes(a.id),
            })),
          });
        }
      },
      onOpen(e: WechatMiniprogram.BaseEvent) {
        navigateTo(`/pages/city/list/list?id=${String(e.currentTarget.dataset.id)}`);
      },
      onPick(e: WechatMiniprogram.CustomEvent<{ value: string[] }>) {
        this.setData({ picked: e.detail.value });
      },
      async onCreate() {
        const res = await api.createList(this.data.year, this.data.picked);
        this.setData({ picked: [] });
        navigateTo(`/pages/city/list/list?id=${res.list.id}`);
      },
    },
  }),
);
