/**
 * The privacy agreement WeChat requires before the privacy APIs: choosing files from chats, photos from
 * the album or the camera, and phone numbers. The button's open-type="agreePrivacyAuthorization" is what
 * WeChat records as agreement; until then those APIs fail.
 */
import { page } from '../../../services/page';
import { getPrivacySetting, navigateBack, showModal, showToast } from '../../../services/wxp';

const USES = [
  { what: '相册中的照片、拍照', why: '上传营业执照、合同、付款凭证等申报材料' },
  { what: '微信聊天中的文件', why: '上传别人转发给您的 PDF 材料' },
  { what: '手机号码', why: '作为企业联系人、服务商联系人的联系电话' },
];

Component(
  page({
    data: { contractName: '《上云补助小程序隐私保护指引》', uses: USES, agreed: false, back: false },
    methods: {
      async onLoad(query: Record<string, string | undefined>) {
        const setting = await getPrivacySetting();
        this.setData({
          back: query.back === '1',
          agreed: !setting.needAuthorization,
          contractName: setting.privacyContractName || this.data.contractName,
        });
      },
      onAgree() {
        this.setData({ agreed: true });
        showToast({ title: '已同意', icon: 'success' });
        if (this.data.back) navigateBack();
      },
      onDisagree() {
        void showModal({
          title: '提示',
          content: '不同意隐私保护指引时，无法选择照片和文件上传材料；其他功能不受影响。',
          showCancel: false,
        });
        if (this.data.back) navigateBack();
      },
      onOpenContract() {
        wx.openPrivacyContract({});
      },
    },
  }),
);
