/** 使用邀请码: the only way to a reviewer's or an administrator's role (DESIGN.md "Who uses it"). */
import { page } from '../../../services/page';
import * as api from '../../../services/api';
import { ApiError } from '../../../services/http';
import { saveUser, setActiveRole } from '../../../services/session';
import { roleLabel } from '../../../logic/roles';
import { showToast } from '../../../services/wxp';

Component(
  page({
    data: { code: '', error: '', granted: '' },
    methods: {
      onInput(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        this.setData({ code: e.detail.value, error: '' });
      },
      async onRedeem() {
        const code = this.data.code.trim();
        if (code.length < 4) {
          this.setData({ error: '请填写邀请码' });
          return;
        }
        const before = new Set((await api.me()).user.roles);
        try {
          const { user } = await api.redeemInvitation(code, { quiet: true });
          saveUser(user);
          const added = user.roles.find((r) => !before.has(r));
          if (added) setActiveRole(added);
          this.setData({ granted: added ? roleLabel(added, user.scopes) : '（角色已存在）', code: '' });
          showToast({ title: '已开通', icon: 'success' });
        } catch (err) {
          this.setData({ error: err instanceof ApiError ? err.message : '邀请码无效' });
        }
      },
    },
  }),
);
