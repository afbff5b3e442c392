/**
 * 消息接收设置: per kind of message (进度, 待办提醒, 每日汇总) and per channel (站内消息, 小程序订阅消息,
 * 公众号模板消息), and quiet hours. Progress and queue messages always stay in the inbox (the server
 * refuses to switch that off, so the switch is shown locked).
 */
import { page } from '../../../services/page';
import * as api from '../../../services/api';
import { requestSubscribeMessage, showToast } from '../../../services/wxp';
import type { NotificationPreferences } from '../../../shared/contracts/responses';
import type { PreferenceChannel, TemplateGroup } from '../../../services/inputs';

const CHANNELS: { channel: PreferenceChannel; label: string }[] = [
  { channel: 'inbox', label: '站内消息' },
  { channel: 'mp_subscribe', label: '小程序订阅消息' },
  { channel: 'oa_template', label: '公众号消息（需关注并绑定公众号）' },
];
const GROUPS: TemplateGroup[] = ['progress', 'queue', 'digest'];

interface GroupRow {
  key: TemplateGroup;
  label: string;
  channels: { channel: PreferenceChannel; label: string; on: boolean; locked: boolean }[];
}

function rows(p: NotificationPreferences): GroupRow[] {
  return GROUPS.map((g) => ({
    key: g,
    label: p.groups[g].label,
    channels: CHANNELS.map((c) => ({ ...c, on: p.groups[g][c.channel], locked: c.channel === 'inbox' && p.groups[g].inboxLocked })),
  }));
}

Component(
  page({
    data: { groups: [] as GroupRow[], quietOn: false, quietStart: '22:00', quietEnd: '08:00', progressTemplates: [] as string[] },
    methods: {
      onLoad() {
        return this.load();
      },
      async load() {
        this.show(await api.notificationPreferences());
      },
      show(p: NotificationPreferences) {
        this.setData({
          groups: rows(p),
          quietOn: p.quietHours !== null,
          quietStart: p.quietHours?.start ?? this.data.quietStart,
          quietEnd: p.quietHours?.end ?? this.data.quietEnd,
          progressTemplates: p.subscribeTemplateIds.progress.slice(0, 3),
        });
      },
      async onToggle(e: WechatMiniprogram.CustomEvent<{ value: boolean }>) {
        const group = String(e.currentTarget.dataset.group) as TemplateGroup;
        const channel = String(e.currentTarget.dataset.channel) as PreferenceChannel;
        try {
          this.show(await api.saveNotificationPreferences({ groups: { [group]: { [channel]: e.detail.value } } }));
        } catch {
          // The switch goes back to what the server holds.
          await this.load();
        }
      },
      async onQuietToggle(e: WechatMiniprogram.CustomEvent<{ value: boolean }>) {
        const quietHours = e.detail.value ? { start: this.data.quietStart, end: this.data.quietEnd } : null;
        this.show(await api.saveNotificationPreferences({ quietHours }));
      },
      async onQuietTime(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        const which = String(e.currentTarget.dataset.end);
        const quietHours = {
          start: which === 'start' ? e.detail.value : this.data.quietStart,
          end: which === 'end' ? e.detail.value : this.data.quietEnd,
        };
        this.show(await api.saveNotificationPreferences({ quietHours }));
      },
      async onSubscribe() {
        // From the tap, before anything else: WeChat asks only on a person's gesture, at most three templates.
        const accepted = await requestSubscribeMessage(this.data.progressTemplates);
        // Issue 18: the server learns of the consent only from here (the closing reminders count it).
        if (accepted.length) void api.recordSubscriptions(accepted).catch(() => undefined);
        showToast({ title: accepted.length ? '已订阅' : '未订阅', icon: accepted.length ? 'success' : 'none' });
      },
    },
  }),
);
