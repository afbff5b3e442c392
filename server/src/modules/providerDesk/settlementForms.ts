import type { Database } from '../../db/database';
import { applicationsByIds } from '../../db/applications/readers';
import { enterpriseNames } from '../../db/enterprises';
import { filesOf } from '../../db/files';
import { findFiling, providerIdsOfOwner, providerOwnerId, type Filing } from '../../db/providers';
import {
  applicationsStillOnForm,
  findSettlementForm,
  formListsCounty,
  insertSettlementForm,
  listsApplication,
  markSettlementFormSigned,
  markSettlementFormSuperseded,
  newerSignedVersion,
  nextSettlementFormVersion,
  pointApplicationToForm,
  settlementFormItem,
  settlementFormItems,
  settlementFormsOfProviders,
  type SettlementForm as SettlementFormRow,
  type SettlementFormItem as SettlementFormItemRow,
} from '../../db/settlementForms';
import type { Tx } from '../../db/tx';
import { hasRole, type Actor } from '../actor';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError, type ErrorDetail } from '../errors';
import { newId } from '../../ids';
import type { SettlementFormInput } from '../../documents';
import type { OwnerTypeSpec } from '../files';
import { todayInShanghai } from '../../../../shared/src/rules/calendar';
import { applicationMachine } from '../../../../shared/src/workflow/application';
import type { ApplicationDeps } from '../applications/deps';
import { type Application } from '../../db/applications';
import { formMachine } from '../../../../shared/src/workflow/settlementForm';
import { decideForm, mayBeSuperseded } from './settlementFormDecisions';
import { applicationsNeedingNewForm, changedFigures, settleable } from './settlementCoverage';

export { changedFigures, settleable, statusView } from './settlementCoverage';

/**
 * The 兑付申请表 of 三（三）1 (DESIGN.md "An application's life"): the provider issues it for a set of
 * its confirmed applications, versioned, and signs it by uploading the stamped scan. The county review
 * needs the signed version that lists the application (guard `settlementSigned`).
 */

export const SETTLEMENT_OWNER_TYPE = 'settlement_form';
export const SIGNED_SCAN_KIND = 'signed_scan';
/** More rows than this do not make a form anybody can check on paper. */
export const MAX_FORM_ITEMS = 200;

/** The one guard input the county review takes from here: the application points to a signed form that lists it. */
export async function isSettlementSigned(tx: Tx, app: Pick<Application, 'id' | 'providerId' | 'settlementFormId'>): Promise<boolean> {
  if (!app.settlementFormId) return false;
  const form = await findSettlementForm(tx, app.settlementFormId);
  if (!form || form.status !== 'signed' || form.providerId !== app.providerId) return false;
  return listsApplication(tx, form.id, app.id);
}

/**
 * Both guard inputs of the county approval in the same two reads as isSettlementSigned: whether the
 * signed version the application points to lists it, and which of its figures changed since.
 */
export async function settlementGuardInputs(
  tx: Tx,
  app: Application,
): Promise<{ settlementSigned: boolean; settlementChangedFigures: string[] }> {
  const form = app.settlementFormId ? await findSettlementForm(tx, app.settlementFormId) : null;
  const row = form && form.status === 'signed' && form.providerId === app.providerId ? await settlementFormItem(tx, form.id, app.id) : null;
  return { settlementSigned: row !== null, settlementChangedFigures: row ? changedFigures(row, app) : [] };
}

/** What a reviewer sees of the form an application points to: the version, the signed scan, its row. */
export async function settlementFormOf(tx: Tx, app: Application) {
  if (!app.settlementFormId) return null;
  const form = await findSettlementForm(tx, app.settlementFormId);
  if (!form) return null;
  const item = await settlementFormItem(tx, form.id, app.id);
  const scans = await filesOf(tx, SETTLEMENT_OWNER_TYPE, form.id, { kind: SIGNED_SCAN_KIND, history: true });
  const changed = item ? changedFigures(item, app) : [];
  return {
    id: form.id,
    version: form.version,
    status: form.status,
    signedAt: form.signedAt,
    signed: await isSettlementSigned(tx, app),
    // Whether the signed row still shows the application's figures, in plain words for the county's one screen.
    matchesCurrent: item !== null && changed.length === 0,
    changedFigures: changed,
    matchLabel: !item
      ? `第${form.version}版兑付申请表未列本申请`
      : changed.length
        ? `第${form.version}版兑付申请表所列${changed.join('、')}与申请现在的不一致，需服务商重新签章`
        : `第${form.version}版兑付申请表所列金额与申请一致`,
    item: item
      ? {
          position: item.position,
          appliedFen: item.appliedFen,
          contractAmountFen: item.contractAmountFen,
          paidAmountFen: item.paidAmountFen,
          effectEvaluation: item.effectEvaluation,
        }
      : null,
    signedFileId: form.signedFileId,
    files: scans.map((f) => ({
      id: f.id,
      name: f.originalName,
      mime: f.mime,
      sizeBytes: f.sizeBytes,
      sha256: f.sha256,
      createdAt: f.createdAt,
      supersededBy: f.supersededBy,
    })),
  };
}

// ---- confirmation (provider_check) ----------------------------------------------------------------

// ---- the 兑付申请表 (三（三）1) ------------------------------------------------------------------------

export class SettlementForms {
  constructor(private readonly deps: ApplicationDeps) {}

  /** The form, when the caller owns its provider record; 404 otherwise. */
  private async ownForm(tx: Tx, auth: Actor, id: string): Promise<SettlementFormRow> {
    const form = await findSettlementForm(tx, id);
    if (!form || (await providerOwnerId(tx, form.providerId)) !== auth.userId) throw formNotFound();
    return form;
  }

  /**
   * A new version listing the chosen applications. A version is never edited: a change (another
   * set of enterprises, a corrected amount) is a new version, signed again.
   */
  async create(auth: Actor, applicationIds: string[]) {
    const now = this.deps.now();
    return this.deps.db.transaction(async (tx) => {
      const providerIds = await providerIdsOfOwner(tx, auth.userId);
      if (!providerIds.length) throw new ForbiddenError('您还没有云服务商备案，不能生成兑付申请表');
      const apps = await applicationsByIds(tx, applicationIds);
      const byId = new Map(apps.map((a) => [a.id, a]));
      const problems: ErrorDetail[] = [];
      applicationIds.forEach((appId, i) => {
        const app = byId.get(appId);
        if (!app || !app.providerId || !providerIds.includes(app.providerId) || app.status === 'draft') {
          problems.push({ path: `applicationIds.${i}`, message: '没有这份申请，或它没有选择您作为云服务商' });
          return;
        }
        const no = app.trackingNo ?? app.id;
        if (!settleable(app))
          problems.push({
            path: `applicationIds.${i}`,
            message: `申请 ${no} 当前为“${applicationMachine.states[app.status].labels.reviewer}”：只有您已确认、仍在办理中的申请才能列入兑付申请表`,
          });
        else if (app.subsidyFen === null || app.contractAmountFen === null)
          problems.push({ path: `applicationIds.${i}`, message: `申请 ${no} 缺少合同金额或申请金额，请联系企业核对` });
      });
      if (problems.length) throw new InvalidInputError(`有 ${problems.length} 份申请不能列入兑付申请表，请按提示调整后重新生成`, problems);
      const providerSet = new Set(apps.map((a) => a.providerId));
      if (providerSet.size !== 1)
        throw new InvalidInputError('一张兑付申请表只能列同一个云服务商（同一备案）的申请，请分开生成', [
          { path: 'applicationIds', message: '申请属于不同的服务商备案' },
        ]);
      const providerId = apps[0].providerId!;
      // The sequence row is the lock: two requests at once get versions n+1 and n+2, never both n+1.
      const version = await nextSettlementFormVersion(tx, providerId);
      const form: SettlementFormRow = {
        id: newId(),
        providerId,
        version,
        status: 'generated',
        signedFileId: null,
        createdBy: auth.userId,
        createdAt: now,
        signedAt: null,
      };
      const items = applicationIds.map((appId, i): SettlementFormItemRow => {
        const app = byId.get(appId)!;
        return {
          id: newId(),
          formId: form.id,
          applicationId: app.id,
          position: i + 1,
          appliedFen: app.subsidyFen!,
          contractAmountFen: app.contractAmountFen!,
          paidAmountFen: app.paidAmountFen,
          effectEvaluation: app.providerEvaluation,
        };
      });
      await insertSettlementForm(tx, form, items);
      await this.deps.audit.append(tx, {
        action: 'settlement_form.create',
        actorId: auth.userId,
        entityType: SETTLEMENT_OWNER_TYPE,
        entityId: form.id,
        data: { providerId, version, applicationIds },
      });
      return this.view(tx, form);
    });
  }

  async list(auth: Actor) {
    return this.deps.db.read(async (tx) => {
      const providerIds = await providerIdsOfOwner(tx, auth.userId);
      if (!providerIds.length) return { items: [], needingNewForm: [] };
      const forms = await settlementFormsOfProviders(tx, providerIds, 200);
      const items = [];
      for (const form of forms) items.push(await this.view(tx, form));
      return { items, needingNewForm: await applicationsNeedingNewForm(tx, providerIds, MAX_FORM_ITEMS) };
    });
  }

  async get(auth: Actor, id: string) {
    return this.deps.db.read(async (tx) => this.view(tx, await this.ownForm(tx, auth, id)));
  }

  private async view(tx: Tx, form: SettlementFormRow) {
    const items = await settlementFormItems(tx, form.id);
    const apps = new Map(
      (
        await applicationsByIds(
          tx,
          items.map((i) => i.applicationId),
        )
      ).map((a) => [a.id, a]),
    );
    const names = await enterpriseNames(
      tx,
      [...apps.values()].map((a) => a.enterpriseId),
    );
    const scans = await filesOf(tx, SETTLEMENT_OWNER_TYPE, form.id, { kind: SIGNED_SCAN_KIND });
    return {
      id: form.id,
      providerId: form.providerId,
      version: form.version,
      status: form.status,
      statusLabel: formMachine.states[form.status].labels.reviewer,
      createdAt: form.createdAt,
      signedAt: form.signedAt,
      signedFileId: form.signedFileId,
      totalAppliedFen: items.reduce((s, i) => s + i.appliedFen, 0),
      scans: scans.map((f) => ({ id: f.id, name: f.originalName, createdAt: f.createdAt })),
      items: items.map((i) => {
        const app = apps.get(i.applicationId);
        return {
          position: i.position,
          applicationId: i.applicationId,
          trackingNo: app?.trackingNo ?? null,
          enterpriseName: app ? (names.get(app.enterpriseId) ?? '') : '',
          appliedFen: i.appliedFen,
          contractAmountFen: i.contractAmountFen,
          paidAmountFen: i.paidAmountFen,
          effectEvaluation: i.effectEvaluation,
          applicationStatus: app?.status ?? null,
          // Whether the application's current 兑付申请表 is this version.
          current: app?.settlementFormId === form.id,
        };
      }),
    };
  }

  /** Everything renderSettlementDocx needs: the provider's filing form and the rows of this version. */
  async documentSource(auth: Actor, id: string): Promise<{ input: SettlementFormInput; companyName: string }> {
    return this.deps.db.read(async (tx) => {
      const form = await this.ownForm(tx, auth, id);
      const provider = (await findFiling(tx, form.providerId))!;
      const items = await settlementFormItems(tx, form.id);
      const apps = new Map(
        (
          await applicationsByIds(
            tx,
            items.map((i) => i.applicationId),
          )
        ).map((a) => [a.id, a]),
      );
      const names = await enterpriseNames(
        tx,
        [...apps.values()].map((a) => a.enterpriseId),
      );
      const basic = filingBasic(provider);
      const input: SettlementFormInput = {
        provider: {
          companyName: basic.companyName || provider.companyName,
          platformName: basic.platformName || provider.platformName || '',
          platformUrl: basic.platformUrl,
          principal: {
            name: basic.principal.name,
            title: basic.principal.title,
            phone: basic.principal.phone,
            mobile: basic.principal.mobile,
            email: basic.principal.email,
            fax: basic.principal.fax,
          },
          contact: { name: basic.contact.name, title: basic.contact.title, phone: basic.contact.phone, email: basic.contact.email },
        },
        rows: items.map((i) => {
          const app = apps.get(i.applicationId);
          return {
            trackingNo: app?.trackingNo ?? '',
            enterpriseName: app ? (names.get(app.enterpriseId) ?? '') : '',
            services: app?.services ?? '',
            contractStart: app?.contractStart ?? '',
            contractEnd: app?.contractEnd ?? '',
            // The amounts as listed on this version: a later change is a later version.
            contractAmountFen: i.contractAmountFen,
            appliedFen: i.appliedFen,
            effectEvaluation: i.effectEvaluation ?? '',
          };
        }),
        version: form.version,
        generatedOn: todayInShanghai(new Date(form.createdAt)),
      };
      return { input, companyName: input.provider.companyName };
    });
  }

  /**
   * Marks the version signed (its stamped scan is uploaded) and points each listed application to
   * it, in one transaction. An older signed version loses the applications this one lists; when it
   * lists none any more it is superseded as a whole.
   */
  async sign(auth: Actor, id: string) {
    const now = this.deps.now();
    return this.deps.db.transaction(async (tx) => {
      const form = await this.ownForm(tx, auth, id);
      // The newest current scan.
      const scan = (await filesOf(tx, SETTLEMENT_OWNER_TYPE, form.id, { kind: SIGNED_SCAN_KIND })).at(-1);
      const items = await settlementFormItems(tx, form.id);
      const appIds = items.map((i) => i.applicationId);
      // Asked only where the machine asks it (a version not yet signed).
      const newer = form.status === 'generated' ? await newerSignedVersion(tx, form, appIds) : null;
      const decided = decideForm(form, 'sign', { scanUploaded: !!scan, newerSignedVersion: newer });
      // The machine's scanUploaded guard has passed: the scan is there.
      const signedScan = scan!;
      if (!(await markSettlementFormSigned(tx, form.id, signedScan.id, now)))
        throw new ConflictError('这张兑付申请表刚刚被处理过，请刷新后查看', 'stale_version');

      const previous = new Set<string>();
      const pointed: string[] = [];
      const toPoint = decided.effects.includes('pointApplications') ? appIds : [];
      for (const app of await applicationsByIds(tx, toPoint)) {
        // A rejected or withdrawn application is over: nothing to point.
        if (app.status === 'rejected' || app.status === 'withdrawn' || app.settlementFormId === form.id) continue;
        if (app.settlementFormId) previous.add(app.settlementFormId);
        // A plain column, not a state change: the application's status and version stay as they are.
        await pointApplicationToForm(tx, app.id, form.id);
        await this.deps.audit.append(tx, {
          action: 'application.settlement_form',
          actorId: auth.userId,
          entityType: 'application',
          entityId: app.id,
          data: { formId: form.id, version: form.version, previousFormId: app.settlementFormId },
        });
        pointed.push(app.id);
      }
      const superseded: string[] = [];
      for (const oldId of decided.effects.includes('supersedeOlderVersions') ? previous : []) {
        if (!mayBeSuperseded(await applicationsStillOnForm(tx, oldId))) continue;
        if (await markSettlementFormSuperseded(tx, oldId)) {
          superseded.push(oldId);
          await this.deps.audit.append(tx, {
            action: 'settlement_form.supersede',
            actorId: auth.userId,
            entityType: SETTLEMENT_OWNER_TYPE,
            entityId: oldId,
            data: { by: form.id, version: form.version },
          });
        }
      }
      await this.deps.audit.append(tx, {
        action: 'settlement_form.sign',
        actorId: auth.userId,
        entityType: SETTLEMENT_OWNER_TYPE,
        entityId: form.id,
        data: { version: form.version, signedFileId: signedScan.id, sha256: signedScan.sha256, applicationIds: pointed, superseded },
      });
      const after = (await findSettlementForm(tx, form.id))!;
      return this.view(tx, after);
    });
  }
}

/**
 * The stamped scan of a version is a file owned by the form. The provider attaches it while the
 * version is current; reviewers of a county with an application on the form, the city and admins read it.
 */
export function settlementFileOwner(db: Database): OwnerTypeSpec {
  return {
    kinds: { [SIGNED_SCAN_KIND]: { label: '盖章兑付申请表', maxFiles: 5 } },
    async canAttach(auth: Actor, ownerId: string, kind: string) {
      const found = await db.read(async (tx) => {
        const form = await findSettlementForm(tx, ownerId);
        return form && (await providerOwnerId(tx, form.providerId)) === auth.userId ? form : null;
      });
      if (!found) throw formNotFound();
      if (kind !== SIGNED_SCAN_KIND) throw new InvalidInputError('材料类别不对', [{ path: 'kind', message: `须为 ${SIGNED_SCAN_KIND}` }]);
      decideForm(found, 'attach_scan');
    },
    async canRead(auth: Actor, ownerId: string) {
      const allowed = await db.read(async (tx) => {
        const form = await findSettlementForm(tx, ownerId);
        if (!form) return false;
        if (hasRole(auth, 'city_miit', 'city_finance', 'admin')) return true;
        if ((await providerOwnerId(tx, form.providerId)) === auth.userId) return true;
        const counties = auth.grants
          .filter((g) => (g.role === 'county_miit' || g.role === 'county_finance') && g.countyCode)
          .map((g) => g.countyCode as string);
        return formListsCounty(tx, form.id, counties);
      });
      if (!allowed) throw formNotFound();
    },
  };
}

// ---- helpers ------------------------------------------------------------------------------------------

interface Person {
  name: string;
  title: string;
  phone: string;
  mobile: string;
  email: string;
  fax: string;
}

/** The parts of the 备案申报书 the 兑付申请表 repeats (一、基本情况), as plain strings ('' for a blank). */
function filingBasic(provider: Filing): {
  companyName: string;
  platformName: string;
  platformUrl: string;
  principal: Person;
  contact: Person;
} {
  const form = (provider.form ?? {}) as { basic?: Record<string, unknown> };
  const basic = form.basic ?? {};
  const text = (o: Record<string, unknown> | undefined, k: string): string => {
    const v = o?.[k];
    return typeof v === 'string' ? v : '';
  };
  const person = (v: unknown): Person => {
    const o = v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
    return {
      name: text(o, 'name'),
      title: text(o, 'title'),
      phone: text(o, 'phone'),
      mobile: text(o, 'mobile'),
      email: text(o, 'email'),
      fax: text(o, 'fax'),
    };
  };
  return {
    companyName: text(basic, 'companyName'),
    platformName: text(basic, 'platformName'),
    platformUrl: text(basic, 'platformUrl'),
    principal: person(basic.principal),
    contact: person(basic.contact),
  };
}

function formNotFound(): NotFoundError {
  return new NotFoundError('没有这张兑付申请表，或它不是您的');
}
