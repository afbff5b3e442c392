import type { Config } from '../../config';
import type { Database } from '../../db/database';
import type { RouteTable } from '../../http/routes';
import type { AuditTrail } from '../audit/audit';
import type { EligibilityService } from '../eligibility/eligibilityService';

export interface OfficialAccountDeps {
  config: Config;
  db: Database;
  audit: AuditTrail;
  eligibility: EligibilityService;
  now: () => number;
}

/** `/wechat/official-account` (spec/wechat.md) and the chatbot behind it. */
export function officialAccountRoutes(routes: RouteTable, deps: OfficialAccountDeps): void {
  void routes;
  void deps;
}
