import { em } from '../orm';
import type { Tx } from '../tx';
import { MerchantAccountEntity, type MerchantAccountRow } from '../entities';
import { insertRow } from '../rows';
import { numOrNull } from '../values';

/** Providers' WeChat Pay merchant accounts (merchant_accounts): one per provider, its secrets sealed. */
export type MerchantAccount = MerchantAccountRow;

export async function findMerchantAccount(tx: Tx, id: string): Promise<MerchantAccount | null> {
  return em(tx).getRepository(MerchantAccountEntity).findOne({ where: { id } });
}

export async function merchantAccountOf(tx: Tx, providerId: string): Promise<MerchantAccount | null> {
  return em(tx).getRepository(MerchantAccountEntity).findOne({ where: { providerId } });
}

export async function allMerchantAccounts(tx: Tx): Promise<MerchantAccount[]> {
  return em(tx).getRepository(MerchantAccountEntity).find();
}

export async function insertMerchantAccount(tx: Tx, row: MerchantAccount): Promise<void> {
  await insertRow(em(tx), MerchantAccountEntity, row);
}

export async function updateMerchantAccount(tx: Tx, id: string, set: Partial<Omit<MerchantAccount, 'id' | 'providerId'>>): Promise<void> {
  await em(tx).getRepository(MerchantAccountEntity).update({ id }, set);
}

export interface FiledProviderAccount {
  providerId: string;
  companyName: string;
  filingNo: string | null;
  filingStatus: string;
  mchid: string | null;
  accountStatus: string | null;
  linkedAt: number | null;
}

/** Every filed provider (approved or revoked), by name, with its merchant account if it has one. */
export async function filedProviderAccounts(tx: Tx): Promise<FiledProviderAccount[]> {
  const rows: {
    id: string;
    company_name: string;
    filing_no: string | null;
    status: string;
    mchid: string | null;
    account_status: string | null;
    linked_at: number | string | null;
  }[] = await em(tx).query(
    `SELECT p.id, p.company_name, p.filing_no, p.status, a.mchid, a.status AS account_status, a.linked_at
         FROM providers p LEFT JOIN merchant_accounts a ON a.provider_id = p.id
        WHERE p.status IN ('approved', 'revoked') ORDER BY p.company_name`,
  );
  return rows.map((r) => ({
    providerId: r.id,
    companyName: r.company_name,
    filingNo: r.filing_no,
    filingStatus: r.status,
    mchid: r.mchid,
    accountStatus: r.account_status,
    linkedAt: numOrNull(r.linked_at),
  }));
}
