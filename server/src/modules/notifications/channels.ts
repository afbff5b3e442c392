/**
 * Which WeChat message each outbox template becomes, per channel: the subscribe-message template
 * of the mini-program (订阅消息) and the official account's template message (模板消息), their
 * fields, and the page the message opens. The inbox copy is the template's own title and body.
 *
 * Field keys are those of the templates chosen from WeChat's public library; their prefix is their
 * type (thing, phrase, character_string, time, amount …), and every value is cut to that type's
 * rule here (fields.ts) so that WeChat never refuses a message for a long company name.
 */
import { z } from 'zod';
import type { MessageData, SubscribeMessageInput, TemplateMessageInput } from '../../wechat/clients';
import { applicationMachine } from '../../../../shared/src/workflow/application';
import { APPLICANT_EVENT_WORDS } from '../../../../shared/src/glossary/terms';
import { cutSubscribeField, cutTemplateField, formatShanghaiTime } from './fields';
import type { MessageKind, NotificationSettings } from './settings';
import type { TemplateName } from './templates';

/** What a user chooses to receive, per group and channel (notification_preferences). */
export const TEMPLATE_GROUPS = ['progress', 'queue', 'digest'] as const;
export type TemplateGroup = (typeof TEMPLATE_GROUPS)[number];
export const WECHAT_CHANNELS = ['mp_subscribe', 'oa_template'] as const;
export type WechatChannel = (typeof WECHAT_CHANNELS)[number];

export const GROUP_LABELS: Record<TemplateGroup, string> = {
  progress: '申报与备案进度',
  queue: '待办提醒',
  digest: '每日待办汇总',
};

/** The outbox payload as enqueueNotifications writes it. */
export const payloadSchema = z.object({
  title: z.string(),
  body: z.string(),
  page: z.string(),
  params: z.record(z.string(), z.string()).default({}),
});
export type Payload = z.infer<typeof payloadSchema>;

/** The payload column's JSON text, checked; null when it is not what enqueueNotifications writes. */
export function parsePayload(text: string | null): Payload | null {
  if (text === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = payloadSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

interface FieldContext {
  p: Record<string, string>;
  payload: Payload;
  /** When the event happened (the row's created_at). */
  at: number;
}
type FieldBuilder = (c: FieldContext) => string;

interface ChannelTemplate {
  kind: MessageKind;
  fields: Record<string, FieldBuilder>;
}

interface TemplateChannels {
  group: TemplateGroup;
  mp: ChannelTemplate;
  oa: ChannelTemplate;
}

/** Five Chinese characters for each state (`phrase` holds no more), from either of its labels. */
const STATE_PHRASES: Record<string, string> = {
  draft: '草稿',
  provider_check: '待确认',
  county_review: '县级审核',
  county_approved: '县级通过',
  reported: '市级审核',
  city_approved: '已核定',
  listed: '已列名单',
  approved: '已批准',
  disbursed: '已拨付',
  returned: '已退回',
  rejected: '未通过',
  withdrawn: '已撤回',
};
const LABEL_PHRASES = new Map<string, string>();
for (const [state, def] of Object.entries(applicationMachine.states)) {
  const phrase = STATE_PHRASES[state];
  if (phrase === undefined) continue;
  LABEL_PHRASES.set(def.labels.applicant, phrase);
  LABEL_PHRASES.set(def.labels.reviewer, phrase);
}
for (const words of Object.values(APPLICANT_EVENT_WORDS)) LABEL_PHRASES.set(words.label, words.phrase);

/** A status label as a `phrase`: the state's own short form when the label is one of the machine's. */
export function statusPhrase(label: string | undefined): string {
  if (!label) return '有更新';
  return LABEL_PHRASES.get(label) ?? label;
}

const time: FieldBuilder = (c) => formatShanghaiTime(c.at);
const param =
  (name: string, fallback = ''): FieldBuilder =>
  (c) =>
    c.p[name] || fallback;

const progressMp: ChannelTemplate = {
  // 申请进度通知: 申报编号 / 申请事项 / 当前进度 / 温馨提示 / 更新时间
  kind: 'applicationProgress',
  fields: {
    character_string1: param('trackingNo', '-'),
    thing2: (c) => c.p.enterpriseName || '上云补助申请',
    phrase3: (c) => statusPhrase(c.p.statusLabel),
    thing4: (c) => c.p.reason || c.p.nextStep || c.payload.title,
    time5: time,
  },
};
const progressOa: ChannelTemplate = {
  // 审核进度提醒: 申报编号 / 申请单位 / 审核状态 / 更新时间
  kind: 'applicationProgress',
  fields: {
    character_string1: param('trackingNo', '-'),
    thing2: (c) => c.p.enterpriseName || '上云补助申请',
    thing3: (c) => c.p.statusLabel || c.payload.title,
    time4: time,
  },
};

const filingResult = (result: string): TemplateChannels => ({
  group: 'progress',
  // 备案审核结果: 服务商名称 / 审核结果 / 备注 / 时间
  mp: {
    kind: 'filingResult',
    fields: {
      thing1: param('companyName'),
      phrase2: () => result,
      thing3: (c) => c.p.reason || c.p.filingNo || c.payload.title,
      time4: time,
    },
  },
  oa: { kind: 'filingResult', fields: { thing1: param('companyName'), thing2: () => result, time3: time } },
});

const reviewAlert: TemplateChannels = {
  group: 'queue',
  // 待办提醒: 待办事项 / 申请单位 / 编号 / 时间
  mp: {
    kind: 'reviewAlert',
    fields: {
      thing1: (c) => c.p.stageLabel || c.payload.title,
      thing2: param('enterpriseName', '—'),
      character_string3: param('trackingNo', '-'),
      time4: time,
    },
  },
  oa: {
    kind: 'reviewAlert',
    fields: {
      thing1: (c) => c.p.stageLabel || c.payload.title,
      thing2: param('enterpriseName', '—'),
      character_string3: param('trackingNo', '-'),
      time4: time,
    },
  },
};

/**
 * Partial on purpose: a template added elsewhere without a mapping is not a compile error in this
 * module; its WeChat rows end 'dead' with a clear error (the inbox still has it), and a test checks
 * that every template of templates.ts is mapped.
 */
export const CHANNEL_MAP: Partial<Record<TemplateName, TemplateChannels>> = {
  'filing.submitted': {
    group: 'queue',
    mp: {
      kind: 'reviewAlert',
      fields: { thing1: () => '服务商备案待审核', thing2: param('companyName'), character_string3: () => '-', time4: time },
    },
    oa: {
      kind: 'reviewAlert',
      fields: { thing1: () => '服务商备案待审核', thing2: param('companyName'), character_string3: () => '-', time4: time },
    },
  },
  'filing.approved': filingResult('已通过'),
  'filing.returned': filingResult('需修改'),
  'filing.rejected': filingResult('未通过'),
  'filing.revoked': filingResult('已撤销'),
  'application.status': { group: 'progress', mp: progressMp, oa: progressOa },
  'application.confirm_request': {
    group: 'progress',
    // 合同确认提醒: 企业名称 / 申报编号 / 合同金额 / 温馨提示 / 提交时间
    mp: {
      kind: 'confirmRequest',
      fields: {
        thing1: param('enterpriseName'),
        character_string2: param('trackingNo', '-'),
        amount3: param('contractAmount', '0'),
        thing4: () => '请核对合同与付款后确认',
        time5: time,
      },
    },
    oa: {
      kind: 'confirmRequest',
      fields: {
        thing1: param('enterpriseName'),
        character_string2: param('trackingNo', '-'),
        amount3: param('contractAmount', '0'),
        time4: time,
      },
    },
  },
  'application.provider_notice': { group: 'progress', mp: progressMp, oa: progressOa },
  'queue.new_item': reviewAlert,
  // A withdrawn draft reaches the other department as a review alert: stageLabel says what happened.
  'joint_report.corrected': reviewAlert,
  'joint_report.cancelled': reviewAlert,
  'list.cancelled': reviewAlert,
  'account_change.withdrawn': reviewAlert,
  'joint_report.reported': reviewAlert,
  'joint_report.awaiting_signature': reviewAlert,
  'list.awaiting_cosign': reviewAlert,
  'list.awaiting_approval': reviewAlert,
  'list.awaiting_payment': reviewAlert,
  'application.notice_started': { group: 'progress', mp: progressMp, oa: progressOa },
  'application.notice_ended': { group: 'progress', mp: progressMp, oa: progressOa },
  'payment.requested': { group: 'progress', mp: progressMp, oa: progressOa },
  'payment.paid': { group: 'progress', mp: progressMp, oa: progressOa },
  'payment.refunded': { group: 'progress', mp: progressMp, oa: progressOa },
  'payment.paid_payer': { group: 'progress', mp: progressMp, oa: progressOa },
  'payment.refunded_payer': { group: 'progress', mp: progressMp, oa: progressOa },
  'payment.problem': reviewAlert,
  'enterprise.join_code_locked': { group: 'progress', mp: progressMp, oa: progressOa },
  'enterprise.profile_change_requested': reviewAlert,
  'enterprise.profile_change_decided': { group: 'progress', mp: progressMp, oa: progressOa },
  // The reminder rides on the progress subscription the mini-program asks for when a draft is saved.
  'round.reminder': { group: 'progress', mp: progressMp, oa: progressOa },
  'round.changed': { group: 'progress', mp: progressMp, oa: progressOa },
  'round.changed_review': reviewAlert,
  'reviewer.digest': {
    group: 'digest',
    // 每日待办汇总: 待办概况 / 最久的一件 / 日期
    mp: {
      kind: 'digest',
      fields: { thing1: (c) => `待办${c.p.waiting ?? 0}件，超期${c.p.overdue ?? 0}件`, thing2: param('oldest', '—'), time3: time },
    },
    oa: {
      kind: 'digest',
      fields: { thing1: (c) => `待办${c.p.waiting ?? 0}件，超期${c.p.overdue ?? 0}件`, thing2: param('oldest', '—'), time3: time },
    },
  },
};

export function templateGroup(template: string): TemplateGroup | null {
  return (CHANNEL_MAP as Record<string, TemplateChannels | undefined>)[template]?.group ?? null;
}

function mappingOf(template: string): TemplateChannels | null {
  return (CHANNEL_MAP as Record<string, TemplateChannels | undefined>)[template] ?? null;
}

/** A mini-program page path as WeChat takes it: no leading slash, at most 1024 characters. */
function pagePath(page: string): string {
  return page.replace(/^\/+/, '').slice(0, 1024);
}

function fill(t: ChannelTemplate, ctx: FieldContext, cut: (key: string, raw: string, now: number) => string): MessageData {
  const data: MessageData = {};
  for (const [key, build] of Object.entries(t.fields)) data[key] = { value: cut(key, build(ctx), ctx.at) };
  return data;
}

export type BuildResult<T> = { ok: true; message: T } | { ok: false; error: string };

export function buildSubscribeMessage(
  template: string,
  payload: Payload,
  at: number,
  openid: string,
  settings: NotificationSettings,
): BuildResult<SubscribeMessageInput> {
  const mapping = mappingOf(template);
  if (!mapping) return { ok: false, error: `no channel mapping for template ${template}` };
  const ctx: FieldContext = { p: payload.params, payload, at };
  return {
    ok: true,
    message: {
      touser: openid,
      templateId: settings.subscribeTemplateIds[mapping.mp.kind],
      page: pagePath(payload.page),
      data: fill(mapping.mp, ctx, cutSubscribeField),
      miniprogramState: settings.miniprogramState,
      lang: 'zh_CN',
    },
  };
}

export function buildTemplateMessage(
  template: string,
  payload: Payload,
  at: number,
  openid: string,
  mpAppid: string,
  settings: NotificationSettings,
): BuildResult<TemplateMessageInput> {
  const mapping = mappingOf(template);
  if (!mapping) return { ok: false, error: `no channel mapping for template ${template}` };
  const ctx: FieldContext = { p: payload.params, payload, at };
  return {
    ok: true,
    message: {
      touser: openid,
      templateId: settings.oaTemplateIds[mapping.oa.kind],
      // Opens the same page in the mini-program (the official account must be linked to it).
      miniprogram: { appid: mpAppid, pagepath: pagePath(payload.page) },
      data: fill(mapping.oa, ctx, cutTemplateField),
    },
  };
}

/** The subscribe template ids of a group, for the mini-program's wx.requestSubscribeMessage (at most 3 per call). */
export function subscribeTemplateIdsOf(group: TemplateGroup, settings: NotificationSettings): string[] {
  const kinds = new Set<MessageKind>();
  for (const mapping of Object.values(CHANNEL_MAP)) if (mapping && mapping.group === group) kinds.add(mapping.mp.kind);
  return [...kinds].map((k) => settings.subscribeTemplateIds[k]);
}
