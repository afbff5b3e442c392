/**
 * The enterprise's side of an application (DESIGN.md, "An application's life"): start it from the
 * eligibility check, fill it in step by step, record its payments, submit, correct after a return,
 * withdraw, and the view the enterprise gets back. What blocks a submit is ./readiness.ts.
 */
import type { Tx } from '../../db/tx';
import type { Actor } from '../actor';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors';
import { newId } from '../../ids';
import { assertSelectableProvider } from '../providers/registry';
import type { BankAccount, ContractInput, Declarations, PaymentInput } from '../../../../shared/src/contracts/application';
import { applicationMachine, LIVE_STATES, type ApplicationEvent } from '../../../../shared/src/workflow/application';
import type { ApplicationDeps } from './deps';
import { staleError } from './engine';
import { applicationVerdict, missingForSubmit } from './readiness';
import { EnterpriseService } from '../enterprises/enterprises';
import {
  applicationOfEnterpriseIn,
  applicationRowsOfMember,
  findApplication,
  insertApplication,
  type Application,
  type ApplicationRow,
  type JsonObject,
} from '../../db/applications';
import { enterpriseNames, isEnterpriseMember } from '../../db/enterprises';
import { appendEvent, historyOf } from '../../db/applications/history';
import { updateIfVersion } from '../../db/applications/locking';
import { insertPayment, paidSum, paymentsOf, removeManualPayment } from '../../db/applications/payments';
import { ledgerEntries } from '../../db/ledger';
import { opinionsOn } from '../../db/opinions';
import { moveStageCount } from '../../db/applications/stageCounts';
import { cite } from '../../../../shared/src/glossary/terms';
import { RoundService, roundNamesOf } from '../rounds/rounds';
import { roundName } from '../../../../shared/src/workflow/rounds';
import { versionOfApplication } from '../../../../shared/src/rules/parameters';
import { todayInShanghai } from '../../../../shared/src/rules/calendar';

const EDITABLE: readonly string[] = ['draft', 'returned'];

export interface DraftInput {
  contract?: ContractInput;
  declarations?: Declarations;
  bank?: BankAccount;
}

/**
 * The enterprise's side of an application: start from the eligibility check, fill in step by step,
 * see what is missing at every moment, submit, correct after a return, withdraw.
 */
export class DraftService {
  private readonly enterprises: EnterpriseService;
  private readonly rounds: RoundService;

  constructor(private readonly deps: ApplicationDeps) {
    this.enterprises = new EnterpriseService(deps.db, deps.audit, deps.now);
    this.rounds = new RoundService(deps);
  }

  /** 二（六）一户企业只能申领一次: one live application per credit code. */
  async start(auth: Actor, input: { enterpriseId: string; facts?: JsonObject | null }) {
    const now = this.deps.now();
    return this.deps.db.transaction(async (tx) => {
      const enterprise = await this.enterprises.assertMember(tx, input.enterpriseId, auth.userId);
      const live = await applicationOfEnterpriseIn(tx, enterprise.id, LIVE_STATES);
      if (live) {
        const label = applicationMachine.states[live.status].labels.applicant;
        throw new ConflictError(
          `${enterprise.name} 已有一份申请（${live.trackingNo ? `申报编号 ${live.trackingNo}，` : ''}${label}）。一户企业只能申领一次（细则二（六）），请继续办理那一份`,
          'application_exists',
          [{ path: 'applicationId', message: live.id }],
        );
      }
      const row: ApplicationRow = {
        id: newId(),
        trackingNo: null,
        enterpriseId: enterprise.id,
        providerId: null,
        countyCode: enterprise.countyCode,
        status: 'draft',
        version: 1,
        facts: input.facts ?? null,
        contractNo: null,
        contractSignedOn: null,
        contractAmountFen: null,
        paidAmountFen: 0,
        otherSubsidiesFen: 0,
        subsidyFen: null,
        verifiedFen: null,
        round: 0,
        createdBy: auth.userId,
        submittedAt: null,
        createdAt: now,
        updatedAt: now,
        contractStart: null,
        contractEnd: null,
        services: null,
        bankAccountName: null,
        bankName: null,
        bankAccountNo: null,
        returnedFrom: null,
        contractChanged: false,
        settlementFormId: null,
        providerEvaluation: null,
        verifiedReason: null,
        lastReason: null,
        reportId: null,
        listId: null,
      };
      await insertApplication(tx, row);
      await moveStageCount(tx, row.countyCode, null, 'draft');
      await this.event(tx, row.id, 'create', 'draft', 'draft', auth.userId, null, now);
      await this.deps.audit.append(tx, {
        action: 'application.create',
        actorId: auth.userId,
        entityType: 'application',
        entityId: row.id,
        data: { enterpriseId: enterprise.id },
      });
      return this.view(tx, (await findApplication(tx, row.id))!);
    });
  }

  async get(auth: Actor, id: string) {
    return this.deps.db.read(async (m) => this.view(m, await this.ownApplication(m, id, auth)));
  }

  async mine(auth: Actor) {
    return this.deps.db.read(async (m) => {
      const apps = await applicationRowsOfMember(m, auth.userId);
      // Someone acting for several enterprises must see whose application is whose.
      const names = await enterpriseNames(
        m,
        apps.map((a) => a.enterpriseId),
      );
      return apps
        .sort((a, b) => b.createdAt - a.createdAt)
        .map((a) => ({
          ...this.summary(a),
          enterpriseId: a.enterpriseId,
          enterpriseName: names.get(a.enterpriseId) ?? null,
        }));
    });
  }

  /**
   * Saves what the enterprise filled in. After a return, a change to the contract marks the
   * application for the provider's confirmation again; every change is kept in the history with
   * its old value (corrections never erase what was there).
   */
  async save(auth: Actor, id: string, version: number, input: DraftInput) {
    const now = this.deps.now();
    return this.deps.db.transaction(async (tx) => {
      const app = await this.ownApplication(tx, id, auth);
      if (!EDITABLE.includes(app.status))
        throw new ConflictError(`申请当前为“${applicationMachine.states[app.status].labels.applicant}”，不能修改`, 'not_editable');
      if (app.version !== version) throw staleError();
      const set: Partial<ApplicationRow> = {};
      if (input.contract) {
        await assertSelectableProvider(tx, input.contract.providerId, {
          signedOn: input.contract.signedOn,
          namedAlready: app.providerId === input.contract.providerId,
        });
        Object.assign(set, {
          providerId: input.contract.providerId,
          contractNo: input.contract.contractNo,
          contractSignedOn: input.contract.signedOn,
          contractStart: input.contract.start,
          contractEnd: input.contract.end,
          contractAmountFen: input.contract.amountFen,
          services: input.contract.services,
        });
      }
      if (input.bank)
        Object.assign(set, { bankAccountName: input.bank.accountName, bankName: input.bank.bankName, bankAccountNo: input.bank.accountNo });
      if (input.declarations)
        Object.assign(set, {
          otherSubsidiesFen: input.declarations.otherSubsidiesFen,
          facts: { ...(app.facts ?? {}), declarations: input.declarations },
        });
      const changes: Record<string, [unknown, unknown]> = {};
      for (const [k, v] of Object.entries(set)) {
        const old = (app as unknown as Record<string, unknown>)[k];
        if (JSON.stringify(old) !== JSON.stringify(v)) changes[k] = [old, v];
      }
      const contractFields = [
        'providerId',
        'contractNo',
        'contractSignedOn',
        'contractStart',
        'contractEnd',
        'contractAmountFen',
        'services',
      ];
      if (app.status === 'returned' && Object.keys(changes).some((k) => contractFields.includes(k))) set.contractChanged = true;
      if (!(await updateIfVersion(tx, id, version, set, now))) throw staleError();
      if (Object.keys(changes).length) {
        await this.event(tx, id, 'edit', app.status, app.status, auth.userId, { changes: redactChanges(changes) }, now);
        await this.deps.audit.append(tx, {
          action: 'application.edit',
          actorId: auth.userId,
          entityType: 'application',
          entityId: id,
          data: { fields: Object.keys(changes) },
        });
      }
      return this.view(tx, (await findApplication(tx, id))!);
    });
  }

  async addPayment(auth: Actor, id: string, version: number, input: PaymentInput) {
    return this.changePayments(auth, id, version, async (tx, now) => {
      await insertPayment(tx, {
        id: newId(),
        applicationId: id,
        amountFen: input.amountFen,
        paidOn: input.paidOn,
        method: input.method,
        reference: input.reference ?? null,
        source: 'manual',
        verified: false,
        recordedBy: auth.userId,
        createdAt: now,
        removedAt: null,
        paymentRequestId: null,
      });
    });
  }

  async removePayment(auth: Actor, id: string, version: number, paymentId: string) {
    return this.changePayments(auth, id, version, async (tx, now) => {
      if (!(await removeManualPayment(tx, id, paymentId, now))) throw new NotFoundError('没有这笔付款记录（平台记录的微信支付不能删除）');
    });
  }

  /** Payments are part of the contract facts: the paid amount is their sum, and a change after a return needs the provider again. */
  private async changePayments(auth: Actor, id: string, version: number, change: (tx: Tx, now: number) => Promise<void>) {
    const now = this.deps.now();
    return this.deps.db.transaction(async (tx) => {
      const app = await this.ownApplication(tx, id, auth);
      if (!EDITABLE.includes(app.status))
        throw new ConflictError(`申请当前为“${applicationMachine.states[app.status].labels.applicant}”，付款记录不能修改`, 'not_editable');
      if (app.version !== version) throw staleError();
      await change(tx, now);
      const paid = await paidSum(tx, id);
      const paidColumns = { paidAmountFen: paid, contractChanged: app.status === 'returned' ? true : app.contractChanged };
      if (!(await updateIfVersion(tx, id, version, paidColumns, now))) throw staleError();
      await this.event(tx, id, 'payments', app.status, app.status, auth.userId, { paidAmountFen: [app.paidAmountFen, paid] }, now);
      await this.deps.audit.append(tx, {
        action: 'application.payments',
        actorId: auth.userId,
        entityType: 'application',
        entityId: id,
        data: { paidAmountFen: paid },
      });
      return this.view(tx, (await findApplication(tx, id))!);
    });
  }

  /** submit (from draft) and resubmit (after a return) re-run the rules on the application's own data. */
  async submit(auth: Actor, id: string, version: number) {
    return this.deps.db.transaction(async (tx) => {
      const app = await this.ownApplication(tx, id, auth);
      const event: ApplicationEvent = app.status === 'returned' ? 'resubmit' : 'submit';
      // Issue 18: only inside an open round's window; a correction until its own deadline.
      const round = await this.rounds.roundForSubmission(tx, app);
      const missing = await missingForSubmit(tx, app);
      if (missing.length) throw new InvalidInputError(`还有 ${missing.length} 项需要补充，请补全后再提交`, missing);
      const now = this.deps.now();
      const verdict = await applicationVerdict(tx, app, now);
      const policyVersion = versionOfApplication(app.policyVersionId ?? null, todayInShanghai(new Date(now)));
      if (!verdict.eligible) {
        throw new InvalidInputError(
          `不符合申报条件：${verdict.failures.map((f) => `${cite(f.clause)}：${f.message}`).join('；')}`,
          verdict.failures.map((f) => ({ path: `eligibility.${f.rule}`, message: `${cite(f.clause)}：${f.message}` })),
        );
      }
      const outcome = await this.deps.engine.run(tx, id, {
        event,
        auth,
        expectedVersion: version,
        actorRole: 'enterprise',
        context: { ruleFailures: 0, missingMaterials: 0 },
        columns: {
          subsidyFen: verdict.subsidyFen,
          submittedAt: app.submittedAt ?? this.deps.now(),
          facts: { ...(app.facts ?? {}), verdictAtSubmit: verdict as unknown as JsonObject },
          contractChanged: false,
          lastReason: null,
          roundId: round.id,
          correctionDueOn: null,
          // Issue 18 item 3: the version of the first submission's day, kept through corrections (parameters.ts).
          policyVersionId: policyVersion.id,
        },
        data: {
          subsidyFen: verdict.subsidyFen,
          roundId: round.id,
          policyVersionId: policyVersion.id,
          warnings: verdict.warnings.map((w) => w.rule),
        },
      });
      return this.view(tx, outcome.application, roundName(round));
    });
  }

  async withdraw(auth: Actor, id: string, version: number, reason: string | null) {
    return this.deps.db.transaction(async (tx) => {
      await this.ownApplication(tx, id, auth);
      const outcome = await this.deps.engine.run(tx, id, {
        event: 'withdraw',
        auth,
        expectedVersion: version,
        actorRole: 'enterprise',
        reason,
      });
      return this.view(tx, outcome.application);
    });
  }

  async history(auth: Actor, id: string) {
    return this.deps.db.read(async (m) => {
      await this.ownApplication(m, id, auth);
      const rows = await historyOf(m, id);
      // Reviewers' internal notes never reach the enterprise.
      return rows.map((r) => ({
        seq: r.seq,
        event: r.event,
        from: r.fromStatus,
        to: r.toStatus,
        toLabel: applicationMachine.states[r.toStatus as Application['status']]?.labels.applicant ?? r.toStatus,
        reason: r.reason,
        at: r.createdAt,
        data: r.event === 'edit' || r.event === 'payments' ? r.data : null,
      }));
    });
  }

  async ownApplication(m: Tx, id: string, auth: Actor): Promise<Application> {
    const app = await findApplication(m, id);
    if (!app || !(await isEnterpriseMember(m, app.enterpriseId, auth.userId)))
      throw new NotFoundError('没有这份申请，或您不是该企业的成员');
    return app;
  }

  private summary(a: Application) {
    const labels = applicationMachine.states[a.status].labels;
    return {
      id: a.id,
      trackingNo: a.trackingNo,
      status: a.status,
      statusLabel: labels.applicant,
      version: a.version,
      contractAmountFen: a.contractAmountFen,
      subsidyFen: a.subsidyFen,
      verifiedFen: a.verifiedFen,
      updatedAt: a.updatedAt,
    };
  }

  /** `knownRound`: the round's name when the caller has it (a submission), saving the read. */
  private async view(m: Tx, a: Application, knownRound?: string) {
    // Issue 18: the enterprise sees its round and, when returned, by when to correct.
    const round = a.roundId ? (knownRound ?? (await roundNamesOf(m, [a.roundId])).get(a.roundId) ?? null) : null;
    const payments = await paymentsOf(m, a.id, 'recorded');
    // The enterprise sees each opinion's reasons, never a reviewer's internal note.
    const opinions = await opinionsOn(m, a.id);
    const editable = EDITABLE.includes(a.status);
    // The money as the ledger has it: payments, corrections and returned payments, the account shown by its last four digits.
    const ledger = await ledgerEntries(m, a.id);
    return {
      application: {
        ...this.summary(a),
        enterpriseId: a.enterpriseId,
        countyCode: a.countyCode,
        contract: {
          providerId: a.providerId,
          contractNo: a.contractNo,
          signedOn: a.contractSignedOn,
          start: a.contractStart,
          end: a.contractEnd,
          amountFen: a.contractAmountFen,
          services: a.services,
        },
        declarations: ((a.facts ?? {}) as { declarations?: Declarations }).declarations ?? null,
        bank: { accountName: a.bankAccountName, bankName: a.bankName, accountNo: a.bankAccountNo },
        paidAmountFen: a.paidAmountFen,
        payments: payments
          .filter((p) => p.removedAt === null)
          .map((p) => ({
            id: p.id,
            amountFen: p.amountFen,
            paidOn: p.paidOn,
            method: p.method,
            reference: p.reference,
            source: p.source,
            verified: p.verified,
            paymentRequestId: p.paymentRequestId,
          })),
        lastReason: a.lastReason,
        returnedFrom: a.returnedFrom,
        roundName: round,
        correctionDueOn: a.status === 'returned' ? (a.correctionDueOn ?? null) : null,
        opinions: opinions.map((o) => ({
          level: o.level,
          department: o.department,
          decision: o.decision,
          reasons: o.reasons,
          round: o.round,
          at: o.createdAt,
        })),
        submittedAt: a.submittedAt,
        disbursements: ledger.map((d) => ({
          kind: d.kind,
          amountFen: d.amountFen,
          paidOn: d.paidOn,
          bankName: d.bankName,
          accountNo: `****${d.accountNo.slice(-4)}`,
          recordedAt: d.createdAt,
        })),
        disbursedFen: ledger.reduce((sum, d) => sum + d.amountFen, 0),
      },
      missing: editable ? await missingForSubmit(m, a) : [],
      editable,
    };
  }

  private async event(
    tx: Tx,
    applicationId: string,
    event: string,
    from: string,
    to: string,
    actorId: string,
    data: Record<string, unknown> | null,
    now: number,
  ) {
    await appendEvent(tx, {
      id: newId(),
      applicationId,
      event,
      fromStatus: from,
      toStatus: to,
      actorId,
      actorRole: 'enterprise',
      reason: null,
      internalNote: null,
      data,
      createdAt: now,
    });
  }
}

/** The history keeps old values, but a bank account number only by its last four digits. */
function redactChanges(changes: Record<string, [unknown, unknown]>): Record<string, [unknown, unknown]> {
  const out = { ...changes };
  if (out.bankAccountNo)
    out.bankAccountNo = out.bankAccountNo.map((v) => (typeof v === 'string' ? `****${v.slice(-4)}` : v)) as [unknown, unknown];
  return out;
}
