import { YICHUN_COUNTIES } from '../../../shared/src/pack/yichun/counties';
import { QINGCHUAN } from '../../fixtures/packs/qingchuan';
import { MIN_CONTRACT_FEN } from '../../fixtures/packs/qingchuan/versions';
import { describePackWalk, filingFormFor } from '../../helpers/packWalk';

/**
 * Issue 18 item 4's proof: a fictional city's pack (test/fixtures/packs/qingchuan), installed before
 * the app is built, runs the whole path with no change outside its pack — its county, its 40% and
 * 8万元 cap, its extra condition (二（七）合同金额不低于2万元), its 备案编号 and tracking prefix — and
 * nothing the run says to anyone names the seed city.
 */
const SEED_CITY_PARTICULARS = ['伊春', '0458', '伊云备', ...YICHUN_COUNTIES.flatMap((c) => [c.code, c.name])];

describePackWalk('a second, fictional city’s pack, walked end to end', {
  pack: QINGCHUAN,
  county: QINGCHUAN.counties.find((c) => c.code === '990121')!,
  enterprise: {
    name: '北岭松涛食品有限公司',
    address: '北岭县工业园区8号',
    contactPhone: '13909090002',
    bankName: '中国农业银行北岭支行',
    accountNo: '08123456789012345',
  },
  reportDocNo: (year) => `北工信联〔${year}〕2号`,
  providerForm: () =>
    filingFormFor([
      ['伊春', QINGCHUAN.city.shortName],
      ['0458', '0909'],
    ]),
  // 40% of 250,000.00 元 is 100,000.00 元: the cap of 80,000.00 元 cuts it.
  contractFen: 25_000_000,
  refused: { contractFen: MIN_CONTRACT_FEN - 1, rule: 'contract-at-least-20k', clause: '二（七）' },
  forbidden: SEED_CITY_PARTICULARS,
});
