/**
 * 已备案云服务商: the public registry (三（二）5–6) — each provider's filing number and date, its
 * catalogue with prices and the Yichun price, its offers. With ?pick=1 it is the picker of the
 * application's contract: the choice goes back through storage (a page returns no value).
 */
import { page } from '../../../services/page';
import * as api from '../../../services/api';
import { PICKED_PROVIDER_KEY } from '../../../logic/storageKeys';
import { formatFen } from '../../../logic/money';
import type { ProviderCard } from '../../../services/types';

interface CardView {
  id: string;
  companyName: string;
  platformName: string;
  filingNo: string;
  approvedOn: string;
  functionsText: string;
  contactText: string;
  wechatPay: boolean;
  catalogue: { name: string; description: string; priceText: string; yichunText: string }[];
  offers: { title: string; description: string }[];
}

function view(p: ProviderCard): CardView {
  return {
    id: p.id,
    companyName: p.companyName,
    platformName: p.platformName ?? '',
    filingNo: p.filingNo ?? '',
    approvedOn: p.approvedOn ?? '',
    functionsText: p.functions.map((f) => f.label).join('、'),
    contactText: p.contact ? [p.contact.name, p.contact.phone].filter(Boolean).join(' ') : '',
    wechatPay: p.wechatPay === true,
    catalogue: p.catalogue.map((c) => ({
      name: c.name ?? '',
      description: c.description ?? '',
      priceText: c.priceFen !== undefined ? `${formatFen(c.priceFen)}${c.unitLabel ? c.unitLabel.replace(/^元/, '') : ''}` : '面议',
      yichunText: c.yichunPriceFen !== null ? `${formatFen(c.yichunPriceFen)}${c.unitLabel ? c.unitLabel.replace(/^元/, '') : ''}` : '',
    })),
    offers: p.offers.map((o) => ({ title: o.title ?? '', description: o.description ?? '' })),
  };
}

Component(page({
  data: { pick: false, q: '', providers: [] as CardView[], loaded: false },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ pick: query.pick === '1' });
      return this.load();
    },
    async load() {
      const res = await api.providers({ q: this.data.q.trim() || undefined });
      this.setData({ providers: res.items.filter((p) => p.selectable).map(view), loaded: true });
    },
    onQuery(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ q: e.detail.value });
    },
    onSearch() {
      return this.load();
    },
    onChoose(e: WechatMiniprogram.BaseEvent) {
      const p = this.data.providers.find((x) => x.id === String(e.currentTarget.dataset.id));
      if (!p) return;
      wx.setStorageSync(PICKED_PROVIDER_KEY, { id: p.id, name: p.companyName, wechatPay: p.wechatPay });
      wx.navigateBack({ delta: 1 });
    },
  },
}));
