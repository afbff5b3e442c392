/**
 * A fictional city for the mini-program's own tests of issue 18 item 4, only as far as its screens' words
 * need (the full second pack, rules and all, is test/fixtures/packs/'s): another name, counties and contact.
 */
import type { PolicyPack } from '../../../miniprogram/shared/pack/types';

export function riverton(base: PolicyPack): PolicyPack {
  return {
    ...base,
    id: 'riverton-2025-cloud',
    title: '河湾市工业企业上云奖励办法',
    platformName: '河湾市工业企业上云奖励平台',
    city: { ...base.city, name: '河湾市', shortName: '河湾', regionPrefix: '9901' },
    counties: [
      { code: '990101', name: '东岸区' },
      { code: '990102', name: '西岸县' },
    ],
    contact: { clause: '六', department: '市经信局数字化科', phone: '0999-1234567' },
  };
}

/** Yichun's particulars, as the particulars test lists them: none may be left where the pack speaks. */
export const YICHUN_WORDS = /伊春|0458|伊云备|伊美区|乌翠区|友好区|嘉荫县|汤旺县|丰林县|大箐山县|南岔县|金林区|铁力市|2307\d\d/;
