/**
 * The app. Login is lazy (services/http.ts logs in on the first call that needs it), so that the home
 * page and the self-check answer at once, before WeChat has answered wx.login.
 */
App({
  onLaunch() {
    // A published update applies at the next start rather than mid-application.
    if (typeof wx.getUpdateManager === 'function') {
      const updates = wx.getUpdateManager();
      updates.onUpdateReady(() => {
        wx.showModal({
          title: '更新提示',
          content: '新版本已经准备好，重启小程序即可使用',
          success: (res) => res.confirm && updates.applyUpdate(),
        });
      });
    }
  },
});
