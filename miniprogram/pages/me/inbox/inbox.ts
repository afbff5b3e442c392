/**
 * 站内消息: every notification lands here, whatever WeChat's channels did with it (DESIGN.md
 * "Notifications"). Opening one marks it read and goes to the page it is about.
 */
import { page } from '../../../services/page';
import * as api from '../../../services/api';
import type { InboxItem } from '../../../shared/contracts/responses';
import { formatTime } from '../../../logic/format';
import { navigateTo, stopPullDownRefresh } from '../../../services/wxp';

interface Row {
  id: string;
  title: string;
  body: string;
  time: string;
  read: boolean;
  page: string;
}

const toRow = (i: InboxItem): Row => ({
  id: i.id,
  title: i.title,
  body: i.body,
  time: formatTime(i.createdAt),
  read: i.readAt !== null,
  page: i.page,
});

Component(
  page({
    data: { items: [] as Row[], unreadCount: 0, nextCursor: '', loading: true },
    methods: {
      onShow() {
        return this.load();
      },
      async onPullDownRefresh() {
        await this.load();
        stopPullDownRefresh();
      },
      async load() {
        this.setData({ loading: true });
        try {
          const page = await api.inbox();
          this.setData({ items: page.items.map(toRow), unreadCount: page.unreadCount, nextCursor: page.nextCursor ?? '' });
        } finally {
          this.setData({ loading: false });
        }
      },
      async onMore() {
        if (!this.data.nextCursor) return;
        const page = await api.inbox({ cursor: this.data.nextCursor });
        this.setData({ items: [...this.data.items, ...page.items.map(toRow)], nextCursor: page.nextCursor ?? '' });
      },
      onReachBottom() {
        return this.onMore();
      },
      async onOpen(e: WechatMiniprogram.BaseEvent) {
        const item = this.data.items.find((i) => i.id === String(e.currentTarget.dataset.id));
        if (!item) return;
        if (!item.read) {
          const res = await api.markRead(item.id);
          this.setData({ items: this.data.items.map((i) => (i.id === item.id ? { ...i, read: true } : i)), unreadCount: res.unreadCount });
        }
        if (item.page) navigateTo(`/${item.page}`);
      },
      async onReadAll() {
        const res = await api.markAllRead();
        this.setData({ items: this.data.items.map((i) => ({ ...i, read: true })), unreadCount: res.unreadCount });
      },
    },
  }),
);
