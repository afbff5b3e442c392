import type { Database } from '../../db/database';
import { approvedFilings, findFiling, providersTakingWechatPay, type Filing } from '../../db/providers';
import type { Tx } from '../../db/tx';
import { InvalidInputError, NotFoundError } from '../errors';
import { maskPhone } from '../../logger';
import { platformFunctionLabel, priceUnitLabel, type ProviderFilingForm } from '../../../../shared/src/contracts/providerFiling';
import { todayInShanghai } from '../../../../shared/src/rules/calendar';
import { keepsRevokedProvider } from '../../../../shared/src/rules/eligibility';
import { policyPack } from '../../../../shared/src/pack';
import { ratingRecordsOf, type ProviderRatingSummary } from './ratingRecord';

/**
 * The public registry of filed providers (三（二）5 catalogue with prices, 6 Yichun offers), from
 * which enterprises choose. A revoked provider leaves the list and can no longer be chosen, but its
 * record stays readable for the applications made before.
 */
export class ProviderRegistry {
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  async list(q: { text?: string; fn?: string }) {
    let items = await this.db.read((tx) => approvedFilings(tx));
    if (q.fn) items = items.filter((f) => (f.form.basic?.platformFunctions ?? []).includes(q.fn as never));
    if (q.text) {
      const needle = q.text.toLowerCase();
      items = items.filter((f) =>
        [f.companyName, f.platformName ?? '', ...(f.form.catalogue ?? []).map((c) => `${c.name ?? ''} ${c.description ?? ''}`)].some((s) =>
          s.toLowerCase().includes(needle),
        ),
      );
    }
    const accepting = await this.acceptingWechatPay();
    // Each provider's record of county ratings (issue 14 item 10), all in one statement.
    const ratings = await this.db.read((tx) =>
      ratingRecordsOf(
        tx,
        items.map((f) => f.id),
      ),
    );
    return items.map((f) => this.card(f, accepting.has(f.id), ratings.get(f.id)!));
  }

  /** Providers whose linked merchant account takes payment on the platform (issue 7). */
  private async acceptingWechatPay(): Promise<Set<string>> {
    return this.db.read((tx) => providersTakingWechatPay(tx));
  }

  async detail(id: string) {
    const filing = await this.db.read((tx) => findFiling(tx, id));
    if (!filing || (filing.status !== 'approved' && filing.status !== 'revoked')) throw new NotFoundError('没有这家已备案的云服务商');
    const ratings = await this.db.read((tx) => ratingRecordsOf(tx, [filing.id]));
    return {
      ...this.card(filing, (await this.acceptingWechatPay()).has(filing.id), ratings.get(filing.id)!),
      description: filing.form.basic?.introduction ?? null,
      scenarios: filing.form.application?.scenarios ?? null,
    };
  }

  private card(f: Filing, wechatPay: boolean, rating: ProviderRatingSummary) {
    const today = todayInShanghai(new Date(this.now()));
    const form: ProviderFilingForm = f.form;
    const contact = form.basic?.contact;
    return {
      id: f.id,
      companyName: f.companyName,
      platformName: f.platformName,
      platformUrl: form.basic?.platformUrl ?? null,
      filingNo: f.filingNo,
      approvedOn: f.approvedOn,
      status: f.status,
      revokedOn: f.revokedOn,
      selectable: f.status === 'approved',
      wechatPay: wechatPay && f.status === 'approved',
      functions: (form.basic?.platformFunctions ?? []).map((v) => ({ value: v, label: platformFunctionLabel(v) ?? v })),
      catalogue: (form.catalogue ?? []).map((c) => ({
        id: c.id,
        name: c.name,
        description: c.description,
        priceFen: c.priceFen,
        yichunPriceFen: c.yichunPriceFen ?? null,
        unit: c.unit,
        unitLabel: c.unit ? (priceUnitLabel(c.unit) ?? c.unit) : null,
      })),
      offers: (form.offers?.items ?? [])
        .filter((o) => (!o.validFrom || o.validFrom <= today) && (!o.validTo || o.validTo >= today))
        .map((o) => ({ id: o.id, title: o.title, description: o.description, validFrom: o.validFrom ?? null, validTo: o.validTo ?? null })),
      // Lists mask personal data: a business landline shows whole, a mobile only in part.
      contact: contact ? { name: contact.name ?? null, phone: contact.phone ?? null, mobile: maskPhone(contact.mobile ?? null) } : null,
      ratingRecord: { effect: rating.effect, service: rating.service, text: rating.text },
    };
  }
}

/**
 * For the application: an approved provider can be named; a revoked one only by an application that
 * already named it, for a contract signed before the revocation (keepsRevokedProvider). Used inside
 * the caller's transaction so that a revocation cannot slip between the check and the write.
 */
export async function assertSelectableProvider(
  tx: Tx,
  providerId: string,
  contract: { signedOn: string; namedAlready: boolean },
): Promise<Filing> {
  const filing = await findFiling(tx, providerId);
  if (!filing || (filing.status !== 'approved' && filing.status !== 'revoked')) {
    throw new InvalidInputError(`所选云服务商未在${policyPack().city.name}工信局备案，请从已备案服务商名录中选择`, [
      { path: 'providerId', message: '没有这家已备案的云服务商' },
    ]);
  }
  if (filing.status === 'revoked' && !keepsRevokedProvider(filing.revokedOn, contract.signedOn, contract.namedAlready)) {
    if (contract.namedAlready)
      throw new InvalidInputError(
        `“${filing.companyName}”的备案已于 ${filing.revokedOn} 撤销，只有此前签订的合同仍可申请补助；本合同签订于 ${contract.signedOn}，请核对签订日期或选择其他已备案的服务商`,
        [{ path: 'contract.signedOn', message: `合同须在 ${filing.revokedOn} 之前签订` }],
      );
    throw new InvalidInputError(`“${filing.companyName}”的备案已于 ${filing.revokedOn} 撤销，不能再选择，请选择其他已备案的服务商`, [
      { path: 'providerId', message: '该服务商备案已撤销' },
    ]);
  }
  return filing;
}
