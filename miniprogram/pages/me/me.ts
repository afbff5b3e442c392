/**
 * 我的: one's name (what the ledger and the documents call the person: issue 14 item 9), the role switch, the
 * inbox, notification settings, the official-account binding, invitation codes, the privacy guide — and, in development against the sandbox, which sandbox person to log in as.
 */
import { page } from '../../services/page';
import * as api from '../../services/api';
import { refreshUser } from '../../services/account';
import { SANDBOX_LOGIN } from '../../config';
import { ApiError } from '../../services/http';
import { activeRole, clearSession, getUser, sandboxName, setActiveRole, setSandboxName } from '../../services/session';
import { roleLabel } from '../../logic/roles';
import { settleAll, showModal, navigateTo, showToast, switchTab } from '../../services/wxp';
import type { Role } from '../../shared/contracts/roles';
import type { PublicUser } from '../../shared/contracts/responses';

interface RoleRow {
  role: Role;
  label: string;
  active: boolean;
}

function roleRows(user: PublicUser | null): RoleRow[] {
  const current = activeRole(user);
  return (user?.roles ?? []).map((r) => ({ role: r, label: roleLabel(r, user?.scopes), active: r === current }));
}

const TAB_PAGES = ['/pages/home/home', '/pages/me/inbox/inbox', '/pages/me/me'];

Component(
  page({
    data: {
      roles: roleRows(null),
      unreadCount: 0,
      bindingText: '',
      nameText: '',
      displayName: '',
      sandbox: SANDBOX_LOGIN,
      sandboxName: '',
    },
    methods: {
      onShow() {
        this.setData({ roles: roleRows(getUser()), sandboxName: sandboxName() });
        return this.load();
      },
      async load() {
        const [me, inbox, binding, name] = await settleAll([
          refreshUser(),
          api.inbox({ unread: '1' }),
          api.oaBinding(),
          api.displayName(),
        ] as const);
        if (name.ok)
          this.setData({
            displayName: name.value.displayName ?? '',
            nameText: name.value.displayName ?? '未填写',
            nameHint: name.value.displayName ? '' : `未填写时显示为“${name.value.shownAs}”`,
          });
        if (me.ok) this.setData({ roles: roleRows(me.value.user) });
        if (inbox.ok) this.setData({ unreadCount: inbox.value.unreadCount });
        if (binding.ok)
          this.setData({
            bindingText: binding.value.bound ? (binding.value.followed === false ? '已绑定（未关注）' : '已绑定') : '未绑定',
          });
      },
      onSwitchRole(e: WechatMiniprogram.BaseEvent) {
        setActiveRole(String(e.currentTarget.dataset.role) as Role);
        this.setData({ roles: roleRows(getUser()) });
        showToast({ title: '已切换身份', icon: 'success' });
      },
      onNav(e: WechatMiniprogram.BaseEvent) {
        const url = String(e.currentTarget.dataset.url);
        if (TAB_PAGES.includes(url)) switchTab(url);
        else navigateTo(url);
      },
      /** 姓名: 2–20 个字; the server checks it and says what is wrong, in Chinese. */
      async onEditName() {
        const res = await showModal({
          title: '姓名',
          content: this.data.displayName,
          editable: true,
          placeholderText: '2–20 个字，台账和文书中写明经办人',
          confirmText: '保存',
        });
        if (!res.confirm || res.content.trim() === this.data.displayName) return;
        try {
          const saved = await api.setDisplayName(res.content, { quiet: true });
          this.setData({ displayName: saved.displayName ?? '', nameText: saved.displayName ?? '未填写', nameHint: '' });
          showToast({ title: '已保存', icon: 'success' });
        } catch (err) {
          // The rule the name broke (至少 2 个字 …), not the general 提交的内容有误.
          const detail = err instanceof ApiError ? err.details[0]?.message : undefined;
          void showModal({ title: '未能保存', content: detail ?? (err instanceof Error ? err.message : '请稍后再试'), showCancel: false });
        }
      },
      async onSandboxName() {
        const res = await showModal({
          title: '开发登录名',
          content: sandboxName(),
          editable: true,
          placeholderText: '如 alice：以 sandbox:alice 登录',
        });
        const name = res.content.trim();
        if (!res.confirm || !/^[A-Za-z0-9_-]{1,32}$/.test(name)) return;
        setSandboxName(name);
        clearSession();
        this.setData({ sandboxName: name, roles: [] });
        await this.load();
      },
      async onLogout() {
        const res = await showModal({ title: '退出登录', content: '退出后再次打开小程序会重新登录。', confirmText: '退出' });
        if (!res.confirm) return;
        await api.logout().catch(() => null);
        clearSession();
        this.setData({ roles: [], unreadCount: 0 });
        switchTab('/pages/home/home');
      },
    },
  }),
);
