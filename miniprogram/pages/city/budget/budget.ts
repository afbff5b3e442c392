/** 年度预算: set by city finance; what the lists already commit and what remains, all in integer fen. */
import { page } from '../../../services/page';
import * as api from '../../../services/api';
import { refreshUser } from '../../../services/account';
import { fenToYuanText, formatFen, parseYuan } from '../../../logic/money';
import { thisYear } from '../../../logic/format';
import type { BudgetView } from '../../../shared/contracts/responses';
import { showToast } from '../../../services/wxp';

const YEAR = thisYear();
const YEARS = [YEAR - 2, YEAR - 1, YEAR, YEAR + 1].map(String);

Component(
  page({
    data: {
      years: YEARS,
      yearIndex: 2,
      year: YEAR,
      version: null as number | null,
      budgetText: '',
      reservedText: '',
      disbursedText: '',
      remainingText: '',
      negative: false,
      canSet: false,
      amount: '',
      error: '',
    },
    methods: {
      async onLoad() {
        const { role } = await refreshUser();
        this.setData({ canSet: role === 'city_finance' });
        await this.load();
      },
      async load() {
        this.show(await api.budget(this.data.year));
      },
      show(v: BudgetView) {
        const b = v.budget;
        this.setData({
          version: b.version,
          budgetText: b.budgetFen === null ? '尚未设定' : formatFen(b.budgetFen),
          reservedText: formatFen(b.reservedFen),
          disbursedText: formatFen(b.disbursedNetFen),
          remainingText: b.remainingFen === null ? '—' : formatFen(b.remainingFen),
          negative: (b.remainingFen ?? 0) < 0,
          amount: b.budgetFen === null ? '' : fenToYuanText(b.budgetFen),
        });
      },
      onYear(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        const i = Number(e.detail.value);
        this.setData({ yearIndex: i, year: Number(YEARS[i]) });
        return this.load();
      },
      onAmount(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        this.setData({ amount: e.detail.value, error: '' });
      },
      async onSave() {
        const amount = parseYuan(this.data.amount, '预算金额');
        if (!amount.ok) {
          this.setData({ error: amount.message });
          return;
        }
        this.show(await api.setBudget(this.data.year, amount.fen, this.data.version));
        showToast({ title: '已保存', icon: 'success' });
      },
    },
  }),
);
