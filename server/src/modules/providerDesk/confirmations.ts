import { findApplication } from '../../db/applications';
import { applicationCountsOfProviders, applicationIdsOfProviders, applicationsByIds } from '../../db/applications/readers';
import { standingPaymentsOf } from '../../db/applications/payments';
import { enterpriseNames } from '../../db/enterprises';
import { providerIdsOfOwner, providerOwnerId } from '../../db/providers';
import type { Tx } from '../../db/tx';
import { type Actor } from '../actor';
import { countyName } from '../../../../shared/src/contracts/roles';
import { applicationMachine, type ApplicationState } from '../../../../shared/src/workflow/application';
import type { ApplicationDeps } from '../applications/deps';

import { statusView } from './settlementForms';
import { NotFoundError } from '../errors';
import { type Application } from '../../db/applications';

/**
 * The provider's confirmation (DESIGN.md "An application's life"): it confirms or disputes each
 * application that names it (state provider_check), with its 上云效果评价.
 */

export interface ProviderListQuery {
  statuses: ApplicationState[] | null;
  after: { updatedAt: number; id: string } | null;
  limit: number;
}

export class ProviderDesk {
  constructor(private readonly deps: ApplicationDeps) {}

  /**
   * An application naming one of the caller's provider records, else 404: a provider learns nothing
   * of applications that do not name it, not even that they exist. Drafts are the enterprise's own.
   */
  private async ownApplication(tx: Tx, auth: Actor, id: string): Promise<Application> {
    const app = await findApplication(tx, id);
    if (!app || app.status === 'draft' || !app.providerId) throw notFound();
    if ((await providerOwnerId(tx, app.providerId)) !== auth.userId) throw notFound();
    return app;
  }

  async list(auth: Actor, q: ProviderListQuery) {
    return this.deps.db.read(async (tx) => {
      const providerIds = await providerIdsOfOwner(tx, auth.userId);
      if (!providerIds.length) return { items: [], counts: {}, next: null };
      // Newest first: what a provider has to confirm arrived last. The limit is a validated integer.
      const apps = await applicationsByIds(tx, await applicationIdsOfProviders(tx, providerIds, q));
      const enterprises = await enterpriseNames(
        tx,
        apps.map((a) => a.enterpriseId),
      );
      const counts = await applicationCountsOfProviders(tx, providerIds);
      const last = apps[apps.length - 1];
      return {
        items: apps.map((a) => ({
          id: a.id,
          trackingNo: a.trackingNo,
          enterpriseName: enterprises.get(a.enterpriseId) ?? '',
          countyCode: a.countyCode,
          countyName: countyName(a.countyCode) ?? a.countyCode,
          contractNo: a.contractNo,
          contractAmountFen: a.contractAmountFen,
          appliedFen: a.subsidyFen,
          ...statusView(a.status),
          version: a.version,
          settlementFormId: a.settlementFormId,
          submittedAt: a.submittedAt,
          updatedAt: a.updatedAt,
        })),
        counts,
        next: apps.length === q.limit && last ? `${last.updatedAt}.${last.id}` : null,
      };
    });
  }

  /** Only what concerns the provider's own contract: not the enterprise's other materials, declarations or bank account. */
  async detail(auth: Actor, id: string) {
    return this.deps.db.read(async (tx) => {
      const app = await this.ownApplication(tx, auth, id);
      return this.view(tx, app);
    });
  }

  private async view(tx: Tx, app: Application) {
    const enterprise = await enterpriseNames(tx, [app.enterpriseId]);
    const payments = await standingPaymentsOf(tx, app.id);
    return {
      application: {
        id: app.id,
        trackingNo: app.trackingNo,
        ...statusView(app.status),
        applicantLabel: applicationMachine.states[app.status].labels.applicant,
        version: app.version,
        enterpriseName: enterprise.get(app.enterpriseId) ?? '',
        countyCode: app.countyCode,
        countyName: countyName(app.countyCode) ?? app.countyCode,
        contract: {
          no: app.contractNo,
          signedOn: app.contractSignedOn,
          start: app.contractStart,
          end: app.contractEnd,
          amountFen: app.contractAmountFen,
          services: app.services,
        },
        paidAmountFen: app.paidAmountFen,
        appliedFen: app.subsidyFen,
        payments: payments.map((p) => ({
          id: p.id,
          amountFen: p.amountFen,
          paidOn: p.paidOn,
          method: p.method,
          reference: p.reference,
          source: p.source,
          verified: p.verified,
        })),
        effectEvaluation: app.providerEvaluation,
        // Its own dispute, or a rejection (which it is told of anyway); a county's return speaks of the
        // enterprise's materials, which are none of the provider's business.
        lastReason: (app.status === 'returned' && app.returnedFrom === 'provider') || app.status === 'rejected' ? app.lastReason : null,
        settlementFormId: app.settlementFormId,
        submittedAt: app.submittedAt,
        updatedAt: app.updatedAt,
      },
    };
  }

  /** provider_check → county_review, with the provider's 上云效果评价 (it goes on the 兑付申请表). */
  async confirm(auth: Actor, id: string, input: { version: number; effectEvaluation: string }) {
    return this.deps.db.transaction(async (tx) => {
      await this.ownApplication(tx, auth, id);
      const out = await this.deps.engine.run(tx, id, {
        event: 'provider_confirm',
        auth,
        expectedVersion: input.version,
        columns: { providerEvaluation: input.effectEvaluation, contractChanged: false },
        actorRole: 'provider',
        data: { effectEvaluation: input.effectEvaluation },
      });
      return this.view(tx, out.application);
    });
  }

  /** provider_check → returned: the contract or payments do not match; the enterprise reads the reason. */
  async dispute(auth: Actor, id: string, input: { version: number; reason: string }) {
    return this.deps.db.transaction(async (tx) => {
      await this.ownApplication(tx, auth, id);
      const out = await this.deps.engine.run(tx, id, {
        event: 'provider_dispute',
        auth,
        expectedVersion: input.version,
        columns: { returnedFrom: 'provider', lastReason: input.reason },
        reason: input.reason,
        actorRole: 'provider',
      });
      return this.view(tx, out.application);
    });
  }
}

function notFound(): NotFoundError {
  return new NotFoundError('没有这份申请，或它没有选择您作为云服务商');
}
