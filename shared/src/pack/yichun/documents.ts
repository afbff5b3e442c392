/** The words of Yichun's printed documents (seed 三（二）1 备案申报书, 三（三）1 兑付申请表, 三（四）联合行文). */
import type { PackDocumentWords } from '../types';

export const YICHUN_DOCUMENTS: PackDocumentWords = {
  subsidyName: '工业企业上云补助',
  // The seed's cover: 伊春市“企业上云”云服务商 / 备案申报书.
  filingFormName: ['“企业上云”云服务商', '备案申报书'],
  jointReportAddressees: '市工业和信息化局、市财政局：',
  docNoExample: '伊美工信联〔2026〕3号',
};
