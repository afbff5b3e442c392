/**
 * Every text a notification carries, in one place, in plain Chinese. Each template gives the inbox
 * title and body and the short fields that WeChat's subscribe/template messages allow (a `thing`
 * field holds 20 characters: the worker cuts them to WeChat's rules when it sends).
 */
import { policyPack } from '../../../../shared/src/pack';

export interface Rendered {
  title: string;
  body: string;
  /** The mini-program page the message opens. */
  page: string;
}

type Params = Record<string, string>;

export const TEMPLATES = {
  'filing.submitted': (p: Params): Rendered => ({
    title: '有新的服务商备案待审核',
    body: `${p.companyName} 提交了云服务商备案申报，请核对三（一）五项条件后作出决定。`,
    page: `pages/review/filing/filing?id=${p.filingId}`,
  }),
  'filing.approved': (p: Params): Rendered => ({
    title: '备案已通过',
    body: `${p.companyName} 的云服务商备案已通过，备案编号 ${p.filingNo}，备案日期 ${p.approvedOn}。企业与您签订的服务合同从该日起可申请补助。`,
    page: `pages/provider/filing/filing?id=${p.filingId}`,
  }),
  'filing.returned': (p: Params): Rendered => ({
    title: '备案需要修改',
    body: `市工信局退回了 ${p.companyName} 的备案申报，请按意见修改后重新提交：${p.reason}`,
    page: `pages/provider/filing/filing?id=${p.filingId}`,
  }),
  'filing.rejected': (p: Params): Rendered => ({
    title: '备案未通过',
    body: `${p.companyName} 的备案申报未通过：${p.reason}。如有疑问请联系${policyPack().contact.department} ${policyPack().contact.phone}。`,
    page: `pages/provider/filing/filing?id=${p.filingId}`,
  }),
  'filing.revoked': (p: Params): Rendered => ({
    title: '备案已被撤销',
    body: `${p.companyName} 的备案已于 ${p.revokedOn} 撤销：${p.reason}。此后签订的合同不能申请补助。`,
    page: `pages/provider/filing/filing?id=${p.filingId}`,
  }),
  // The enterprise hears of every change of its application, with what to do next.
  'application.status': (p: Params): Rendered => ({
    title: `申报进度：${p.statusLabel}`,
    body: `您的上云补助申请${p.trackingNo ? `（申报编号 ${p.trackingNo}）` : ''}：${p.statusLabel}。${p.reason ? `意见：${p.reason}。` : ''}${p.nextStep}`,
    page: `pages/enterprise/application/application?id=${p.applicationId}`,
  }),
  'application.confirm_request': (p: Params): Rendered => ({
    title: '请确认企业的上云合同',
    body: `${p.enterpriseName} 提交了上云补助申请（申报编号 ${p.trackingNo}），合同编号 ${p.contractNo}、金额 ${p.contractAmount}。请核对合同与付款，给出上云效果评价后确认，或说明不符之处。`,
    page: `pages/provider/confirm/confirm?id=${p.applicationId}`,
  }),
  'application.provider_notice': (p: Params): Rendered => ({
    title: `申请${p.statusLabel}`,
    body: `${p.enterpriseName} 的上云补助申请（申报编号 ${p.trackingNo}）${p.statusLabel}。${p.reason ? `原因：${p.reason}` : ''}`,
    page: `pages/provider/confirm/confirm?id=${p.applicationId}`,
  }),
  // Reviewers: an alert when an item lands in their queue.
  'queue.new_item': (p: Params): Rendered => ({
    title: `待办：${p.stageLabel}`,
    body: `${p.enterpriseName} 的上云补助申请（申报编号 ${p.trackingNo}）待您处理：${p.stageLabel}。`,
    page: `pages/review/application/application?id=${p.applicationId}`,
  }),
  // A draft document withdrawn by the department that drafted it (DESIGN.md "Corrections after the fact"): the other side hears of it once.
  'joint_report.corrected': (p: Params): Rendered => ({
    title: '联合行文已更正，请重新核对',
    body: `${p.countyName}${p.department}部门更正了联合行文：文号 ${p.docNo}，行文日期 ${p.reportDate}，共 ${p.count} 份申请。原因：${p.reason}。${p.signatureVoid === '1' ? '更正前的签发不再有效，' : ''}请核对更正后的联合行文再签发。`,
    page: 'pages/review/reports/reports',
  }),
  'joint_report.cancelled': (p: Params): Rendered => ({
    title: '联合行文已撤销',
    body: `${p.countyName}${p.department}部门撤销了联合行文（文号 ${p.docNo}），无需再签发。原因：${p.reason}。所列 ${p.count} 份申请仍为县级审核通过，可列入新的联合行文。`,
    page: 'pages/review/reports/reports',
  }),
  // The enterprise took back an account change city finance was alerted of: the item no longer waits.
  'account_change.withdrawn': (p: Params): Rendered => ({
    title: '收款账户变更已撤回',
    body: `${p.enterpriseName} 撤回了上云补助申请（申报编号 ${p.trackingNo}）的收款账户变更，无需再确认；补助仍拨付到原账户。`,
    page: 'pages/city/accountChanges/accountChanges',
  }),
  'list.cancelled': (p: Params): Rendered => ({
    title: '拟补贴名单已撤销',
    body: `市工信局撤销了 ${p.year} 年第 ${p.batchNo} 批拟补贴名单（${p.count} 份申请），无需会签。原因：${p.reason}。`,
    page: 'pages/city/lists/lists',
  }),
  // A joint report signed by one county department waits for the other's signature.
  'joint_report.awaiting_signature': (p: Params): Rendered => ({
    title: '待办：联合行文待签发',
    body: `${p.countyName}${p.signedDepartment}部门已签发联合行文（文号 ${p.docNo}，${p.reportDate}），请核对所列申请后签发，签发后报送市里。`,
    page: 'pages/review/reports/reports',
  }),
  // A joint report reaches the city: one alert per report to both bureaus (the seed sends it to 市工信局 and 市财政局).
  'joint_report.reported': (p: Params): Rendered => ({
    title: '县（市）区联合行文已报送市里',
    body: `${p.countyName}工信、财政部门联合行文（文号 ${p.docNo}，${p.reportDate}）已报送市工信局、市财政局：共 ${p.count} 份申请，申请补助合计 ${p.total}。市工信局逐份审核并核定补助金额，市财政局据此准备名单会签和资金。`,
    page: 'pages/review/queue/queue',
  }),
  // City finance: a list waits for its co-signature, for approval, and — once per approved list — for payment.
  'list.awaiting_cosign': (p: Params): Rendered => ({
    title: '待办：拟补贴名单待会签',
    body: `市工信局起草了 ${p.year} 年第 ${p.batchNo} 批拟补贴名单，共 ${p.count} 份申请，核定补助合计 ${p.total}，请市财政局会签。`,
    page: 'pages/city/lists/lists',
  }),
  'list.awaiting_approval': (p: Params): Rendered => ({
    title: '待办：补贴名单待审批',
    body: `${p.year} 年第 ${p.batchNo} 批补贴名单${p.noticeEnded === '1' ? `公示期已于 ${p.noticeEnd} 结束` : '已会签'}，共 ${p.count} 份申请，核定补助合计 ${p.total}，待市财政局审批。${p.noticeEnded === '1' ? '' : '如需公示，公示期满后再审批。'}会签人不能审批同一份名单。`,
    page: 'pages/city/lists/lists',
  }),
  'list.awaiting_payment': (p: Params): Rendered => ({
    title: '待办：已审批名单待拨付',
    body: `${p.year} 年第 ${p.batchNo} 批补贴名单已审批，${p.count} 份申请待拨付，合计 ${p.total}。请逐份登记拨付；审批名单的人不能登记它的拨付。`,
    page: 'pages/city/lists/lists',
  }),
  // The enterprise hears of the public notice (公示) of the list it is on: its start (or a longer period) and its end.
  'application.notice_started': (p: Params): Rendered => ({
    title: p.extended === '1' ? '拟补贴名单公示期延长' : '拟补贴名单开始公示',
    body: `您的上云补助申请（申报编号 ${p.trackingNo}）所在的 ${p.year} 年第 ${p.batchNo} 批拟补贴名单${p.extended === '1' ? '公示期延长为' : '公示'} ${p.noticeStart} 至 ${p.noticeEnd}。公示期间如有异议，由市工信局受理；公示期满后由市财政局审批。`,
    page: `pages/enterprise/application/application?id=${p.applicationId}`,
  }),
  'application.notice_ended': (p: Params): Rendered => ({
    title: '拟补贴名单公示期已结束',
    body: `您的上云补助申请（申报编号 ${p.trackingNo}）所在的 ${p.year} 年第 ${p.batchNo} 批拟补贴名单公示期已于 ${p.noticeEnd} 结束，等待市财政局审批名单。`,
    page: `pages/enterprise/application/application?id=${p.applicationId}`,
  }),
  // Issue 18: an unsubmitted draft, 3 days and 1 day before its round's window closes (modules/rounds/reminders.ts).
  'round.reminder': (p: Params): Rendered => ({
    title: `申报将于 ${p.closesOn} 截止`,
    body: `${p.enterpriseName} 的上云补助申请还是草稿，尚未提交。${p.roundName}的申报时间到 ${p.closesOn} 截止（还剩 ${p.daysLeft} 天），请补全材料后及时提交，逾期需等下一批。`,
    page: `pages/enterprise/apply/apply?id=${p.applicationId}`,
  }),
  // Issue 18: city MIIT moved a round's window or closed it early — to the people of enterprises with a draft.
  'round.changed': (p: Params): Rendered => ({
    title: p.closed === '1' ? `${p.roundName}申报提前截止` : `${p.roundName}申报时间调整`,
    body: `${p.change}。${p.closed === '1' ? '您的草稿仍然保存着，下一批开始申报时可以提交。' : `您还有尚未提交的草稿，请于 ${p.closesOn} 前补全材料并提交。`}`,
    page: 'pages/home/home',
  }),
  // Issue 18: the same change, or a changed review deadline, to the county departments.
  'round.changed_review': (p: Params): Rendered => ({
    title: `${p.roundName}的日期有调整`,
    body: `市工信局调整了${p.roundName}：${p.change}。请按新的日期安排审核。`,
    page: 'pages/review/queue/queue',
  }),
  // Reviewers: once a day, what waits for them and what is overdue (written by the outbox worker).
  'reviewer.digest': (p: Params): Rendered => ({
    title: `今日待办 ${p.waiting} 件${p.overdue !== '0' ? `，超期 ${p.overdue} 件` : ''}`,
    body: `截至 ${p.date}，待您处理 ${p.waiting} 件，其中超期 ${p.overdue} 件。${p.details}`,
    page: 'pages/review/queue/queue',
  }),
  // Paying the provider through the platform (WeChat Pay).
  'payment.requested': (p: Params): Rendered => ({
    title: '服务商发来付款请求',
    body: `${p.providerName} 请您支付 ${p.amount}（${p.description}${p.contractNo ? `，合同编号 ${p.contractNo}` : ''}）。在小程序中用微信支付付款，平台会记下这笔付款，申报补助时作为已核验的付款凭证。`,
    page: `pages/enterprise/pay/pay?id=${p.paymentId}`,
  }),
  'payment.paid': (p: Params): Rendered => ({
    title: `已收到付款 ${p.amount}`,
    body: `${p.enterpriseName} 通过微信支付向 ${p.providerName} 支付了 ${p.amount}（${p.description}），微信支付单号 ${p.transactionId}。${p.applicationNote}`,
    page: `pages/enterprise/pay/pay?id=${p.paymentId}`,
  }),
  // The enterprise that paid hears it in its own words; the provider's 'payment.paid' says it received the money.
  'payment.paid_payer': (p: Params): Rendered => ({
    title: `付款成功 ${p.amount}`,
    body: `您已通过微信支付向 ${p.providerName} 付款 ${p.amount}（${p.description}），微信支付单号 ${p.transactionId}。平台已记下这笔付款，申报补助时作为已核验的付款凭证。${p.applicationNote}`,
    page: `pages/enterprise/pay/pay?id=${p.paymentId}`,
  }),
  'payment.refunded_payer': (p: Params): Rendered => ({
    title: `已退款给您 ${p.amount}`,
    body: `${p.providerName} 退还了您的付款 ${p.amount}（原付款 ${p.paidAmount}），款项按原路退回；平台核验的实付金额相应减少。${p.applicationNote}`,
    page: `pages/enterprise/pay/pay?id=${p.paymentId}`,
  }),
  'payment.refunded': (p: Params): Rendered => ({
    title: `付款已退款 ${p.amount}`,
    body: `${p.providerName} 退还了 ${p.enterpriseName} 的付款 ${p.amount}（原付款 ${p.paidAmount}），平台核验的实付金额相应减少。${p.applicationNote}`,
    page: `pages/enterprise/pay/pay?id=${p.paymentId}`,
  }),
  'payment.problem': (p: Params): Rendered => ({
    title: '微信支付对账有不一致',
    body: `${p.providerName} 的商户号 ${p.mchid}：${p.message}。请核对后处理。`,
    page: 'pages/city/payments/payments',
  }),
  // Someone kept typing wrong join codes for this enterprise: the codes its members issued are locked.
  'enterprise.join_code_locked': (p: Params): Rendered => ({
    title: '同事邀请码已锁定',
    body: `有人为 ${p.enterpriseName} 连续输错邀请码 ${p.tries} 次，您发出的邀请码已锁定，不能再用。如果是同事输错了，请在“企业申报补助”中为他重新生成邀请码；如果不是，无需处理。`,
    page: 'pages/enterprise/index/index',
  }),
  // A change of the verified profile waits for the county; the enterprise hears the outcome (DESIGN.md, "Corrections after the fact").
  'enterprise.profile_change_requested': (p: Params): Rendered => ({
    title: '待办：企业信息变更待核验',
    body: `${p.enterpriseName} 申请变更已核验的企业信息：${p.summary}。核验前仍以原信息为准，请核对营业执照等材料后核验或说明不予核验的原因。`,
    page: 'pages/review/enterprises/enterprises',
  }),
  'enterprise.profile_change_decided': (p: Params): Rendered => ({
    title: `企业信息${p.statusLabel}`,
    body: `${p.enterpriseName} 的企业信息变更（${p.summary}）：${p.statusLabel}。${p.reason ? `原因：${p.reason}。` : ''}${p.nextStep}`,
    page: 'pages/enterprise/register/register',
  }),
} satisfies Record<string, (p: Params) => Rendered>;

export type TemplateName = keyof typeof TEMPLATES;
