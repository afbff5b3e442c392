import type { Tx } from '../../db/tx';
import {
  docNoTaken as docNoInUse,
  findJointReport,
  insertJointReport,
  itemsOfReport,
  itemsOfReports,
  listInReport,
  reportsOfCounties,
  signIfVersion,
  type JointReportItemRow,
  type JointReportRow,
} from '../../db/jointReports';
import { countyApprovalsOn, type Opinion } from '../../db/opinions';
import { enterpriseCards } from '../../db/enterprises';
import { providerNames } from '../../db/providers';
import type { Actor } from '../actor';
import { DomainError, ConflictError, ForbiddenError, InvalidInputError, NotFoundError, type ErrorDetail } from '../errors';
import { newId } from '../../ids';
import type { JointReportInput, JointReportRow as DocRow, Rating } from '../../documents';
import { countyName } from '../../../../shared/src/contracts/roles';
import { applicationMachine } from '../../../../shared/src/workflow/application';
import { transition, type TransitionResult } from '../../../../shared/src/workflow/machine';
import { reportMachine, type ReportEffect, type ReportState } from '../../../../shared/src/workflow/jointReport';
import type { ApplicationDeps } from '../applications/deps';
import { DEPARTMENT_LABELS, RATING_LABELS, departmentOf, reviewerCounties, type Department } from './countyReview';
import { applicationsByIds } from '../../db/applications/readers';
import { isDuplicateKey } from '../../db/errors';
import { findApplication } from '../../db/applications';
import { recordVersion, versionHistory } from '../documentVersions';
import { docNoTaken, notFound, staleError } from './jointReportErrors';
import { alertJointReportReported, alertReportAwaitsSignature } from '../notifications/alerts';
import { ReportCorrections, type CancelReportInput, type CorrectReportInput } from './reportCorrections';

/**
 * The county's joint report (联合行文, 三（四）): a document number (文号) and date, the county's
 * `county_approved` applications, signed off by both departments. Every sign-off goes through the
 * report's machine (shared/src/workflow/jointReport.ts): its guards decide, and the second signature's
 * effect reports every listed application through the engine (→ reported) in that one transaction.
 */

export const MAX_REPORT_ITEMS = 500;

/** The reviewers' words for each state: the machine's labels. */
export const REPORT_STATUS_LABELS: Readonly<Record<ReportState, string>> = {
  draft: reportMachine.states.draft.labels.reviewer,
  signing: reportMachine.states.signing.labels.reviewer,
  submitted: reportMachine.states.submitted.labels.reviewer,
  cancelled: reportMachine.states.cancelled.labels.reviewer,
};

export interface CreateReportInput {
  docNo: string;
  reportDate: string;
  applicationIds: string[];
}

export class JointReports {
  private readonly corrections: ReportCorrections<Awaited<ReturnType<JointReports['view']>>>;

  constructor(private readonly deps: ApplicationDeps) {
    this.corrections = new ReportCorrections(deps, this);
  }

  /** Corrects a draft report (文号, date, members) before its second signature; see reportCorrections.ts. */
  correct(auth: Actor, id: string, input: CorrectReportInput) {
    return this.corrections.correct(auth, id, input);
  }

  /** Cancels a draft report with a reason before its second signature; see reportCorrections.ts. */
  cancel(auth: Actor, id: string, input: CancelReportInput) {
    return this.corrections.cancel(auth, id, input);
  }

  /** The report if it belongs to one of the caller's counties (404 otherwise). */
  async scoped(m: Tx, auth: Actor, id: string): Promise<JointReportRow> {
    const report = await findJointReport(m, id);
    if (!report || !reviewerCounties(auth).includes(report.countyCode)) throw notFound();
    return report;
  }

  async create(auth: Actor, input: CreateReportInput) {
    const department = departmentOf(auth);
    const counties = reviewerCounties(auth);
    if (!counties.length) throw new ForbiddenError('您的审核角色没有指定县（市）区，请联系管理员');
    const now = this.deps.now();
    return this.deps.db.transaction(async (tx) => {
      const apps = new Map((await applicationsByIds(tx, input.applicationIds)).map((a) => [a.id, a]));
      const problems: ErrorDetail[] = [];
      input.applicationIds.forEach((appId, i) => {
        const app = apps.get(appId);
        if (!app || app.status === 'draft' || !counties.includes(app.countyCode))
          problems.push({ path: `applicationIds.${i}`, message: '没有这份申请，或它不属于您所在的县（市）区' });
      });
      if (problems.length) throw new NotFoundError(`有 ${problems.length} 份申请不存在或不属于您所在的县（市）区`);
      const countySet = new Set([...apps.values()].map((a) => a.countyCode));
      if (countySet.size !== 1)
        throw new InvalidInputError('一份联合行文只能报送同一个县（市）区的申请', [
          { path: 'applicationIds', message: '申请属于不同的县（市）区' },
        ]);
      const countyCode = [...countySet][0];
      input.applicationIds.forEach((appId, i) => {
        const app = apps.get(appId)!;
        const no = app.trackingNo ?? app.id;
        if (app.status !== 'county_approved')
          problems.push({
            path: `applicationIds.${i}`,
            message: `申请 ${no} 当前为“${applicationMachine.states[app.status].labels.reviewer}”：只有两部门都审核通过的申请才能列入联合行文`,
          });
        else if (app.reportId) problems.push({ path: `applicationIds.${i}`, message: `申请 ${no} 已列入另一份尚未报送的联合行文` });
      });
      if (problems.length)
        throw new ConflictError(`有 ${problems.length} 份申请不能列入这份联合行文，请按提示调整`, 'not_reportable', problems);
      if (await docNoInUse(tx, countyCode, input.docNo)) throw docNoTaken(input.docNo);

      const report: JointReportRow = {
        id: newId(),
        countyCode,
        docNo: input.docNo,
        reportDate: input.reportDate,
        status: 'draft',
        miitSignedBy: null,
        miitSignedAt: null,
        financeSignedBy: null,
        financeSignedAt: null,
        version: 1,
        createdBy: auth.userId,
        draftedDepartment: department,
        liveDocNo: input.docNo,
        createdAt: now,
        updatedAt: now,
      };
      try {
        await insertJointReport(tx, report);
      } catch (err) {
        // Another report took the 文号 between the check above and this insert.
        if (isDuplicateKey(err)) throw docNoTaken(input.docNo);
        throw err;
      }
      for (const [i, appId] of input.applicationIds.entries()) {
        const item: JointReportItemRow = { id: newId(), reportId: report.id, applicationId: appId, position: i + 1 };
        // The claim: of two reports created at once with the same application exactly one gets it.
        // `report` confirms the same column later.
        if (!(await listInReport(tx, item)))
          throw new ConflictError(
            `申请 ${apps.get(appId)!.trackingNo ?? appId} 刚刚被列入另一份联合行文，请刷新后重新选择`,
            'not_reportable',
            [{ path: `applicationIds.${i}`, message: '已列入另一份联合行文' }],
          );
      }
      await this.deps.audit.append(tx, {
        action: 'joint_report.create',
        actorId: auth.userId,
        entityType: 'joint_report',
        entityId: report.id,
        data: { countyCode, docNo: report.docNo, reportDate: report.reportDate, applicationIds: input.applicationIds },
      });
      await recordVersion(tx, {
        documentType: 'joint_report',
        documentId: report.id,
        changeKind: 'created',
        status: report.status,
        docNo: report.docNo,
        docDate: report.reportDate,
        applicationIds: input.applicationIds,
        reason: null,
        actorId: auth.userId,
        actorRole: department === 'miit' ? 'county_miit' : 'county_finance',
        now,
      });
      return this.view(tx, report);
    });
  }

  async list(auth: Actor) {
    const counties = reviewerCounties(auth);
    if (!counties.length) return { items: [] };
    return this.deps.db.read(async (m) => {
      const reports = await reportsOfCounties(m, counties);
      const items = await itemsOfReports(
        m,
        reports.map((r) => r.id),
      );
      const apps = new Map(
        (
          await applicationsByIds(
            m,
            items.map((i) => i.applicationId),
          )
        ).map((a) => [a.id, a]),
      );
      return {
        items: reports.map((r) => {
          const mine = items.filter((i) => i.reportId === r.id);
          return {
            ...summary(r),
            applicationCount: mine.length,
            totalAppliedFen: mine.reduce((s, i) => s + (apps.get(i.applicationId)?.subsidyFen ?? 0), 0),
          };
        }),
      };
    });
  }

  async get(auth: Actor, id: string) {
    return this.deps.db.read(async (m) => this.view(m, await this.scoped(m, auth, id)));
  }

  /** The report as the county reads it: its members with both opinions, and every version of it. */
  async view(m: Tx, report: JointReportRow) {
    const rows = await this.rows(m, report);
    return {
      ...summary(report),
      versions: await versionHistory(m, 'joint_report', report.id),
      items: rows.map((r) => ({
        applicationId: r.app.id,
        trackingNo: r.app.trackingNo,
        status: r.app.status,
        statusLabel: applicationMachine.states[r.app.status].labels.reviewer,
        enterpriseName: r.enterpriseName,
        creditCode: r.creditCode,
        providerName: r.providerName,
        contractAmountFen: r.app.contractAmountFen,
        paidAmountFen: r.app.paidAmountFen,
        appliedFen: r.app.subsidyFen,
        opinions: (['miit', 'finance'] as const).map((d) => {
          const o = r.opinions[d];
          return {
            department: d,
            departmentLabel: DEPARTMENT_LABELS[d],
            decision: o?.decision ?? null,
            ratings: o ? { effect: o.ratingEffect, service: o.ratingService } : null,
            round: o?.round ?? null,
          };
        }),
      })),
    };
  }

  /**
   * Each listed application with both departments' approving opinions of the latest round in which
   * both approved (a later correction round, if any, would have its own).
   */
  private async rows(m: Tx, report: JointReportRow) {
    const items = await itemsOfReport(m, report.id);
    const apps = await applicationsByIds(
      m,
      items.map((i) => i.applicationId),
    );
    const enterprises = await enterpriseCards(
      m,
      apps.map((a) => a.enterpriseId),
    );
    const providers = await providerNames(
      m,
      apps.map((a) => a.providerId).filter((x): x is string => x !== null),
    );
    const opinions = await countyApprovalsOn(
      m,
      apps.map((a) => a.id),
    );
    return apps.map((app) => {
      const mine = opinions.filter((o) => o.applicationId === app.id && o.round <= app.round);
      const rounds = [...new Set(mine.map((o) => o.round))].sort((a, b) => b - a);
      const both = rounds.find(
        (r) => mine.some((o) => o.round === r && o.department === 'miit') && mine.some((o) => o.round === r && o.department === 'finance'),
      );
      const pick = (d: Department): Opinion | null =>
        both === undefined ? null : (mine.find((o) => o.round === both && o.department === d) ?? null);
      const enterprise = enterprises.find((e) => e.id === app.enterpriseId);
      return {
        app,
        enterpriseName: enterprise?.name ?? '',
        creditCode: enterprise?.creditCode ?? '',
        providerName: (app.providerId ? providers.get(app.providerId) : undefined) ?? '',
        opinions: { miit: pick('miit'), finance: pick('finance') },
      };
    });
  }

  /**
   * One department's sign-off, decided by the joint report's machine (shared/src/workflow/jointReport.ts):
   * the first signature moves the report to `signing`, the second submits it, and its effect
   * `reportApplications` reports every listed application through the engine — all in this transaction.
   * The version makes signatures serial.
   */
  async sign(auth: Actor, id: string, input: { version: number }) {
    const department = departmentOf(auth);
    const now = this.deps.now();
    return this.deps.db.transaction(async (tx) => {
      const report = await this.scoped(tx, auth, id);
      const decided = transition(
        reportMachine,
        report.status,
        'sign',
        auth.grants.map((g) => g.role),
        {
          department,
          actorId: auth.userId,
          miitSignedBy: report.miitSignedBy,
          financeSignedBy: report.financeSignedBy,
          draftedDepartment: report.draftedDepartment,
          reason: null,
        },
      );
      // A submitted (or cancelled) report says so whatever version the caller saw; any other refusal waits for the version check.
      if (!decided.ok && decided.reason === 'not_allowed_in_state')
        throw new ConflictError(decided.message, report.status === 'cancelled' ? 'report_cancelled' : 'already_submitted');
      if (report.version !== input.version) throw staleError();
      if (!decided.ok) throw refusal(decided);
      const set: Partial<JointReportRow> =
        department === 'miit' ? { miitSignedBy: auth.userId, miitSignedAt: now } : { financeSignedBy: auth.userId, financeSignedAt: now };
      if (!(await signIfVersion(tx, report, set, decided.to, now))) throw staleError();
      const reported: string[] = [];
      for (const effect of decided.effects) {
        if (effect === 'reportApplications') reported.push(...(await this.reportApplications(tx, auth, report, department)));
        // A signature has no other effect (corrections and cancellations are reportCorrections.ts's).
        else throw new Error(`joint report: no work for effect ${effect} of sign`);
      }
      await this.deps.audit.append(tx, {
        action: decided.to === 'submitted' ? 'joint_report.submit' : 'joint_report.sign',
        actorId: auth.userId,
        entityType: 'joint_report',
        entityId: report.id,
        data: { department, docNo: report.docNo, version: report.version + 1, reported },
      });
      const after = (await findJointReport(tx, report.id))!;
      if (decided.to === 'signing') await alertReportAwaitsSignature(tx, after, department, auth.userId, now);
      return this.view(tx, after);
    });
  }

  /** The effect of the second signature: every listed application goes through `report` (→ reported). */
  private async reportApplications(tx: Tx, auth: Actor, report: JointReportRow, department: Department): Promise<string[]> {
    const reported: string[] = [];
    for (const item of await itemsOfReport(tx, report.id)) {
      const app = await findApplication(tx, item.applicationId);
      if (!app) throw new NotFoundError('联合行文所列的申请不存在，请刷新后查看');
      await this.deps.engine.run(tx, app.id, {
        event: 'report',
        auth,
        expectedVersion: app.version,
        columns: { reportId: report.id },
        actorRole: department === 'miit' ? 'county_miit' : 'county_finance',
        data: { reportId: report.id, docNo: report.docNo },
        reviewersAlertedByCaller: true,
      });
      reported.push(app.id);
    }
    // The city hears of the report once, both bureaus (the seed sends it to 市工信局 and 市财政局).
    await alertJointReportReported(tx, { ...report, version: report.version + 1 }, reported, auth.userId, this.deps.now());
    return reported;
  }

  /** Everything renderJointReportDocx needs: the letter's particulars and both departments' opinions and ratings. */
  async documentSource(auth: Actor, id: string): Promise<JointReportInput> {
    return this.deps.db.read(async (m) => {
      const report = await this.scoped(m, auth, id);
      // A cancelled report is never printed: its number may already stand on another one.
      if (report.status === 'cancelled')
        throw new ConflictError('这份联合行文已撤销，不能再下载；请查看本县（市）区现行的联合行文', 'report_cancelled');
      const rows = await this.rows(m, report);
      const county = countyName(report.countyCode) ?? report.countyCode;
      return {
        countyName: county,
        docNo: report.docNo,
        reportDate: report.reportDate,
        miitDepartmentName: `${county}工业和信息化局`,
        financeDepartmentName: `${county}财政局`,
        rows: rows.map((r): DocRow => {
          const miit = r.opinions.miit;
          const finance = r.opinions.finance;
          return {
            trackingNo: r.app.trackingNo ?? '',
            enterpriseName: r.enterpriseName,
            creditCode: r.creditCode,
            providerName: r.providerName,
            contractAmountFen: r.app.contractAmountFen ?? 0,
            paidAmountFen: r.app.paidAmountFen ?? 0,
            appliedFen: r.app.subsidyFen ?? 0,
            // The table has one score per column: the two departments' mean, rounded; each department's own is in its opinion.
            effectRating: meanRating(miit?.ratingEffect ?? null, finance?.ratingEffect ?? null),
            serviceRating: meanRating(miit?.ratingService ?? null, finance?.ratingService ?? null),
            miitOpinion: opinionText(miit),
            financeOpinion: opinionText(finance),
          };
        }),
      };
    });
  }
}

function summary(r: JointReportRow) {
  return {
    id: r.id,
    countyCode: r.countyCode,
    countyName: countyName(r.countyCode) ?? r.countyCode,
    docNo: r.docNo,
    reportDate: r.reportDate,
    status: r.status,
    statusLabel: REPORT_STATUS_LABELS[r.status],
    version: r.version,
    draftedDepartment: r.draftedDepartment,
    miitSignedBy: r.miitSignedBy,
    miitSignedAt: r.miitSignedAt,
    financeSignedBy: r.financeSignedBy,
    financeSignedAt: r.financeSignedAt,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

function clampRating(n: number): Rating {
  return Math.min(5, Math.max(1, Math.round(n))) as Rating;
}

function meanRating(a: number | null, b: number | null): Rating {
  const given = [a, b].filter((x): x is number => x !== null);
  return given.length ? clampRating(given.reduce((s, x) => s + x, 0) / given.length) : 3;
}

/** '同意。上云效果：4分（良好）；服务商服务质量：5分（优秀）' — the opinion as the city reads it; internal notes never go out. */
function opinionText(o: Opinion | null): string {
  if (!o) return '';
  const word = (n: number | null) => (n !== null && n >= 1 && n <= 5 ? `${n}分（${RATING_LABELS[n as Rating]}）` : '未评分');
  return `同意。上云效果：${word(o.ratingEffect)}；服务商服务质量：${word(o.ratingService)}`;
}

/**
 * A sign-off the machine refused, in the words and kinds the county has always had: a department that
 * signed already is a conflict (already_signed); the same person for both departments is four eyes (403).
 */
function refusal(decided: Extract<TransitionResult<ReportState, ReportEffect>, { ok: false }>): DomainError {
  if (decided.reason === 'role_not_allowed' || decided.guard === 'notSameSignerTwice') return new ForbiddenError(decided.message);
  if (decided.guard === 'departmentNotYetSigned') return new ConflictError(decided.message, 'already_signed');
  return new ConflictError(decided.message, 'invalid_transition');
}
