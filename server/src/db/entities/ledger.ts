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
