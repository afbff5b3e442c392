import { EntitySchema } from 'typeorm';
import { col } from '../columns';

export interface SettlementFormRow {
  id: string;
  providerId: string;
  version: number;
  status: 'generated' | 'signed' | 'superseded';
  signedFileId: string | null;
  createdBy: string;
  createdAt: number;
  signedAt: number | null;
}
export const SettlementFormEntity = new EntitySchema<SettlementFormRow>({
  name: 'SettlementForm',
  tableName: 'settlement_forms',
  columns: {
    id: col.id(),
    providerId: { ...col.ref(), name: 'provider_id' },
    version: col.int(),
    status: col.str(16),
    signedFileId: { ...col.ref(true), name: 'signed_file_id' },
    createdBy: { ...col.ref(), name: 'created_by' },
    createdAt: { ...col.ms(), name: 'created_at' },
    signedAt: { ...col.ms(true), name: 'signed_at' },
  },
});

export interface SettlementFormItemRow {
  id: string;
  formId: string;
  applicationId: string;
  position: number;
  appliedFen: number;
  contractAmountFen: number;
  /** The application's paid amount when this version was generated (null on rows from before it was kept). */
  paidAmountFen: number | null;
  effectEvaluation: string | null;
}
export const SettlementFormItemEntity = new EntitySchema<SettlementFormItemRow>({
  name: 'SettlementFormItem',
  tableName: 'settlement_form_items',
  columns: {
    id: col.id(),
    formId: { ...col.ref(), name: 'form_id' },
    applicationId: { ...col.ref(), name: 'application_id' },
    position: col.int(),
    appliedFen: { ...col.fen(), name: 'applied_fen' },
    contractAmountFen: { ...col.fen(), name: 'contract_amount_fen' },
    paidAmountFen: { ...col.fen(true), name: 'paid_amount_fen' },
    effectEvaluation: { ...col.text(), name: 'effect_evaluation' },
  },
});
