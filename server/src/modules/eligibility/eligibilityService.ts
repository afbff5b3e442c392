import type { Config } from '../../config';
import type { Database } from '../../db/database';
import { InvalidInputError } from '../errors';
import type { Actor } from '../actor';
import { parseEligibilityFacts, type EligibilityFacts } from '../../../../shared/src/contracts/eligibility';
import type { Evaluation } from '../../../../shared/src/contracts/responses/eligibility';
import { firstEffectiveFrom, versionOn, versionRef } from '../../../../shared/src/rules/parameters';
import { evaluateEligibility } from '../../../../shared/src/rules/eligibility';
import { todayInShanghai } from '../../../../shared/src/rules/calendar';
import { policyPack } from '../../../../shared/src/pack';
import { describeFlow, type FlowDescription } from '../../../../shared/src/rules/flow/questions';
import { providerFilingDates } from '../../db/providers';
import { memberEnterpriseByCreditCode } from '../../db/enterprises';
import { applicationStatesOfEnterprise } from '../../db/applications';

/** An application in one of these states is no longer "in progress" for 二（六） (spec: rejected or withdrawn do not count). */
const CLOSED_STATES = ['draft', 'rejected', 'withdrawn', 'disbursed'];

export class EligibilityService {
  private flowCache: { on: string; flow: FlowDescription } | null = null;

  constructor(
    private readonly db: Database,
    private readonly config: Pick<Config, 'policyEffectiveFrom'>,
    private readonly now: () => number = Date.now,
  ) {}

  /** The questions and the estimate with the parameters in force today (cached for the day). */
  describeFlow(): FlowDescription {
    const today = todayInShanghai(new Date(this.now()));
    if (this.flowCache?.on !== today) this.flowCache = { on: today, flow: describeFlow(today) };
    return this.flowCache.flow;
  }

  /** What the policy pays and from when: for the home screen and the chatbot's 政策 answer. */
  policy() {
    const today = todayInShanghai(new Date(this.now()));
    const { estimate, contact, title, policy } = this.describeFlow();
    // 四（二）自发布之日起施行: the text has no date, so the bureau sets it (POLICY_EFFECTIVE_FROM).
    return {
      policy,
      title,
      effectiveFrom: this.config.policyEffectiveFrom ?? firstEffectiveFrom(),
      asOf: today,
      ratePercent: estimate.ratePercent,
      capFen: estimate.capFen,
      formula: estimate.formula,
      contact,
    };
  }

  /**
   * spec/eligibility.md: nothing is stored. A provider named by id brings its approval (and
   * revocation) date from the record; the caller's own enterprise brings its history from ours.
   */
  async evaluate(input: unknown, auth: Actor | undefined): Promise<Evaluation> {
    const parsed = parseEligibilityFacts(input);
    if (!parsed.ok) throw new InvalidInputError(parsed.message, parsed.details);
    const facts: EligibilityFacts = parsed.facts;
    const asOf = facts.asOf ?? todayInShanghai(new Date(this.now()));

    const providerId = facts.cloud.providerId;
    if (providerId !== undefined && providerId !== null) {
      const record = await this.db.read((tx) => providerFilingDates(tx, providerId));
      // Only a provider the city approved (and perhaps revoked since) counts as filed.
      const filing = record && (record.status === 'approved' || record.status === 'revoked') && record.approvedOn !== null ? record : null;
      if (!filing)
        throw new InvalidInputError(`所选云服务商未在${policyPack().city.name}工信局备案，请从已备案服务商名录中选择`, [
          { path: 'cloud.providerId', message: '没有这个已备案的云服务商' },
        ]);
      facts.cloud = { ...facts.cloud, providerFiledOn: filing.approvedOn, providerRevokedOn: filing.revokedOn };
    } else {
      // Only the record may say a filing was revoked; a caller cannot claim it either way.
      facts.cloud = { ...facts.cloud, providerRevokedOn: null };
    }

    if (auth) {
      const history = await this.historyOfOwnEnterprise(auth.userId, facts.enterprise.creditCode);
      if (history) facts.history = history;
    }
    // Issue 18 item 3: judged under the version in force on the day of application, and the answer says which.
    const version = versionOn(asOf);
    return { ...evaluateEligibility({ ...facts, asOf }, version), policyVersion: versionRef(version) };
  }

  /** Consulted only for an enterprise the caller belongs to: this endpoint must not reveal another's applications. */
  private async historyOfOwnEnterprise(userId: string, creditCode: string): Promise<EligibilityFacts['history'] | null> {
    const enterpriseId = await this.db.read((tx) => memberEnterpriseByCreditCode(tx, creditCode, userId));
    if (!enterpriseId) return null;
    const states = await this.db.read((tx) => applicationStatesOfEnterprise(tx, enterpriseId));
    return {
      subsidyReceived: states.includes('disbursed'),
      applicationInProgress: states.some((s) => !CLOSED_STATES.includes(s)),
    };
  }
}
