import type { Tx } from '../../db/tx';
import {
  clearReportItems,
  docNoTaken as docNoInUse,
  findJointReport,
  itemsOfReport,
  keepInReport,
  listInReport,
  reviseIfVersion,
  type JointReportRow,
} from '../../db/jointReports';
import { applicationsByIds } from '../../db/applications/readers';
import { findApplication } from '../../db/applications';
import { isDuplicateKey } from '../../db/errors';
import type { Actor } from '../actor';
import { ConflictError, DomainError, ForbiddenError, InvalidInputError, NotFoundError, type ErrorDetail } from '../errors';
import { newId } from '../../ids';
import { enqueueNotifications, holdersOf } from '../notifications/outbox';
import { recordVersion } from '../documentVersions';
import type { ApplicationDeps } from '../applications/deps';
import { countyName } from '../../../../shared/src/contracts/roles';
import { applicationMachine } from '../../../../shared/src/workflow/application';
import { transition, type TransitionResult } from '../../../../shared/src/workflow/machine';
import { reportMachine, type ReportEffect, type ReportEvent, type ReportState } from '../../../../shared/src/workflow/jointReport';
import { DEPARTMENT_LABELS, departmentOf, reviewerCounties, type Department } from './countyReview';
import { docNoTaken, staleError } from './jointReportErrors';

/** What a correction reads of the report's own use case: the caller's report, and the view it answers with. */
export interface ReportReader<V> {
  scoped(m: Tx, auth: Actor, id: string): Promise<JointReportRow>;
  view(m: Tx, report: JointReportRow): Promise<V>;
}

/**
 * A draft joint report withdrawn before its second signature (DESIGN.md "Corrections after the fact";
 * issue 14, item 5): the department that drafted it corrects its 文号, date or members, or cancels it,
 * with a reason. The report's machine decides; in the same transaction the applications it no longer
 * lists leave it through the application engine (leave_report: still county_approved, free for another
 * report, with their history and audit rows), a first signature given to the earlier version is void,
 * the new version is kept in `document_versions`, and the other department is told once.
 */

export interface CorrectReportInput {
  version: number;
  reason: string;
  docNo?: string;
  reportDate?: string;
  applicationIds?: string[];
}

export interface CancelReportInput {
  version: number;
  reason: string;
}

const ROLE_OF: Record<Department, 'county_miit' | 'county_finance'> = { miit: 'county_miit', finance: 'county_finance' };
const OTHER: Record<Department, Department> = { miit: 'finance', finance: 'miit' };

export class ReportCorrections<V> {
  constructor(
    private readonly deps: ApplicationDeps,
    private readonly reports: ReportReader<V>,
  ) {}

  async correct(auth: Actor, id: string, input: CorrectReportInput) {
    const department = departmentOf(auth);
    const now = this.deps.now();
    return this.deps.db.transaction(async (tx) => {
      const report = await this.reports.scoped(tx, auth, id);
      const decided = decide(report, 'correct', auth, department, input.reason, input.version);
      const before = (await itemsOfReport(tx, id)).map((i) => i.applicationId);
      const docNo = input.docNo ?? report.docNo;
      const reportDate = input.reportDate ?? report.reportDate;
      const members = input.applicationIds ?? before;
      if (docNo === report.docNo && reportDate === report.reportDate && sameOrder(members, before))
        throw new ConflictError('更正后的文号、行文日期和所列申请与当前版本相同，请修改后再提交', 'nothing_changed');
      if (docNo !== report.docNo && (await docNoInUse(tx, report.countyCode, docNo, report.id))) throw docNoTaken(docNo);
      const added = members.filter((a) => !before.includes(a));
      const dropped = before.filter((a) => !members.includes(a));
      await this.checkAdded(tx, report, members, added);

      const voidSignatures = decided.effects.includes('voidSignatures');
      const set: Parameters<typeof reviseIfVersion>[2] = {
        docNo,
        liveDocNo: docNo,
        reportDate,
        status: decided.to,
        ...(voidSignatures ? { miitSignedBy: null, miitSignedAt: null, financeSignedBy: null, financeSignedAt: null } : {}),
      };
      try {
        if (!(await reviseIfVersion(tx, report, set, now))) throw staleError();
      } catch (err) {
        // Another report took the 文号 between the check above and this update.
        if (isDuplicateKey(err)) throw docNoTaken(docNo);
        throw err;
      }
      for (const effect of decided.effects) {
        switch (effect) {
          case 'voidSignatures':
            break; // in the UPDATE above
          case 'replaceApplications':
            await this.release(tx, auth, department, report, dropped, input.reason);
            await this.relist(tx, report.id, members, before);
            break;
          case 'alertOtherDepartment':
            await this.alert(tx, report, department, 'joint_report.corrected', {
              docNo,
              reportDate,
              count: String(members.length),
              reason: input.reason.trim(),
              signatureVoid: voidSignatures ? '1' : '0',
            });
            break;
          default:
            throw new Error(`joint report: no work for effect ${effect} of correct`);
        }
      }
      await this.deps.audit.append(tx, {
        action: 'joint_report.correct',
        actorId: auth.userId,
        entityType: 'joint_report',
        entityId: report.id,
        data: {
          department,
          reason: input.reason.trim(),
          before: { docNo: report.docNo, reportDate: report.reportDate, applicationIds: before },
          after: { docNo, reportDate, applicationIds: members },
          signaturesVoided: voidSignatures,
          version: report.version + 1,
        },
      });
      await recordVersion(tx, {
        documentType: 'joint_report',
        documentId: report.id,
        changeKind: 'corrected',
        status: decided.to,
        docNo,
        docDate: reportDate,
        applicationIds: members,
        reason: input.reason.trim(),
        actorId: auth.userId,
        actorRole: ROLE_OF[department],
        now,
      });
      return this.reports.view(tx, (await findJointReport(tx, report.id))!);
    });
  }

  async cancel(auth: Actor, id: string, input: CancelReportInput) {
    const department = departmentOf(auth);
    const now = this.deps.now();
    return this.deps.db.transaction(async (tx) => {
      const report = await this.reports.scoped(tx, auth, id);
      const decided = decide(report, 'cancel', auth, department, input.reason, input.version);
      const members = (await itemsOfReport(tx, id)).map((i) => i.applicationId);
      // The 文号 is given back: the county may number its next report with it.
      if (!(await reviseIfVersion(tx, report, { status: decided.to, liveDocNo: null }, now))) throw staleError();
      for (const effect of decided.effects) {
        switch (effect) {
          case 'releaseApplications':
            await this.release(tx, auth, department, report, members, input.reason);
            break;
          case 'alertOtherDepartment':
            await this.alert(tx, report, department, 'joint_report.cancelled', {
              docNo: report.docNo,
              reportDate: report.reportDate,
              count: String(members.length),
              reason: input.reason.trim(),
            });
            break;
          default:
            throw new Error(`joint report: no work for effect ${effect} of cancel`);
        }
      }
      await this.deps.audit.append(tx, {
        action: 'joint_report.cancel',
        actorId: auth.userId,
        entityType: 'joint_report',
        entityId: report.id,
        data: { department, reason: input.reason.trim(), docNo: report.docNo, applicationIds: members, version: report.version + 1 },
      });
      await recordVersion(tx, {
        documentType: 'joint_report',
        documentId: report.id,
        changeKind: 'cancelled',
        status: decided.to,
        docNo: report.docNo,
        docDate: report.reportDate,
        applicationIds: members,
        reason: input.reason.trim(),
        actorId: auth.userId,
        actorRole: ROLE_OF[department],
        now,
      });
      return this.reports.view(tx, (await findJointReport(tx, report.id))!);
    });
  }

  /** The applications a correction adds: of the report's county, approved by both departments, in no other report. */
  private async checkAdded(tx: Tx, report: JointReportRow, members: readonly string[], added: readonly string[]): Promise<void> {
    if (!added.length) return;
    const apps = new Map((await applicationsByIds(tx, added)).map((a) => [a.id, a]));
    const problems: ErrorDetail[] = [];
    const missing: ErrorDetail[] = [];
    members.forEach((appId, i) => {
      if (!added.includes(appId)) return;
      const app = apps.get(appId);
      if (!app || app.status === 'draft' || app.countyCode !== report.countyCode)
        missing.push({ path: `applicationIds.${i}`, message: '没有这份申请，或它不属于这份联合行文的县（市）区' });
      else if (app.status !== 'county_approved')
        problems.push({
          path: `applicationIds.${i}`,
          message: `申请 ${app.trackingNo ?? '（未编号）'} 当前为“${applicationMachine.states[app.status].labels.reviewer}”：只有两部门都审核通过的申请才能列入联合行文`,
        });
      else if (app.reportId)
        problems.push({ path: `applicationIds.${i}`, message: `申请 ${app.trackingNo ?? '（未编号）'} 已列入另一份尚未报送的联合行文` });
    });
    if (missing.length) throw new NotFoundError(`有 ${missing.length} 份申请不存在或不属于这份联合行文的县（市）区`);
    if (problems.length)
      throw new ConflictError(`有 ${problems.length} 份申请不能列入这份联合行文，请按提示调整`, 'not_reportable', problems);
  }

  /** Each application leaves the report through the engine (leave_report), its claim released, with the reason in its history. */
  private async release(tx: Tx, auth: Actor, department: Department, report: JointReportRow, ids: readonly string[], reason: string) {
    for (const appId of ids) {
      const app = await findApplication(tx, appId);
      if (!app) throw new NotFoundError('联合行文所列的申请不存在，请刷新后查看');
      await this.deps.engine.run(tx, app.id, {
        event: 'leave_report',
        auth,
        expectedVersion: app.version,
        reason: reason.trim(),
        columns: { reportId: null },
        actorRole: ROLE_OF[department],
        data: { reportId: report.id, docNo: report.docNo },
      });
    }
  }

  /** The report's items in the corrected order: those it kept stay claimed, the added ones are claimed now. */
  private async relist(tx: Tx, reportId: string, members: readonly string[], before: readonly string[]) {
    await clearReportItems(tx, reportId);
    for (const [i, appId] of members.entries()) {
      const item = { id: newId(), reportId, applicationId: appId, position: i + 1 };
      if (before.includes(appId)) await keepInReport(tx, item);
      else if (!(await listInReport(tx, item)))
        throw new ConflictError('所选申请刚刚被列入另一份联合行文，请刷新后重新选择', 'not_reportable', [
          { path: `applicationIds.${i}`, message: '已列入另一份联合行文' },
        ]);
    }
  }

  /** The other department of the county hears of it once (DESIGN.md: never the person who acted). */
  private async alert(
    tx: Tx,
    report: JointReportRow,
    department: Department,
    template: 'joint_report.corrected' | 'joint_report.cancelled',
    params: Record<string, string>,
  ) {
    const county = countyName(report.countyCode) ?? '';
    await enqueueNotifications(
      tx,
      {
        eventKey: `joint_report:${report.id}:v${report.version + 1}:${template}`,
        recipientUserIds: await holdersOf(tx, ROLE_OF[OTHER[department]], report.countyCode),
        template,
        params: {
          ...params,
          countyName: county,
          department: DEPARTMENT_LABELS[department],
          // What the WeChat alert's fields show (待办事项 / 申请单位).
          stageLabel: template === 'joint_report.cancelled' ? '联合行文已撤销' : '联合行文已更正，请重新签发',
          enterpriseName: county,
          trackingNo: '',
        },
        channels: ['oa_template'],
      },
      this.deps.now(),
    );
  }
}

/**
 * The machine's answer: a report already submitted or cancelled says so whatever version the caller
 * saw; otherwise the version comes first, then the guards (the drafting department, the reason).
 */
function decide(report: JointReportRow, event: ReportEvent, auth: Actor, department: Department, reason: string, version: number) {
  if (!reviewerCounties(auth).includes(report.countyCode)) throw new NotFoundError('没有这份联合行文，或它不属于您所在的县（市）区');
  const decided = transition(
    reportMachine,
    report.status,
    event,
    auth.grants.map((g) => g.role),
    {
      department,
      actorId: auth.userId,
      miitSignedBy: report.miitSignedBy,
      financeSignedBy: report.financeSignedBy,
      draftedDepartment: report.draftedDepartment,
      reason,
    },
  );
  if (!decided.ok && decided.reason === 'not_allowed_in_state')
    throw new ConflictError(decided.message, report.status === 'cancelled' ? 'report_cancelled' : 'already_submitted');
  if (report.version !== version) throw staleError();
  if (!decided.ok) throw refusal(decided);
  return decided;
}

function refusal(decided: Extract<TransitionResult<ReportState, ReportEffect>, { ok: false }>): DomainError {
  if (decided.reason === 'role_not_allowed' || decided.guard === 'draftingDepartment') return new ForbiddenError(decided.message);
  if (decided.guard === 'reasonGiven') return new InvalidInputError(decided.message, [{ path: 'reason', message: decided.message }]);
  return new ConflictError(decided.message, 'invalid_transition');
}

function sameOrder(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
