import { EntitySchema } from 'typeorm';
import { col } from '../columns';

export interface SubsidyListRow {
  id: string;
  year: number;
  batchNo: number;
  status: 'draft' | 'cosigned' | 'notice' | 'approved' | 'cancelled';
  noticeStart: string | null;
  noticeEnd: string | null;
  /** The notice end whose passing the worker announced (cityReview/noticeEnds.ts); absent or null: none yet. */
  noticeEndAnnounced?: string | null;
  /** The round (申报批次) of its applications (issue 18); absent or null: applications from before rounds. */
  roundId?: string | null;
  draftedBy: string;
  cosignedBy: string | null;
  cosignedAt: number | null;
  approvedBy: string | null;
  approvedAt: number | null;
  version: number;
  createdAt: number;
  updatedAt: number;
}
export const SubsidyListEntity = new EntitySchema<SubsidyListRow>({
  name: 'SubsidyList',
  tableName: 'subsidy_lists',
  columns: {
    id: col.id(),
    year: col.int(),
    batchNo: { ...col.int(), name: 'batch_no' },
    status: col.str(16),
    noticeStart: { ...col.date(), name: 'notice_start' },
    noticeEnd: { ...col.date(), name: 'notice_end' },
    noticeEndAnnounced: { ...col.date(), name: 'notice_end_announced' },
    roundId: { ...col.ref(true), name: 'round_id' },
    draftedBy: { ...col.ref(), name: 'drafted_by' },
    cosignedBy: { ...col.ref(true), name: 'cosigned_by' },
    cosignedAt: { ...col.ms(true), name: 'cosigned_at' },
    approvedBy: { ...col.ref(true), name: 'approved_by' },
    approvedAt: { ...col.ms(true), name: 'approved_at' },
    version: col.version(),
    createdAt: { ...col.ms(), name: 'created_at' },
    updatedAt: { ...col.ms(), name: 'updated_at' },
  },
});

export interface SubsidyListItemRow {
  id: string;
  listId: string;
  applicationId: string;
  verifiedFen: number;
  removedAt: number | null;
  removedReason: string | null;
}
export const SubsidyListItemEntity = new EntitySchema<SubsidyListItemRow>({
  name: 'SubsidyListItem',
  tableName: 'subsidy_list_items',
  columns: {
    id: col.id(),
    listId: { ...col.ref(), name: 'list_id' },
    applicationId: { ...col.ref(), name: 'application_id' },
    verifiedFen: { ...col.fen(), name: 'verified_fen' },
    removedAt: { ...col.ms(true), name: 'removed_at' },
    removedReason: { ...col.text(), name: 'removed_reason' },
  },
});

export interface ListObjectionRow {
  id: string;
  listId: string;
  applicationId: string;
  content: string | null;
  objector: string | null;
  receivedOn: string;
  decision: 'pending' | 'upheld' | 'dismissed';
  recordedBy: string;
  decidedBy: string | null;
  decidedAt: number | null;
  decisionReason: string | null;
  createdAt: number;
}
export const ListObjectionEntity = new EntitySchema<ListObjectionRow>({
  name: 'ListObjection',
  tableName: 'list_objections',
  columns: {
    id: col.id(),
    listId: { ...col.ref(), name: 'list_id' },
    applicationId: { ...col.ref(), name: 'application_id' },
    content: col.text(),
    objector: col.str(100, true),
    receivedOn: { ...col.date(false), name: 'received_on' },
    decision: col.str(16),
    recordedBy: { ...col.ref(), name: 'recorded_by' },
    decidedBy: { ...col.ref(true), name: 'decided_by' },
    decidedAt: { ...col.ms(true), name: 'decided_at' },
    decisionReason: { ...col.text(), name: 'decision_reason' },
    createdAt: { ...col.ms(), name: 'created_at' },
  },
});

export interface BudgetRow {
  year: number;
  budgetFen: number;
  setBy: string;
  version: number;
  updatedAt: number;
}
export const BudgetEntity = new EntitySchema<BudgetRow>({
  name: 'Budget',
  tableName: 'budgets',
  columns: {
    year: { type: 'int', primary: true },
    budgetFen: { ...col.fen(), name: 'budget_fen' },
    setBy: { ...col.ref(), name: 'set_by' },
    version: col.version(),
    updatedAt: { ...col.ms(), name: 'updated_at' },
  },
});
