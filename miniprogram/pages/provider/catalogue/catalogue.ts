/**
 * The provider's catalogue and Yichun offers as enterprises see them in the registry; they are part of
 * the 备案申报书 and changed there (while the filing is a draft or returned).
 */
import { page } from '../../../services/page';
import * as api from '../../../services/api';
import { formatFen } from '../../../logic/money';
import { PRICE_UNITS } from '../../../shared/contracts/filingChoices';
import type { ProviderFilingForm } from '../../../shared/contracts/providerFiling';
import { navigateTo } from '../../../services/wxp';
import { policyPack } from '../../../shared/pack/active';

function unitSuffix(unit: string | undefined): string {
  return (PRICE_UNITS.find((u) => u.value === unit)?.label ?? '').replace(/^元/, '');
}

function fromForm(form: ProviderFilingForm) {
  return {
    catalogue: (form.catalogue ?? []).map((c) => ({
      name: c.name ?? '',
      description: c.description ?? '',
      priceText: c.priceFen !== undefined ? `${formatFen(c.priceFen)}${unitSuffix(c.unit)}` : '未填报价',
      yichunText: c.yichunPriceFen !== undefined ? `${formatFen(c.yichunPriceFen)}${unitSuffix(c.unit)}` : '',
    })),
    offers: (form.offers?.items ?? []).map((o) => ({
      title: o.title ?? '',
      description: o.description ?? '',
      validText: `${o.validFrom ?? ''} 起${o.validTo ? `至 ${o.validTo}` : '，长期有效'}`,
    })),
  };
}

Component(
  page({
    data: {
      cityName: policyPack().city.name,
      cityShort: policyPack().city.shortName,
      sourceText: '',
      editable: false,
      filingId: '',
      catalogue: [] as ReturnType<typeof fromForm>['catalogue'],
      offers: [] as ReturnType<typeof fromForm>['offers'],
    },
    methods: {
      onShow() {
        return this.load();
      },
      async load() {
        const { filing } = await api.myFiling();
        if (!filing) {
          this.setData({ sourceText: '尚未申报备案。产品目录和优惠在备案申报书中填写。', editable: true });
          return;
        }
        const editable = filing.status === 'draft' || filing.status === 'returned';
        this.setData({
          filingId: filing.id,
          editable,
          sourceText:
            filing.status === 'approved'
              ? `已在名录中展示（备案编号 ${filing.filingNo ?? ''}）`
              : `备案${filing.applicantLabel}；通过后在名录中展示`,
          ...fromForm(filing.form),
        });
      },
      onEdit() {
        navigateTo(`/pages/provider/filing/filing?${this.data.filingId ? `id=${this.data.filingId}&` : ''}section=catalogue`);
      },
    },
  }),
);
