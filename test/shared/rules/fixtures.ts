import type { EvaluationFacts } from '../../../shared/src/contracts/eligibility';
import { creditCodeCheckCharacter } from '../../../shared/src/rules/creditCode';

/** A valid code for the first 17 characters given. */
export function withCheck(first17: string): string {
  const check = creditCodeCheckCharacter(first17);
  if (check === null) throw new Error(`bad test code ${first17}`);
  return first17 + check;
}

// 伊美区 230717, valid check character.
export const YICHUN_CODE = '91230724Y4CL12TH89';

/** Facts that pass every rule and raise no warning (the first case of cases/eligibility.json). */
export function passingFacts(): EvaluationFacts {
  return {
    asOf: '2024-06-30',
    enterprise: {
      creditCode: YICHUN_CODE,
      registeredInYichun: true,
      independentLegalPerson: true,
      industrial: true,
      industryCode: 'C',
      alignedWithIndustrialPolicy: true,
      establishedOn: '2019-04-12',
      operatingNormally: true,
      badCreditRecord: false,
      seriousFiscalViolationWithin5Years: false,
      dishonestyRecord: false,
    },
    cloud: {
      firstPurchase: true,
      providerId: null,
      providerFiledOn: '2023-05-10',
      contractSignedOn: '2023-08-01',
      contractAmountFen: 12_000_000,
      paidAmountFen: 12_000_000,
    },
    history: { subsidyReceived: false, applicationInProgress: false },
    otherSubsidiesFen: 0,
  };
}

export interface FactsPatch {
  asOf?: string;
  enterprise?: Partial<EvaluationFacts['enterprise']>;
  cloud?: Partial<EvaluationFacts['cloud']>;
  history?: Partial<EvaluationFacts['history']>;
  otherSubsidiesFen?: number;
}

export function factsWith(patch: FactsPatch): EvaluationFacts {
  const base = passingFacts();
  return {
    ...base,
    ...(patch.asOf === undefined ? {} : { asOf: patch.asOf }),
    ...(patch.otherSubsidiesFen === undefined ? {} : { otherSubsidiesFen: patch.otherSubsidiesFen }),
    enterprise: { ...base.enterprise, ...patch.enterprise },
    cloud: { ...base.cloud, ...patch.cloud },
    history: { ...base.history, ...patch.history },
  };
}

/** A JSON request body, as a client would send it, with `mutate` applied to a deep copy. */
export function requestBody(mutate: (body: Record<string, unknown>) => void = () => undefined): Record<string, unknown> {
  const body = JSON.parse(JSON.stringify(passingFacts())) as Record<string, unknown>;
  mutate(body);
  return body;
}
