/**
 * 绑定公众号: where WeChat gives no unionid, the official account learns who a follower is from a
 * one-time code sent in its chat (“绑定 <code>”, valid 10 minutes).
 */
import { page } from '../../../services/page';
import * as api from '../../../services/api';
import { formatTime } from '../../../logic/format';
import type { BindingStatus } from '../../../shared/contracts/responses';
import { setClipboardData } from '../../../services/wxp';

function statusText(s: BindingStatus): string {
  if (!s.bound) return '尚未绑定公众号';
  return s.followed === false ? '已绑定，但您已取消关注公众号' : '已绑定公众号';
}

Component(
  page({
    data: { statusText: '', code: '', howTo: '', expiresText: '' },
    methods: {
      onShow() {
        return this.load();
      },
      async load() {
        this.setData({ statusText: statusText(await api.oaBinding()) });
      },
      async onGetCode() {
        const res = await api.oaBindingCode();
        this.setData({ code: res.code, howTo: res.howTo, expiresText: `${formatTime(res.expiresAt)} 前有效，只能使用一次` });
      },
      onCopy() {
        setClipboardData(`绑定 ${this.data.code}`);
      },
    },
  }),
);
