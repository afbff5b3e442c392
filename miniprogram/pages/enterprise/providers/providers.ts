/**
 * 已备案云服务商: the public registry (三（二）5–6) — each provider's filing number and date, its
 * catalogue with prices and the Yichun price, its offers. With ?pick=1 it is the picker of the
 * application's contract: the choice goes back through storage (a page returns no value). An enterprise
 * user may buy a priced item of a provider that takes WeChat Pay on the platform: the payment is then
 * one the platform has seen (issue 7).
 */
import { page } from '../../../services/page';
import * as api from '../../../services/api';
import { PICKED_PROVIDER_KEY } from '../../../logic/storageKeys';
import { formatFen } from '../../../logic/money';
import { refreshUser } from '../../../services/account';
import { showModal, navigateBack, navigateTo } from '../../../services/wxp';
import { ApiError } from '../../../services/http';
import type { ProviderCard } from '../../../shared/contracts/responses';
import { policyPack } from '../../../shared/pack/active';

interface CardView {
  id: string;
  companyName: string;
  platformName: string;
  filingNo: string;
  approvedOn: string;
  functionsText: string;
  contactText: string;
  wechatPay: boolean;
  /** The county ratings it received (issue 14 item 10), as the server words it. */
  ratingText: string;
  catalogue: { id: string; name: string; description: string; priceText: string; yichunText: string; payText: string; buyable: boolean }[];
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
    ratingText: p.ratingRecord.text,
    catalogue: p.catalogue.map((c) => ({
      id: c.id ?? '',
      // What the server charges: the Yichun price where there is one.
      payText: formatFen(c.yichunPriceFen ?? c.priceFen ?? 0),
      buyable: p.wechatPay === true && !!c.id && (c.yichunPriceFen ?? c.priceFen ?? 0) > 0,
      name: c.name ?? '',
      description: c.description ?? '',
      priceText: c.priceFen !== undefined ? `${formatFen(c.priceFen)}${c.unitLabel ? c.unitLabel.replace(/^元/, '') : ''}` : '面议',
      yichunText: c.yichunPriceFen !== null ? `${formatFen(c.yichunPriceFen)}${c.unitLabel ? c.unitLabel.replace(/^元/, '') : ''}` : '',
    })),
    offers: p.offers.map((o) => ({ title: o.title ?? '', description: o.description ?? '' })),
  };
}

Component(
  page({
    data: {
      cityShort: policyPack().city.shortName,
      pick: false,
      q: '',
      providers: [] as CardView[],
      loaded: false,
      enterpriseId: '',
      buyMessage: '',
    },
    methods: {
      onLoad(query: Record<string, string | undefined>) {
        this.setData({ pick: query.pick === '1' });
        return this.load();
      },
      async load() {
        const res = await api.providers({ q: this.data.q.trim() || undefined });
        this.setData({ providers: res.items.filter((p) => p.selectable).map(view), loaded: true });
        if (!this.data.pick && !this.data.enterpriseId) {
          const { role } = await refreshUser();
          if (role === 'enterprise') {
            const mine = await api.myEnterprises();
            this.setData({ enterpriseId: mine.items[0]?.id ?? '' });
          }
        }
      },
      async onBuy(e: WechatMiniprogram.BaseEvent) {
        const { provider, item } = e.currentTarget.dataset as { provider: string; item: string };
        const card = this.data.providers.find((p) => p.id === provider);
        const c = card?.catalogue.find((x) => x.id === item);
        if (!card || !c || !this.data.enterpriseId) return;
        const ok = await showModal({
          title: '微信支付购买',
          content: `向 ${card.companyName} 支付 ${c.payText}（${c.name}）。付款直接到服务商的商户号，平台记下这笔付款，申报补助时作为已核验的付款凭证。`,
          confirmText: '去支付',
        });
        if (!ok.confirm) return;
        try {
          const { payment } = await api.buyCatalogueItem(card.id, c.id, this.data.enterpriseId);
          this.setData({ buyMessage: '' });
          navigateTo(`/pages/enterprise/pay/pay?id=${payment.id}`);
        } catch (err) {
          this.setData({ buyMessage: err instanceof ApiError ? (err.details[0]?.message ?? err.message) : '没能发起付款，请稍后再试' });
        }
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
        navigateBack();
      },
    },
  }),
);
