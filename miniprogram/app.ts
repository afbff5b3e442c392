/**
 * The app. Login is lazy (services/http.ts logs in on the first call that needs it), so that the home
 * page and the self-check answer at once, before WeChat has answered wx.login.
 */
import { POLICY_PACK } from './config';
import { BUILT_IN_PACKS, installPolicyPack } from './shared/pack/active';

// The city's names, counties and contact on every page come from this pack (config.ts); a name the build
// does not carry is a build mistake, shown at once rather than as another city's words.
const pack = BUILT_IN_PACKS[POLICY_PACK];
if (!pack) throw new Error(`小程序配置有误：没有名为 ${POLICY_PACK} 的政策包`);
installPolicyPack(pack);

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
