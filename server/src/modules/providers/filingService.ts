import type { Database } from '../../db/database';
import { filesOf } from '../../db/files';
import {
  appendFilingEvent,
  filingCountsByStatus,
  filingHistory,
  filingMaterialKinds,
  findFiling,
  findFilingOfOwner,
  insertFiling,
  listFilings,
  moveFiling,
  nextFilingNumber,
  saveFilingForm,
  type Filing,
} from '../../db/providers';
import type { Tx } from '../../db/tx';
import { insertGrant } from '../../db/users';
import type { Actor } from '../actor';
import { hasRole } from '../actor';
import { DomainError, ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../errors';
import { newId } from '../../ids';
import type { AuditTrail } from '../audit/audit';
import { enqueueNotifications, holdersOf } from '../notifications/outbox';
import type { TemplateName } from '../notifications/templates';
import {
  assignItemIds,
  parseProviderFilingDraft,
  validateForSubmit,
  type ProviderFilingForm,
} from '../../../../shared/src/contracts/providerFiling';
import { filingMachine, type FilingEffect, type FilingEvent, type FilingState } from '../../../../shared/src/workflow/providerFiling';
import { transition } from '../../../../shared/src/workflow/machine';
import { todayInShanghai } from '../../../../shared/src/rules/calendar';
import { evidenceFields, materialLabel } from './conditions';
import { confirmedConditionCount, FILING_CONDITIONS } from '../../../../shared/src/rules/filingConditions';
import { ratingRecordOf } from './ratingRecord';
import { policyPack } from '../../../../shared/src/pack';

/** Roles that review or administer may not also file as a provider: they would judge their own filing. */
export const REVIEWER_ROLES = ['city_miit', 'city_finance', 'county_miit', 'county_finance', 'admin'] as const;

export interface ReviewInput {
  version: number;
  reason?: string | null;
  /** Returns name what to fix: a field path of the form or a material kind, with the words to show. */
  reasons?: { path?: string | null; message: string }[];
  /** Approve: the numbers (1–5) of the conditions of 三（一） the reviewer checked against the evidence. */
  conditions?: number[];
}

/**
 * One review action, after Medusa's order actions: `validate` reads and refuses (nothing written),
 * `apply` writes the state's own columns; history, audit and notifications are written by `act`.
 */
type Checked = { reason: string | null; conditionsConfirmed: number; formProblems: number };
type Applied = Partial<Pick<Filing, 'approvedOn' | 'filingNo' | 'revokedOn' | 'submittedAt'>>;

interface FilingAction {
  event: FilingEvent;
  validate(tx: Tx, filing: Filing, input: ReviewInput): Checked | Promise<Checked>;
  apply(tx: Tx, filing: Filing, now: number): Applied | Promise<Applied>;
}

function reasonText(input: ReviewInput): string | null {
  const parts = [...(input.reasons ?? []).map((r) => r.message.trim()), input.reason?.trim() ?? ''].filter((s) => s.length > 0);
  return parts.length ? parts.join('；') : null;
}

export class FilingService {
  private readonly actions: Record<Exclude<FilingEvent, 'submit'> | 'submit', FilingAction>;

  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    private readonly now: () => number = Date.now,
  ) {
    const today = () => todayInShanghai(new Date(this.now()));
    this.actions = {
      submit: {
        event: 'submit',
        validate: async (tx, filing) => {
          const problems = validateForSubmit(filing.form, await filingMaterialKinds(tx, filing.id), { today: today() });
          if (problems.length)
            throw new InvalidInputError(`备案申报书还有 ${problems.length} 处需要补充或修改，请逐项处理后再提交`, problems);
          return { reason: null, conditionsConfirmed: 0, formProblems: 0 };
        },
        apply: (_tx, _f, now) => ({ submittedAt: now }),
      },
      approve: {
        event: 'approve',
        validate: (_tx, _f, input) => ({
          reason: reasonText(input),
          formProblems: 0,
          conditionsConfirmed: confirmedConditionCount(input.conditions ?? []),
        }),
        // 三（一）: the approval date is the server's date at this moment, never typed in.
        apply: async (tx) => {
          const year = today().slice(0, 4);
          const n = await nextFilingNumber(tx, year);
          return { approvedOn: today(), filingNo: policyPack().numbers.filingNo(Number(year), n) };
        },
      },
      return: {
        event: 'return',
        validate: (_tx, _f, input) => ({ reason: reasonText(input), formProblems: 0, conditionsConfirmed: 0 }),
        apply: () => ({}),
      },
      reject: {
        event: 'reject',
        validate: (_tx, _f, input) => ({ reason: reasonText(input), formProblems: 0, conditionsConfirmed: 0 }),
        apply: () => ({}),
      },
      // A revoked filing counts only for contracts signed before this date (spec/eligibility.md).
      revoke: {
        event: 'revoke',
        validate: (_tx, _f, input) => ({ reason: reasonText(input), formProblems: 0, conditionsConfirmed: 0 }),
        apply: () => ({ revokedOn: today() }),
      },
    };
  }

  // ---- reading ---------------------------------------------------------------------------------

  /** The owner sees their filing; city MIIT and admins see any. Others get 404, not a hint that it exists. */
  private canSee(auth: Actor, filing: Filing): boolean {
    return filing.ownerUserId === auth.userId || hasRole(auth, 'city_miit', 'admin');
  }

  async get(auth: Actor, id: string) {
    const filing = await this.db.read((tx) => findFiling(tx, id));
    if (!filing || !this.canSee(auth, filing)) throw new NotFoundError('没有这份备案申报，或您无权查看');
    const materials = await this.db.read((tx) => filingMaterialKinds(tx, id));
    const problems =
      filing.status === 'draft' || filing.status === 'returned'
        ? validateForSubmit(filing.form, materials, { today: todayInShanghai(new Date(this.now())) })
        : [];
    return { filing: this.view(filing), missing: problems };
  }

  async mine(auth: Actor) {
    const filing = await this.db.read((tx) => findFilingOfOwner(tx, auth.userId));
    return filing ? this.get(auth, filing.id) : null;
  }

  async queue(statuses: FilingState[], after: { updatedAt: number; id: string } | null, limit: number) {
    const [items, counts] = await this.db.read(
      async (tx) => [await listFilings(tx, { statuses, after, limit }), await filingCountsByStatus(tx)] as const,
    );
    const last = items[items.length - 1];
    return {
      items: items.map((f) => this.summary(f)),
      counts,
      next: items.length === limit && last ? `${last.updatedAt}.${last.id}` : null,
    };
  }

  async history(auth: Actor, id: string) {
    await this.get(auth, id);
    const rows = await this.db.read((tx) => filingHistory(tx, id));
    return rows.map((r) => ({
      seq: r.seq,
      event: r.event,
      from: r.fromStatus,
      to: r.toStatus,
      reason: r.reason,
      at: r.createdAt,
      byReviewer: r.event !== 'create' && r.event !== 'save' && r.event !== 'submit',
    }));
  }

  /** For city MIIT: the five conditions of 三（一）, each with its evidence from the form and the files. */
  async checklist(id: string) {
    const filing = await this.db.read((tx) => findFiling(tx, id));
    if (!filing) throw new NotFoundError('没有这份备案申报');
    const files = await this.db.read((tx) => filesOf(tx, 'provider', id));
    // The provider's record so far (issue 14 item 10): what the counties rated its service when they approved.
    const rating = await this.db.read((tx) => ratingRecordOf(tx, id));
    return {
      filing: this.summary(filing),
      ratingRecord: { effect: rating.effect, service: rating.service, text: rating.text },
      conditions: FILING_CONDITIONS.map((c) => ({
        no: c.no,
        clause: c.clause,
        text: c.text,
        fields: evidenceFields(filing.form, c.no),
        materials: c.materials.map((kind) => ({
          kind,
          label: materialLabel(kind),
          files: files.filter((f) => f.kind === kind).map((f) => ({ id: f.id, name: f.originalName })),
        })),
      })),
      otherMaterials: files
        .filter((f) => !FILING_CONDITIONS.some((c) => (c.materials as readonly string[]).includes(f.kind)))
        .map((f) => ({ id: f.id, kind: f.kind, label: materialLabel(f.kind), name: f.originalName })),
    };
  }

  async documentSource(auth: Actor, id: string): Promise<{ filing: Filing; materials: string[] }> {
    const filing = await this.db.read((tx) => findFiling(tx, id));
    if (!filing || !this.canSee(auth, filing)) throw new NotFoundError('没有这份备案申报，或您无权查看');
    return { filing, materials: await this.db.read((tx) => filingMaterialKinds(tx, id)) };
  }

  // ---- the provider's side -----------------------------------------------------------------------

  async create(auth: Actor, input: { form?: unknown }) {
    if (hasRole(auth, ...REVIEWER_ROLES))
      throw new ForbiddenError('审核人员和管理员不能以同一账号申报云服务商备案，请用服务商自己的微信登录');
    const form = this.parseForm(input.form ?? {});
    const now = this.now();
    return this.db.transaction(async (tx) => {
      const existing = await findFilingOfOwner(tx, auth.userId);
      if (existing && existing.status !== 'rejected' && existing.status !== 'revoked') {
        throw new ConflictError(
          `您已有一份备案申报（${existing.companyName || '未命名'}，${filingMachine.states[existing.status].labels.applicant}），请继续在那一份上办理`,
          'filing_exists',
          [{ path: 'id', message: existing.id }],
        );
      }
      const row: Filing = {
        id: newId(),
        ownerUserId: auth.userId,
        companyName: form.basic?.companyName ?? '',
        platformName: form.basic?.platformName ?? null,
        status: 'draft',
        filingNo: null,
        approvedOn: null,
        revokedOn: null,
        form: form,
        version: 1,
        submittedAt: null,
        createdAt: now,
        updatedAt: now,
      };
      await insertFiling(tx, row);
      await this.appendEvent(tx, row.id, { event: 'create', from: null, to: 'draft', actorId: auth.userId, reason: null, now });
      await this.audit.append(tx, {
        action: 'filing.create',
        actorId: auth.userId,
        entityType: 'provider',
        entityId: row.id,
        data: { companyName: row.companyName },
      });
      if (!auth.grants.some((g) => g.role === 'provider')) {
        const grantId = newId();
        await insertGrant(tx, {
          id: grantId,
          userId: auth.userId,
          role: 'provider',
          countyCode: null,
          grantedBy: null,
          invitationId: null,
          createdAt: now,
        });
        await this.audit.append(tx, {
          action: 'role.grant',
          actorId: auth.userId,
          entityType: 'user',
          entityId: auth.userId,
          data: { grantId, role: 'provider', via: 'filing', providerId: row.id },
        });
      }
      return this.view(row);
    });
  }

  /** Saves a draft: whatever is filled must be well-formed; completeness is checked only at submit. */
  async saveForm(auth: Actor, id: string, input: { version: number; form: unknown }) {
    const form = this.parseForm(input.form);
    const now = this.now();
    return this.db.transaction(async (tx) => {
      const filing = await findFiling(tx, id);
      if (!filing || filing.ownerUserId !== auth.userId) throw new NotFoundError('没有这份备案申报，或它不是您的');
      if (filing.status !== 'draft' && filing.status !== 'returned')
        throw new ConflictError(`备案申报当前为“${filingMachine.states[filing.status].labels.applicant}”，不能修改`, 'not_editable');
      const saved = await saveFilingForm(tx, id, input.version, {
        form,
        companyName: form.basic?.companyName ?? '',
        platformName: form.basic?.platformName ?? null,
        updatedAt: now,
      });
      if (!saved) throw staleError();
      await this.appendEvent(tx, id, { event: 'save', from: filing.status, to: filing.status, actorId: auth.userId, reason: null, now });
      await this.audit.append(tx, {
        action: 'filing.save',
        actorId: auth.userId,
        entityType: 'provider',
        entityId: id,
        data: { version: input.version + 1 },
      });
      return this.view((await findFiling(tx, id))!);
    });
  }

  // ---- transitions -------------------------------------------------------------------------------

  /**
   * Every transition is one transaction: the machine decides, a conditional UPDATE on (state,
   * version) makes sure nobody moved the filing meanwhile (409 otherwise), then the history row,
   * the audit row and the notifications are written with it — all or nothing.
   */
  async act(auth: Actor, id: string, event: FilingEvent, input: ReviewInput) {
    const action = this.actions[event];
    const now = this.now();
    return this.db.transaction(async (tx) => {
      const filing = await findFiling(tx, id);
      if (!filing || !this.canSee(auth, filing)) throw new NotFoundError('没有这份备案申报，或您无权查看');
      if (event === 'submit' && filing.ownerUserId !== auth.userId) throw new ForbiddenError('只有申报的服务商本人可以提交');
      if (filing.version !== input.version) throw staleError();
      const checked = await action.validate(tx, filing, input);
      const decided = transition(
        filingMachine,
        filing.status,
        event,
        auth.grants.map((g) => g.role),
        checked,
      );
      if (!decided.ok) {
        if (decided.reason === 'role_not_allowed') throw new ForbiddenError(decided.message);
        if (decided.reason === 'guard_failed')
          throw new InvalidInputError(decided.message, [
            { path: decided.guard === 'allConditionsConfirmed' ? 'conditions' : 'reason', message: decided.message },
          ]);
        throw new ConflictError(
          `${decided.message}：这份备案已是“${filingMachine.states[filing.status].labels.reviewer}”，请刷新后查看`,
          'invalid_transition',
        );
      }
      const columns = await action.apply(tx, filing, now);
      if (!(await moveFiling(tx, id, filing, { ...columns, status: decided.to, updatedAt: now }))) throw staleError();
      const after = (await findFiling(tx, id))!;
      await this.appendEvent(tx, id, {
        event,
        from: filing.status,
        to: decided.to,
        actorId: auth.userId,
        reason: checked.reason,
        now,
        data: { reasons: input.reasons ?? null, conditions: input.conditions ?? null, filingNo: after.filingNo },
      });
      await this.audit.append(tx, {
        action: `filing.${event}`,
        actorId: auth.userId,
        entityType: 'provider',
        entityId: id,
        data: {
          from: filing.status,
          to: decided.to,
          version: after.version,
          reason: checked.reason,
          filingNo: after.filingNo,
          approvedOn: after.approvedOn,
          revokedOn: after.revokedOn,
        },
      });
      await this.performEffects(tx, decided.effects, event, after, checked.reason, now);
      return this.view(after);
    });
  }

  private async performEffects(
    tx: Tx,
    effects: readonly FilingEffect[],
    event: FilingEvent,
    filing: Filing,
    reason: string | null,
    now: number,
  ): Promise<void> {
    const params = {
      filingId: filing.id,
      companyName: filing.companyName || '（未命名服务商）',
      filingNo: filing.filingNo ?? '',
      approvedOn: filing.approvedOn ?? '',
      revokedOn: filing.revokedOn ?? '',
      reason: reason ?? '',
    };
    const eventKey = `filing:${filing.id}:v${filing.version}:${event}`;
    for (const effect of effects) {
      if (effect === 'alertCityReviewers') {
        await enqueueNotifications(
          tx,
          { eventKey, recipientUserIds: await holdersOf(tx, 'city_miit'), template: 'filing.submitted', params, channels: ['oa_template'] },
          now,
        );
      } else if (effect === 'notifyProvider') {
        const template =
          `filing.${event === 'approve' ? 'approved' : event === 'return' ? 'returned' : event === 'reject' ? 'rejected' : 'revoked'}` as TemplateName;
        await enqueueNotifications(
          tx,
          { eventKey, recipientUserIds: [filing.ownerUserId], template, params, channels: ['mp_subscribe', 'oa_template'] },
          now,
        );
      }
      // assignFilingNumber is done by the approve action's apply(), inside this same transaction.
    }
  }

  private async appendEvent(
    tx: Tx,
    providerId: string,
    e: {
      event: string;
      from: string | null;
      to: string;
      actorId: string;
      reason: string | null;
      now: number;
      data?: Record<string, unknown>;
    },
  ): Promise<void> {
    await appendFilingEvent(tx, {
      id: newId(),
      providerId,
      event: e.event,
      fromStatus: e.from,
      toStatus: e.to,
      actorId: e.actorId,
      reason: e.reason,
      data: e.data ?? null,
      createdAt: e.now,
    });
  }

  private parseForm(input: unknown): ProviderFilingForm {
    const parsed = parseProviderFilingDraft(input);
    if (!parsed.ok)
      throw new InvalidInputError(
        parsed.message,
        parsed.details.map((d) => ({ path: `form.${d.path}`.replace(/\.$/, ''), message: d.message })),
      );
    return assignItemIds(parsed.form, newId);
  }

  private summary(f: Filing) {
    return {
      id: f.id,
      companyName: f.companyName,
      platformName: f.platformName,
      status: f.status,
      statusLabel: filingMachine.states[f.status].labels.reviewer,
      filingNo: f.filingNo,
      approvedOn: f.approvedOn,
      revokedOn: f.revokedOn,
      version: f.version,
      submittedAt: f.submittedAt,
      updatedAt: f.updatedAt,
    };
  }

  private view(f: Filing) {
    const labels = filingMachine.states[f.status].labels;
    return { ...this.summary(f), statusLabel: labels.reviewer, applicantLabel: labels.applicant, form: f.form, createdAt: f.createdAt };
  }
}

function staleError(): DomainError {
  return new ConflictError('这份备案申报已被修改或已被他人处理，请刷新后再操作', 'stale_version');
}
