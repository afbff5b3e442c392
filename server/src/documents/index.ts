/** Documents the bureau prints (DESIGN.md): forms generated from the data, in the seed's layout. */
export { renderFilingDocx, type FilingDocxMeta } from './filingDocx';
export { formatDateZh, formatPrice, formatWanYuan, formatYearMonthZh, formatYuan } from './common';
export { formatWanYuanExact, maskAccountNo, sumFen } from './common';
export {
  renderSettlementDocx,
  settlementVersionMark,
  SETTLEMENT_FORM_TITLE,
  type SettlementFormInput,
  type SettlementRow,
  type SettlementPrincipal,
  type SettlementContact,
} from './settlementDocx';
export {
  renderJointReportDocx,
  formatRating,
  RATING_WORDS,
  JOINT_REPORT_DEFAULT_TITLE,
  type JointReportInput,
  type JointReportRow,
  type Rating,
} from './jointReportDocx';
export {
  renderProposedListXlsx,
  proposedListTitle,
  PROPOSED_LIST_STATUS_LABELS,
  type ProposedListInput,
  type ProposedListRow,
  type ProposedListStatus,
} from './proposedListXlsx';
export {
  renderLedgerXlsx,
  ledgerTotalsByApplication,
  LEDGER_KIND_LABELS,
  type LedgerInput,
  type LedgerEntry,
  type LedgerEntryKind,
  type LedgerApplicationTotal,
} from './ledgerXlsx';
