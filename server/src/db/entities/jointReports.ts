import { EntitySchema } from 'typeorm';
import { col } from '../columns';
import { COUNTY_CODE_LENGTH } from './common';

export interface JointReportRow {
  id: string;
  countyCode: string;
  docNo: string;
  reportDate: string;
  status: 'draft' | 'signing' | 'submitted' | 'cancelled';
  miitSignedBy: string | null;
  miitSignedAt: number | null;
  financeSignedBy: string | null;
  financeSignedAt: number | null;
  version: number;
  createdBy: string;
  /** The department that drafted it (only that one corrects or cancels it); null for reports drafted before it was kept. */
  draftedDepartment: 'miit' | 'finance' | null;
  /** The 文号 while the report stands; null once cancelled, so that the county may use the number again. */
  liveDocNo: string | null;
  createdAt: number;
  updatedAt: number;
}
export const JointReportEntity = new EntitySchema<JointReportRow>({
  name: 'JointReport',
  tableName: 'joint_reports',
  columns: {
    id: col.id(),
    countyCode: { ...col.str(COUNTY_CODE_LENGTH), name: 'county_code' },
    docNo: { ...col.str(64), name: 'doc_no' },
    reportDate: { ...col.date(false), name: 'report_date' },
    status: col.str(16),
    miitSignedBy: { ...col.ref(true), name: 'miit_signed_by' },
    miitSignedAt: { ...col.ms(true), name: 'miit_signed_at' },
    financeSignedBy: { ...col.ref(true), name: 'finance_signed_by' },
    financeSignedAt: { ...col.ms(true), name: 'finance_signed_at' },
    version: col.version(),
    createdBy: { ...col.ref(), name: 'created_by' },
    draftedDepartment: { ...col.str(8, true), name: 'drafted_department' },
    liveDocNo: { ...col.str(64, true), name: 'live_doc_no' },
    createdAt: { ...col.ms(), name: 'created_at' },
    updatedAt: { ...col.ms(), name: 'updated_at' },
  },
});

/**
 * One version of a drafted document (a joint report or a proposed list): its 文号, date and members as
 * they stood after a change, who made the change, when and why. Rows are only added.
 */
export interface DocumentVersionRow {
  id: string;
  documentType: 'joint_report' | 'subsidy_list';
  documentId: string;
  seq: number;
  changeKind: 'created' | 'corrected' | 'cancelled';
  status: string;
  docNo: string | null;
  docDate: string | null;
  applicationIds: string[];
  reason: string | null;
  actorId: string;
  actorRole: string | null;
  createdAt: number;
}
export const DocumentVersionEntity = new EntitySchema<DocumentVersionRow>({
  name: 'DocumentVersion',
  tableName: 'document_versions',
  columns: {
    id: col.id(),
    documentType: { ...col.str(16), name: 'document_type' },
    documentId: { ...col.ref(), name: 'document_id' },
    seq: col.int(),
    changeKind: { ...col.str(16), name: 'change_kind' },
    status: col.str(16),
    docNo: { ...col.str(64, true), name: 'doc_no' },
    docDate: { ...col.date(), name: 'doc_date' },
    applicationIds: { ...col.json(false), name: 'application_ids' },
    reason: col.text(),
    actorId: { ...col.ref(), name: 'actor_id' },
    actorRole: { ...col.str(32, true), name: 'actor_role' },
    createdAt: { ...col.ms(), name: 'created_at' },
  },
});

export interface JointReportItemRow {
  id: string;
  reportId: string;
  applicationId: string;
  position: number;
}
export const JointReportItemEntity = new EntitySchema<JointReportItemRow>({
  name: 'JointReportItem',
  tableName: 'joint_report_items',
  columns: {
    id: col.id(),
    reportId: { ...col.ref(), name: 'report_id' },
    applicationId: { ...col.ref(), name: 'application_id' },
    position: col.int(),
  },
});
