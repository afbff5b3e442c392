/**
 * Who is alerted, once, for the documents that move many applications at a time (DESIGN.md
 * "Notifications", issue 14 item 7): a joint report reaching the city, a proposed list waiting for its
 * co-signature, its approval or its payments, and the public notice (公示) the enterprises on it hear
 * of. One alert per document, not per application; never to the person who just acted, nor to one
 * whom four eyes keeps from the next step (the co-signer does not approve, the approver does not pay).
 * Each is written in the caller's transaction, with the event that causes it.
 */
import type { Tx } from '../../db/tx';
import { enterpriseMemberIds } from '../../db/enterprises';
import { findApplication } from '../../db/applications';
import { formatYuan } from '../../documents/common';
import { countyName } from '../../../../shared/src/contracts/roles';
import { enqueueNotifications, holdersOf } from './outbox';

export interface ListFacts {
  id: string;
  year: number;
  batchNo: number;
  version: number;
  noticeStart: string | null;
  noticeEnd: string | null;
}

/** Holders of the roles, without the people named (the actor, and those four eyes keeps from the next step). */
export async function holdersExcept(
  tx: Tx,
  roles: readonly string[],
  exclude: readonly (string | null)[],
  countyCode: string | null = null,
) {
  const ids: string[] = [];
  for (const role of roles) ids.push(...(await holdersOf(tx, role, countyCode)));
  return [...new Set(ids)].filter((id) => !exclude.includes(id));
}

/** The second signature sent a joint report to the city: 市工信局 and 市财政局 hear of it once (the seed sends it to both). */
export async function alertJointReportReported(
  tx: Tx,
  report: { id: string; version: number; countyCode: string; docNo: string; reportDate: string },
  applicationIds: readonly string[],
  actorId: string,
  now: number,
): Promise<void> {
  let total = 0;
  for (const id of applicationIds) total += (await findApplication(tx, id))?.subsidyFen ?? 0;
  const county = countyName(report.countyCode) ?? '县（市）区';
  await enqueueNotifications(
    tx,
    {
      eventKey: `joint_report:${report.id}:v${report.version}:reported`,
      recipientUserIds: await holdersExcept(tx, ['city_miit', 'city_finance'], [actorId]),
      template: 'joint_report.reported',
      params: {
        countyName: county,
        docNo: report.docNo,
        reportDate: report.reportDate,
        count: String(applicationIds.length),
        total: formatYuan(total),
        // What the WeChat alert's fields show (待办事项 / 申请单位 / 编号).
        stageLabel: '联合行文已报送市里',
        enterpriseName: county,
        trackingNo: '',
      },
      channels: ['oa_template'],
    },
    now,
  );
}

export type ListAlert = 'awaiting_cosign' | 'awaiting_approval' | 'awaiting_payment';

const STAGE_LABELS: Record<ListAlert, string> = {
  awaiting_cosign: '拟补贴名单待会签',
  awaiting_approval: '补贴名单待审批',
  awaiting_payment: '已审批名单待拨付',
};

/**
 * City finance hears that a list waits for it: its co-signature (drafted), its approval (co-signed, or
 * its notice ended) or its payments (approved: one alert for the list, not one per application).
 * `exclude`: the actor and whoever four eyes keeps from that step. `noticeEnded`: the approval waits since the notice ended.
 */
export async function alertCityFinanceOfList(
  tx: Tx,
  alert: ListAlert,
  list: ListFacts,
  members: { count: number; totalFen: number },
  exclude: readonly (string | null)[],
  now: number,
  options: { eventKey?: string; noticeEnded?: boolean } = {},
): Promise<void> {
  if (members.count === 0) return;
  const noticeEnded = options.noticeEnded === true;
  const eventKey = options.eventKey ?? `subsidy_list:${list.id}:v${list.version}:${alert}`;
  await enqueueNotifications(
    tx,
    {
      eventKey,
      recipientUserIds: await holdersExcept(tx, ['city_finance'], exclude),
      template: `list.${alert}`,
      params: {
        year: String(list.year),
        batchNo: String(list.batchNo),
        count: String(members.count),
        total: formatYuan(members.totalFen),
        noticeEnded: noticeEnded ? '1' : '0',
        noticeEnd: list.noticeEnd ?? '',
        stageLabel: STAGE_LABELS[alert],
        enterpriseName: `${list.year}年第${list.batchNo}批名单`,
        trackingNo: '',
      },
      channels: ['oa_template'],
    },
    now,
  );
}

/**
 * The enterprises on a list hear of its public notice: its start (or a longer period), and its end.
 * `phase` names the message; `eventKey` makes each phase once per list and period.
 */
export async function tellEnterprisesOfNotice(
  tx: Tx,
  phase: 'started' | 'extended' | 'ended',
  list: ListFacts,
  applicationIds: readonly string[],
  eventKey: string,
  now: number,
): Promise<void> {
  for (const id of applicationIds) {
    const app = await findApplication(tx, id);
    if (!app) continue;
    const statusLabel = phase === 'ended' ? '公示期已结束' : phase === 'extended' ? '公示期延长' : '名单公示中';
    await enqueueNotifications(
      tx,
      {
        eventKey: `${eventKey}:${app.id}`,
        recipientUserIds: await enterpriseMemberIds(tx, app.enterpriseId),
        template: phase === 'ended' ? 'application.notice_ended' : 'application.notice_started',
        params: {
          applicationId: app.id,
          trackingNo: app.trackingNo ?? '',
          year: String(list.year),
          batchNo: String(list.batchNo),
          noticeStart: list.noticeStart ?? '',
          noticeEnd: list.noticeEnd ?? '',
          extended: phase === 'extended' ? '1' : '0',
          // The subscribe message's fields (申报编号 / 申请事项 / 当前进度 / 温馨提示).
          enterpriseName: '上云补助申请',
          statusLabel,
          reason: '',
          nextStep: phase === 'ended' ? '等待市财政局审批名单' : `公示期 ${list.noticeStart} 至 ${list.noticeEnd}`,
        },
        channels: ['mp_subscribe', 'oa_template'],
      },
      now,
    );
  }
}

/**
 * One department signed a joint report: it now waits for the other department's signature, whose
 * reviewers in the county hear of it once (the signer's own department is not alerted again).
 */
export async function alertReportAwaitsSignature(
  tx: Tx,
  report: { id: string; version: number; countyCode: string; docNo: string; reportDate: string },
  signedBy: 'miit' | 'finance',
  actorId: string,
  now: number,
): Promise<void> {
  const county = countyName(report.countyCode) ?? '县（市）区';
  await enqueueNotifications(
    tx,
    {
      eventKey: `joint_report:${report.id}:v${report.version}:awaiting_signature`,
      recipientUserIds: await holdersExcept(tx, [signedBy === 'miit' ? 'county_finance' : 'county_miit'], [actorId], report.countyCode),
      template: 'joint_report.awaiting_signature',
      params: {
        countyName: county,
        signedDepartment: signedBy === 'miit' ? '工信' : '财政',
        docNo: report.docNo,
        reportDate: report.reportDate,
        stageLabel: '联合行文待签发',
        enterpriseName: county,
        trackingNo: '',
      },
      channels: ['oa_template'],
    },
    now,
  );
}
