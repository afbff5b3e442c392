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
  /** '伊春市'. */
  readonly name: string;
  /** '伊春': in '伊春优惠', '伊春市企业优惠价' the pack's texts say what they need. */
  readonly shortName: string;
  /** GB/T 2260 prefix of the city's division codes ('2307'), for 二（一） and the credit code's region. */
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
  /** 备案编号 of a provider's filing, the n-th of the year: 伊云备〔2026〕001号. */
  filingNo(year: number, n: number): string;
  /** Whether a text is a 备案编号 this pack issues. */
  readonly filingNoPattern: RegExp;
  /** Letters before the year in an application's 申报编号 (YC2026000001). */
  readonly trackingPrefix: string;
}

export interface PolicyPack {
  /** The policy id on the wire (spec/eligibility.md: "policy": "yichun-2023-cloud"). */
  readonly id: string;
  /** The policy's title: 伊春市支持工业企业上云补助实施细则. */
  readonly title: string;
  /** The platform's name as documents and answers sign it. */
  readonly platformName: string;
  readonly city: PackCity;
  readonly counties: readonly County[];
  readonly contact: PackContact;
  /** Ascending by `effectiveFrom`; the first is the policy as issued. */
  readonly versions: readonly PolicyVersion[];
  readonly numbers: PackNumbers;
}
