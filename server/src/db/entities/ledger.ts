import { EntitySchema } from 'typeorm';
import { col } from '../columns';

export interface DisbursementRow {
  id: string;
  applicationId: string;
  seq: number;
  kind: 'payment' | 'correction' | 'reversal';
  /** Signed: a reversal or a downward correction is negative. */
  amountFen: number;
  voucherNo: string;
  paidOn: string;
  accountName: string;
  bankName: string;
  accountNo: string;
  reason: string | null;
  correctsId: string | null;
  recordedBy: string;
  createdAt: number;
}
export const DisbursementEntity = new EntitySchema<DisbursementRow>({
  name: 'Disbursement',
  tableName: 'disbursements',
  columns: {
    id: col.id(),
    applicationId: { ...col.ref(), name: 'application_id' },
    seq: col.int(),
    kind: col.str(16),
    amountFen: { ...col.fen(), name: 'amount_fen' },
    voucherNo: { ...col.str(64), name: 'voucher_no' },
    paidOn: { ...col.date(false), name: 'paid_on' },
    accountName: { ...col.str(100), name: 'account_name' },
    bankName: { ...col.str(100), name: 'bank_name' },
    accountNo: { ...col.str(40), name: 'account_no' },
    reason: col.text(),
    correctsId: { ...col.ref(true), name: 'corrects_id' },
    recordedBy: { ...col.ref(), name: 'recorded_by' },
    createdAt: { ...col.ms(), name: 'created_at' },
  },
});

/** A requested change of an application's receiving account, with the account it replaces (both kept). */
export interface AccountChangeRow {
  id: string;
  applicationId: string;
  status: 'requested' | 'confirmed' | 'refused' | 'withdrawn';
  oldAccountName: string | null;
  oldBankName: string | null;
  oldAccountNo: string | null;
  newAccountName: string;
  newBankName: string;
  newAccountNo: string;
  reason: string;
  requestedBy: string;
  requestedAt: number;
  decidedBy: string | null;
  decidedAt: number | null;
  decisionReason: string | null;
  /** The application's id while the request waits, else null: one open request per application. */
  openKey: string | null;
  version: number;
}
export const AccountChangeEntity = new EntitySchema<AccountChangeRow>({
  name: 'AccountChange',
  tableName: 'account_changes',
  columns: {
    id: col.id(),
    applicationId: { ...col.ref(), name: 'application_id' },
    status: col.str(16),
    oldAccountName: { ...col.str(100, true), name: 'old_account_name' },
    oldBankName: { ...col.str(100, true), name: 'old_bank_name' },
    oldAccountNo: { ...col.str(40, true), name: 'old_account_no' },
    newAccountName: { ...col.str(100), name: 'new_account_name' },
    newBankName: { ...col.str(100), name: 'new_bank_name' },
    newAccountNo: { ...col.str(40), name: 'new_account_no' },
    reason: col.str(500),
    requestedBy: { ...col.ref(), name: 'requested_by' },
    requestedAt: { ...col.ms(), name: 'requested_at' },
    decidedBy: { ...col.ref(true), name: 'decided_by' },
    decidedAt: { ...col.ms(true), name: 'decided_at' },
    decisionReason: { ...col.str(500, true), name: 'decision_reason' },
    openKey: { ...col.ref(true), name: 'open_key' },
    version: col.version(),
  },
});

/** The second person's confirmation of a correction or a reversal (DESIGN.md "Four eyes"): the entry itself never changes. */
export interface LedgerConfirmationRow {
  id: string;
  entryId: string;
  applicationId: string;
  confirmedBy: string;
  confirmedAt: number;
}
export const LedgerConfirmationEntity = new EntitySchema<LedgerConfirmationRow>({
  name: 'LedgerConfirmation',
  tableName: 'ledger_confirmations',
  columns: {
    id: col.id(),
    entryId: { ...col.ref(), name: 'entry_id' },
    applicationId: { ...col.ref(), name: 'application_id' },
    confirmedBy: { ...col.ref(), name: 'confirmed_by' },
    confirmedAt: { ...col.ms(), name: 'confirmed_at' },
  },
});
