import { YICHUN } from '../../../shared/src/pack/yichun';
import { QINGCHUAN_PARTICULARS } from '../../fixtures/packs/qingchuan';
import { describePackWalk, filingFormFor } from '../../helpers/packWalk';

/**
 * The walk of test/helpers/packWalk.ts for the pack a server serves by default: the same steps and
 * expectations as the second pack's run (secondPack.test.ts), so that the walk itself is known to hold
 * and the fixture city's words are known to stay in its fixture.
 */
describePackWalk('the seed city’s pack, walked end to end', {
  pack: YICHUN,
  county: YICHUN.counties.find((c) => c.code === '230781')!,
  enterprise: {
    name: '铁力林海食品有限公司',
    address: '铁力市工业园区1号',
    contactPhone: '13904580002',
    bankName: '中国农业银行铁力支行',
    accountNo: '08123456789012345',
  },
  reportDocNo: (year) => `铁工信联〔${year}〕7号`,
  providerForm: () => filingFormFor([]),
  // 50% of 150,000.01 元, rounded up: 75,000.01 元, under the cap.
  contractFen: 15_000_001,
  forbidden: QINGCHUAN_PARTICULARS,
});
