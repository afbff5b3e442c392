/**
 * Every `code` an error answer can carry, with its HTTP status and what it means. The server's errors
 * (server/src/http/errors.ts) take their code from this list, so a code cannot be answered without
 * being declared here; the OpenAPI document (docs/openapi.json) lists them all.
 *
 * Every error answer is `{"error": {code, message, details: [{path, message}]}}`; `message` is the
 * Chinese sentence for a person, `code` is what a program branches on.
 */
export const ERROR_CODES = {
  // ---- the request itself ----
  invalid_input: { status: 400, description: '提交的内容、查询参数或路径参数有误（details 逐项说明）；或请求体不是合法的 JSON' },
  bad_request: { status: 400, description: 'HTTP 层拒绝了请求（其他 4xx，状态码随具体情况）' },
  unauthenticated: { status: 401, description: '未登录，或登录已过期、无效' },
  callback_refused: { status: 401, description: '微信支付回调的签名、证书或内容核验未通过（微信支付会再次回调）' },
  forbidden: { status: 403, description: '当前角色无权进行此操作' },
  not_found: { status: 404, description: '要找的内容不存在或无权查看；或没有这个接口' },
  method_not_allowed: { status: 405, description: '该接口不支持此请求方法' },
  request_timeout: { status: 408, description: '请求体没有在限定时间内传完' },
  payload_too_large: { status: 413, description: '提交的内容过大（JSON 256 KB、材料 20 MB 一个、每次 10 个）' },
  unsupported_media_type: { status: 415, description: '不支持的内容类型或编码（JSON 接口须为 application/json）' },
  too_many_requests: { status: 429, description: '操作太频繁，请稍后再试' },

  // ---- a change to something that changed meanwhile, or a step the current state does not allow ----
  stale_version: { status: 409, description: '所带的版本号 version 已过时：内容已被他人修改，请刷新后重试' },
  version_required: { status: 409, description: '修改已有的内容时须带上版本号 version' },
  invalid_transition: { status: 409, description: '当前状态下不能进行这一步' },
  not_editable: { status: 409, description: '已提交，不能再修改（等待退回后再改）' },
  conflict: { status: 409, description: '与现有内容冲突' },
  role_not_held: { status: 409, description: '该用户没有这个角色，无需撤销' },
  role_already_held: { status: 409, description: '已拥有该角色' },
  separation_of_duties: { status: 409, description: '同一人不能同时担任同一级工信和财政两个部门的角色' },
  invitation_used: { status: 409, description: '邀请码已被使用' },
  invitation_closed: { status: 409, description: '邀请码已被使用或已作废，无法再作废' },
  invitation_revoked: { status: 410, description: '邀请码已被管理员作废' },
  invitation_expired: { status: 410, description: '邀请码已过期' },
  already_member: { status: 409, description: '已是该企业的成员，或认领正在核实中' },
  filing_exists: { status: 409, description: '已有一份备案申报（details 给出其编号）' },
  application_exists: { status: 409, description: '该企业已有一份申请，一户企业只能申领一次（details 给出其编号）' },
  file_limit_reached: { status: 409, description: '这一类材料的文件数已达上限，请替换原文件' },
  file_superseded: { status: 409, description: '文件已被新版本替换' },
  opinion_given: { status: 409, description: '本部门在本轮已给出审核意见' },
  already_signed: { status: 409, description: '已经签章确认过了' },
  form_superseded: { status: 409, description: '兑付申请表已被新版本取代' },
  newer_version_signed: { status: 409, description: '更新版本的兑付申请表已签章确认' },
  not_reportable: { status: 409, description: '所选申请不能列入联合行文（details 逐份说明）' },
  already_submitted: { status: 409, description: '联合行文已经报送' },
  doc_no_taken: { status: 409, description: '文号已用于本县（市）区的另一份联合行文' },
  report_cancelled: { status: 409, description: '联合行文已撤销' },
  nothing_changed: { status: 409, description: '更正的内容与当前版本相同' },
  list_cosigned: { status: 409, description: '名单已经会签，不能再撤销' },
  list_cancelled: { status: 409, description: '名单已撤销' },
  not_city_approved: { status: 409, description: '所选申请未经市级核定，不能列入拟补贴名单（details 逐份说明）' },
  empty_list: { status: 409, description: '名单上没有（待审批的）申请' },
  not_in_notice: { status: 409, description: '名单不在公示期' },
  notice_running: { status: 409, description: '公示期未满' },
  not_cosigned: { status: 409, description: '名单须先经市财政局会签' },
  objection_pending: { status: 409, description: '有公示异议尚未处理' },
  already_decided: { status: 409, description: '这件异议已经处理过了' },
  no_budget: { status: 409, description: '本年度预算尚未设定' },
  over_budget: { status: 409, description: '超出年度预算，须确认（acknowledgeOverBudget: true）' },
  already_disbursed: { status: 409, description: '已拨付，不能重复拨付' },
  account_missing: { status: 409, description: '申请未填写完整的收款账户' },
  account_name_mismatch: { status: 409, description: '收款账户名与企业名称不一致' },
  voucher_used: { status: 409, description: '国库支付凭证号已登记过另一笔拨付' },
  voucher_reversed: { status: 409, description: '该凭证号的拨付已退汇，重新拨付须用新的凭证号' },
  not_a_payment: { status: 409, description: '只能对拨付记录更正或登记退汇' },
  already_reversed: { status: 409, description: '这笔拨付已退汇冲回' },

  // ---- WeChat Pay ----
  provider_not_approved: { status: 409, description: '服务商不是有效的已备案服务商' },
  mchid_taken: { status: 409, description: '商户号已由另一家服务商开通平台收款' },
  merchant_refused: { status: 422, description: '微信支付拒绝了商户核验请求' },
  wechat_pay_not_offered: { status: [404, 409], description: '该服务商未开通（404）或已停用（409）平台微信支付' },
  already_paid: { status: 409, description: '这笔款项已经支付' },
  payment_closed: { status: 409, description: '这笔付款已关闭' },
  payment_expired: { status: 409, description: '这笔付款（或其订单）已过期' },
  other_payer: { status: 409, description: '这笔付款已由本企业的另一位用户发起支付' },
  ordering: { status: 409, description: '正在向微信支付下单，请稍候' },
  no_openid: { status: 409, description: '须在微信小程序中登录后再支付' },
  not_paid: { status: 409, description: '这笔款项尚未支付' },
  refund_pending: { status: 409, description: '还有一笔退款在处理中' },
  refund_refused: { status: 422, description: '微信支付没有接受这笔退款' },
  payment_used: { status: 409, description: '这笔付款已记入本企业的另一份申请' },
  already_resolved: { status: 409, description: '这条对账记录已经处理过了' },
  wechat_pay_refused: { status: 502, description: '微信支付没有接受这笔订单' },

  // ---- the server and what it depends on ----
  internal: { status: 500, description: '服务器出错（不透露细节，已记入日志）' },
  upstream_unavailable: { status: 502, description: '微信或其他上游服务暂时不可用，可稍后重试' },
  unavailable: { status: 503, description: '数据库暂时不可用' },
} as const satisfies Record<string, { status: number | readonly number[]; description: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The status(es) a code is answered with. */
export type ErrorStatus<C extends ErrorCode> = (typeof ERROR_CODES)[C]['status'] extends infer S
  ? S extends readonly number[]
    ? S[number]
    : S
  : never;

/** The codes that may be answered with `status`: `ErrorCodeFor<409>` is what a ConflictError may carry. */
export type ErrorCodeFor<S extends number> = { [C in ErrorCode]: S extends ErrorStatus<C> ? C : never }[ErrorCode];

/** The HTTP statuses a code is answered with (one, for all but a few). */
export function errorStatuses(code: ErrorCode): readonly number[] {
  const s: number | readonly number[] = ERROR_CODES[code].status;
  return typeof s === 'number' ? [s] : s;
}
