/** Documents the bureau prints (DESIGN.md): forms generated from the data, in the seed's layout. */
export { renderFilingDocx, type FilingDocxMeta } from './filingDocx';
export { formatDateZh, formatPrice, formatWanYuan, formatYearMonthZh, formatYuan } from './common';
export { formatWanYuanExact, maskAccountNo, sumFen } from './common';
export {
  renderSettlementDocx,
  settlementVersionMark,
  type SettlementFormInput,
  type SettlementRow,
  type SettlementPrincipal,
  type SettlementContact,
} from './settlementDocx';
export {
  renderJointReportDocx,
  formatRating,
  RATING_WORDS,
  type JointReportInput,
  type JointReportRow,
  type Rating,
} from './jointReportDocx';
export {
  renderProposedListXlsx,
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
export {
  citySubsidyName,
  filingFormTitle,
  jointReportAddressees,
  jointReportDefaultTitle,
  ledgerDefaultTitle,
  proposedListTitle,
  settlementFormTitle,
} from './packWords';
