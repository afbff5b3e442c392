/**
 * The documents' titles and fixed words that are the city's own (issue 18 item 4), built from the
 * installed pack each time a document is drawn — never kept in a constant, so that a pack installed after
 * import (at start-up, or in a test) is the one every document names.
 */
import { policyPack } from '../../../shared/src/pack';

/** The city's subsidy as titles name it: the city's name and the subsidy's (兑付申请表, 拟补贴名单, 拨付台账). */
export function citySubsidyName(): string {
  const pack = policyPack();
  return `${pack.city.name}${pack.documents.subsidyName}`;
}

/** The 备案申报书's cover lines (三（二）1): the city's name opens the first. */
export function filingFormTitleLines(): readonly [string, string] {
  const pack = policyPack();
  const [first, second] = pack.documents.filingFormName;
  return [`${pack.city.name}${first}`, second];
}

/** The 备案申报书's name in one line, as its document title. */
export function filingFormTitle(): string {
  return filingFormTitleLines().join('');
}

/** The 兑付申请表's name (三（三）1). */
export function settlementFormTitle(): string {
  return `${citySubsidyName()}兑付申请表`;
}

/** The joint report's title when the county gives none. */
export function jointReportDefaultTitle(): string {
  return `关于报送${citySubsidyName()}审核意见的报告`;
}

/** 主送机关 of the joint report: the two city departments of 三（四）. */
export function jointReportAddressees(): string {
  return policyPack().documents.jointReportAddressees;
}

/** The attachment of a county's joint report: its table of opinions. */
export function jointReportAttachmentTitle(countyName: string): string {
  return `${countyName}${policyPack().documents.subsidyName}审核意见汇总表`;
}

/** The disbursement ledger's title when none is given. */
export function ledgerDefaultTitle(): string {
  return `${citySubsidyName()}资金拨付台账`;
}

/** '2026年…拟补贴名单（第2批）' (三（五）). */
export function proposedListTitle(year: number, batchNo: number): string {
  return `${year}年${citySubsidyName()}拟补贴名单（第${batchNo}批）`;
}

/** Who signs a generated file as its author (the document's properties). */
export function documentCreator(): string {
  return policyPack().platformName;
}
