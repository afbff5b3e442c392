/**
 * Yichun's policy pack: 伊春市支持工业企业上云补助实施细则 (the seed, 细则八) and everything of the city's
 * own that the product says or checks. The only place in code where Yichun's particulars are written.
 */
import type { PolicyPack } from '../types';
import { YICHUN_CHAT } from './chat';
import { YICHUN_COUNTIES } from './counties';
import { YICHUN_DOCUMENTS } from './documents';
import { YICHUN_FORMS } from './forms';
import { YICHUN_VERSIONS } from './versions';

export const YICHUN: PolicyPack = {
  id: 'yichun-2023-cloud',
  title: '伊春市支持工业企业上云补助实施细则',
  platformName: '伊春市工业企业上云补助平台',
  city: {
    name: '伊春市',
    shortName: '伊春',
    // 二（一）在伊春市设立、登记、注册: 伊春市's division code (GB/T 2260) begins 2307.
    regionPrefix: '2307',
    miitBureau: '伊春市工业和信息化局',
    miitBureauShort: '市工信局',
    financeBureau: '伊春市财政局',
    financeBureauShort: '市财政局',
  },
  counties: YICHUN_COUNTIES,
  // 五、联系方式
  contact: { clause: '五', department: '市工信局信息化推进科', phone: '0458-3878126' },
  versions: YICHUN_VERSIONS,
  numbers: {
    // 三（一）备案管理制: the bureau numbers its filings 伊云备〔年〕序号号, three digits.
    filingNo: (year, n) => `伊云备〔${year}〕${String(n).padStart(3, '0')}号`,
    filingNoPattern: /^伊云备〔\d{4}〕\d{3,}号$/,
    trackingPrefix: 'YC',
  },
  documents: YICHUN_DOCUMENTS,
  chat: YICHUN_CHAT,
  forms: YICHUN_FORMS,
};
