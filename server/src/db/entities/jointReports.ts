import { EntitySchema } from 'typeorm';
import { col } from '../columns';
import { COUNTY_CODE_LENGTH } from './common';

export interface JointReportRow {
  id: string;
  countyCode: string;
  docNo: string;
  reportDate: string;
  status: 'draft' | 'signing' | 'submitted';
  miitSignedBy: string | null;
  miitSignedAt: number | null;
  financeSignedBy: string | null;
  financeSignedAt: number | null;
  version: number;
  createdBy: string;
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
    createdAt: { ...col.ms(), name: 'created_at' },
    updatedAt: { ...col.ms(), name: 'updated_at' },
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
