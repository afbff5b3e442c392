/**
 * The declared interface of a policy pack (issue 18 item 4, DESIGN "Rounds, policy versions, packs"):
 * everything one city's subsidy has of its own — its counties, the policy's title, versions and
 * parameters, its contact, its number patterns and the words of its forms, documents and answers.
 * The rest of the code reads these through `policyPack()` (./active.ts) at the moment it needs them,
 * never into a module-level constant, so that a pack installed at start-up (or in a test) is the one
 * every text and rule sees. One server serves one pack.
 *
 * Areas of the pack that grow with the product (documents' wording, chatbot answers, screens' words)
 * are declared in their own interfaces below and filled in by each pack's files of the same name.
 */

import type { EvaluationFacts } from '../rules/facts';

/** A fraction of integers, so that money never passes through a float. */
export interface Rational {
  readonly numerator: number;
  readonly denominator: number;
}

/** A county-level division the city's subsidy is run in (GB/T 2260 code). */
export interface County {
  readonly code: string;
  readonly name: string;
}

/** The parameters one version of the policy sets; each with the clause it rests on in `PolicyVersion.clauses`. */
export interface PolicyParameters {
  /** Share of the contract amount paid (一: 按照云服务合同额的50%给予补助). */
  readonly subsidyRate: Rational;
  /** Cap per enterprise in fen (一: 单户企业最高不超过10万元). */
  readonly subsidyCapFen: number;
  /** 二（二）企业成立时间不低于1年. */
  readonly minYearsEstablished: number;
  /** 二（三）企业近5年内未出现过财政资金方面的严重违法违规情况. */
  readonly fiscalViolationLookbackYears: number;
  /** 二（一）/（四）工业企业: GB/T 4754 sections (门类). */
  readonly industrialSections: readonly string[];
}

/**
 * One version of the policy: what is in force from `effectiveFrom` until the next version's date.
 * A revision is added as code (a new entry, reviewed and tested like any rule), never edited in a
 * database and never edited in place once applications were judged under it.
 */
export interface PolicyVersion {
  /** Stable id recorded on every application judged under this version. */
  readonly id: string;
  /** First day ('YYYY-MM-DD') the version applies. */
  readonly effectiveFrom: string;
  /** The 文号 of the document that issued or revised the policy, as a person reads it. */
  readonly source: string;
  /** The words of the policy each parameter comes from, for cards and documents. */
  readonly wording: Readonly<Record<keyof PolicyParameters, string>>;
  readonly parameters: PolicyParameters;
  /**
   * Conditions of this city's policy beyond the built-in rules of spec/eligibility.md (a pack's "one
   * extra condition"), judged after them and reported as failures the same way. Absent: none.
   */
  readonly extraRules?: readonly PackExtraRule[];
}

/**
 * A condition a city's policy adds to the built-in rules, as a pure function of the same facts the
 * built-in rules read (facts.asOf resolved). Its failure is reported as `{ rule: id, clause, message }`.
 */
export interface PackExtraRule {
  /** Stable id on the wire (lower-case words joined by '-'), distinct from the built-in rule ids. */
  readonly id: string;
  /** The clause of the city's policy it rests on, e.g. '二（七）'. */
  readonly clause: string;
  /** Short Chinese name of the condition, for cards and checklists. */
  readonly label: string;
  fails(facts: EvaluationFacts): boolean;
  /** What the applicant should do, in Chinese, made specific to the facts where that helps. */
  message(facts: EvaluationFacts): string;
}

export interface PackCity {
  /** The city's name as the policy writes it (…市). */
  readonly name: string;
  /** The name without 市: '<shortName>优惠' in the providers' registry; longer forms are the pack's own texts. */
  readonly shortName: string;
  /** GB/T 2260 prefix of the city's division codes (four digits), for 二（一） and the credit code's region. */
  readonly regionPrefix: string;
  /** The city bureaus by the names documents and answers use. */
  readonly miitBureau: string;
  readonly miitBureauShort: string;
  readonly financeBureau: string;
  readonly financeBureauShort: string;
}

export interface PackContact {
  /** The policy's clause that names it (五、联系方式). */
  readonly clause: string;
  readonly department: string;
  readonly phone: string;
}

export interface PackNumbers {
  /** 备案编号 of a provider's filing, the n-th of the year, e.g. <abbr>云备〔2026〕001号. */
  filingNo(year: number, n: number): string;
  /** Whether a text is a 备案编号 this pack issues. */
  readonly filingNoPattern: RegExp;
  /** Letters before the year in an application's 申报编号 (YC2026000001). */
  readonly trackingPrefix: string;
}

/**
 * The words of the documents the bureau prints (server/src/documents: 备案申报书, 兑付申请表, the county's
 * joint report, 拟补贴名单, 拨付台账) that a second city writes its own way. The documents build their
 * titles and fixed sentences from these, the city's names (`city`) and the policy's title (`title`).
 */
export interface PackDocumentWords {
  /**
   * The subsidy as the documents' titles name it after a place ('工业企业上云补助'): the city's 兑付申请表,
   * 拟补贴名单 and 拨付台账 are `${city.name}${subsidyName}…`, a county's 审核意见汇总表 `${county}${subsidyName}…`.
   */
  readonly subsidyName: string;
  /**
   * The 备案申报书 (三（二）1) after the city's name, in the two lines its cover sets: ['“企业上云”云服务商', '备案申报书'];
   * its title is the city's name and the lines joined.
   */
  readonly filingFormName: readonly [string, string];
  /** 主送机关 of a county's joint report (三（四）联合行文报送市工信局、市财政局): '市工业和信息化局、市财政局：'. */
  readonly jointReportAddressees: string;
  /** A county's 文号 as it writes one (year in 〔〕, ending in 号), for the examples of hints and messages. */
  readonly docNoExample: string;
}

/**
 * What the official account's chatbot says that is the city's own (server/src/modules/officialAccount/
 * texts.ts): the service's name and the policy's clauses as the account answers 政策, 条件, 材料, 流程 and
 * 备案 — each a line, clause cited, as the city's policy words it. The chatbot adds its own lines around
 * them (what to reply next); amounts in force come from the version, the contact from `contact`.
 */
export interface PackChatWords {
  /** What the account calls itself in 帮助 and its welcome: '<city>工业企业上云补助'. */
  readonly serviceName: string;
  /** 政策: the standard, with the rate ('50%') and the cap ('10万元') of the version in force. */
  policyStandard(rate: string, cap: string): string;
  /** 政策: the lines after the example (other money rules: 就高不重复 …). */
  readonly policyNotes: readonly string[];
  /** 条件: a heading line, then every condition (and any duty of the provider's) a line each. */
  readonly conditions: readonly string[];
  /** 材料: a heading line, then the enterprise's materials a line each. */
  readonly materials: readonly string[];
  /** 流程: a heading line, then the steps a line each. */
  readonly process: readonly string[];
  /** 备案: a heading line, then the provider's filing duty, requirements and materials. */
  readonly filing: readonly string[];
}

/**
 * The words of the provider's filing (三（一）（二）) that are the city's own text rather than the
 * product's: the form's 声明, its pledge on the offers, and the five conditions of 三（一） as the policy
 * states them. Short phrases that only name the city are built from `city` instead; the form's printed
 * title is the documents' (`documents`).
 */
export interface PackFormWords {
  /** The form's 声明, paragraph by paragraph, word for word: accepted in the app and signed on paper. */
  readonly filingDeclaration: readonly string[];
  /** 五、优惠政策: the box the provider ticks to pledge that its offers to the city's enterprises will be honoured. */
  readonly offersPledge: string;
  /** 三（一）1–5: the five conditions a provider must meet to be filed, in the policy's words, in order. */
  readonly filingConditions: readonly [string, string, string, string, string];
}

export interface PolicyPack {
  /** The policy id on the wire (spec/eligibility.md: "policy": "yichun-2023-cloud"). */
  readonly id: string;
  /** The policy's title, as its heading reads (《…实施细则》 without the marks). */
  readonly title: string;
  /** The platform's name as documents and answers sign it. */
  readonly platformName: string;
  readonly city: PackCity;
  readonly counties: readonly County[];
  readonly contact: PackContact;
  /** Ascending by `effectiveFrom`; the first is the policy as issued. */
  readonly versions: readonly PolicyVersion[];
  readonly numbers: PackNumbers;
  /** The printed documents' words of the city's own. */
  readonly documents: PackDocumentWords;
  /** The chatbot's words of the city's own. */
  readonly chat: PackChatWords;
  /** The filing form's and 备案条件's words of the city's own. */
  readonly forms: PackFormWords;
}
