/**
 * Every word the official account says, in one place, in plain Chinese. The policy answers follow
 * the seed clause by clause and name the clause, so that a reader can check them against the text; the
 * clauses' own words are the installed pack's (`chat`, issue 18 item 4), read when an answer is given,
 * and amounts and dates come from the rules and settings, never typed here.
 */
import { policyPack } from '../../../../shared/src/pack';

/** 五、联系方式 as a reference in a sentence: 市工信局信息化推进科（电话）. */
export function contactText(): string {
  const { department, phone } = policyPack().contact;
  return `${department}（${phone}）`;
}

/** What the HTTP side answers callers that are not WeChat, or WeChat with something wrong. */
export const HTTP_ERRORS = {
  badSignature: '签名校验失败：请求不是来自微信服务器，或公众号 Token 配置不一致',
  badXml: '消息格式不正确：须为微信公众号的 XML 消息',
  tooLarge: '消息过大：公众号消息不超过 64 KiB',
  incomplete: '消息没有完整送达',
  timeout: '消息发送超时',
  notUtf8: '消息不是 UTF-8 编码',
  noEchostr: '缺少 echostr 参数',
  encryptType: 'encrypt_type 只能是 aes 或 raw',
  noAesKey: '本服务器未配置 EncodingAESKey，不能接收安全模式消息',
  wrongAppid: '消息不是发给本公众号的（AppID 不符）',
  undecryptable: '消息无法解密',
  notXmlBody: '请以 XML 提交微信公众号消息',
  compressed: '不接受压缩的消息',
  tooManyCodes: '获取绑定码太频繁，请一小时后再试',
} as const;

/** 10000000 fen → "10万元"; an amount that is not whole 万 in 元 (formatted by the caller's formatYuan). */
export const wanYuan = (wan: number) => `${wan}万元`;

/** One reason of a review opinion, with the material or field it names. */
export const reasonLine = (where: string, message: string) => (where ? `【${where}】${message}` : message);
export const REASON_JOIN = '；';
export const WHERE_JOIN = '，';

export const TRUNCATED_SUFFIX = '\n……（内容较长，未显示完，请在小程序中查看全部）';

export const MENU = [
  '回复下面的文字即可办理：',
  '政策 — 补助标准和上限',
  '条件 — 六项申报条件',
  '材料 — 企业要准备的材料',
  '流程 — 申报和审核的步骤',
  '自测 — 逐题测一测能否申报',
  '进度 — 查看我的申请办到哪一步',
  '绑定 绑定码 — 关联小程序账号',
  '待办 — 审核人员查看待处理事项',
  '备案 — 云服务商备案',
  '联系 — 咨询电话',
].join('\n');

export const help = () => `您好，这里是${policyPack().chat.serviceName}服务。\n${MENU}`;

export const welcome = () => `欢迎关注！这里提供${policyPack().chat.serviceName}的政策咨询、申报自测和进度查询。\n${MENU}`;

export const NOT_UNDERSTOOD = `没能理解您的意思。\n${MENU}`;

export const NON_TEXT = `目前只能识别文字消息。\n${MENU}`;

/** When one follower sends faster than a person types or speaks (the `message.openid` limit). */
export const TOO_FAST = '您发消息有点快，请稍等一分钟再问，我们一条一条回答您。';
export const BUSY = '系统繁忙，您的消息可能没有处理完成，请稍后再发一次。';

export const FALLBACK_NOTE = '\n（以上是与您的问题最接近的内容；回复“帮助”查看全部功能）';

export function policyText(p: {
  title: string;
  effectiveFrom: string;
  ratePercent: number | null;
  capText: string;
  examples: { contract: string; subsidy: string; capped: boolean }[];
}): string {
  const rate = p.ratePercent === null ? '规定比例' : `${p.ratePercent}%`;
  const examples = p.examples.map((e) => `合同额${e.contract}，可补${e.subsidy}${e.capped ? '（封顶）' : ''}`).join('；');
  return [
    `《${p.title}》自 ${p.effectiveFrom} 起施行。`,
    policyPack().chat.policyStandard(rate, p.capText),
    `举例：${examples}。`,
    ...policyPack().chat.policyNotes,
    '回复“条件”查看申报条件，回复“自测”测一测能否申报。',
  ].join('\n');
}

export const conditions = () => [...policyPack().chat.conditions, '回复“自测”逐题核对。'].join('\n');

export const materials = () => [...policyPack().chat.materials, '材料在小程序“我的申请”中拍照或上传PDF即可。'].join('\n');

export const processSteps = () => [...policyPack().chat.process, '办到哪一步，回复“进度”查看。'].join('\n');

export function contact(): string {
  const { department, phone, clause } = policyPack().contact;
  return `咨询请联系${department}，电话 ${phone}（细则${clause}）。`;
}

export const filing = () => [...policyPack().chat.filing, '服务商可在小程序“服务商备案”中在线申报。'].join('\n');

// ---- 进度 ------------------------------------------------------------------------------------------------

export const NOT_BOUND =
  '您的公众号还没有关联小程序账号。请打开“上云补助”小程序，在“我的”页面获取绑定码，然后在这里回复“绑定 绑定码”，例如：绑定 12345678。';

export const accountDisabled = () => `您的账号已停用，如有疑问请联系${contactText()}。`;

export const NO_APPLICATIONS = '您还没有上云补助申请。可回复“自测”测一测能否申报，再到小程序中填写申请。';

export function progressBlock(p: {
  index: number;
  trackingNo: string | null;
  enterprise: string;
  status: string;
  next: string;
  amount: string | null;
  reasons: string | null;
}): string {
  const lines = [`${p.index}. ${p.trackingNo ? `申报编号 ${p.trackingNo}` : '未提交的申请'}（${p.enterprise}）`, `状态：${p.status}`];
  if (p.amount) lines.push(p.amount);
  if (p.reasons) lines.push(`意见：${p.reasons}`);
  lines.push(`下一步：${p.next}`);
  return lines.join('\n');
}

export const verifiedAmount = (yuan: string) => `核定补助：${yuan}`;
export const appliedAmount = (yuan: string) => `测算补助：${yuan}（以核定为准）`;

export const progressHeader = (count: number) => (count === 1 ? '您的申请进度：' : `您的 ${count} 份申请的进度：`);
export const progressMore = (more: number) => `另有 ${more} 份申请，请在小程序“我的申请”中查看。`;

// ---- 待办 ------------------------------------------------------------------------------------------------

export const TODO_NOT_REVIEWER = '“待办”供县（市）区和市级审核人员使用。企业和云服务商请回复“进度”查看申请进度。';

export const todoHeader = (who: string) => `${who}的待办：`;
export const todoLine = (label: string, count: number) => `${label}：${count} 件`;
export const todoAwaitingMine = (count: number) => `（其中待本部门出具意见 ${count} 件）`;
export const TODO_FILINGS = '云服务商备案待审核';
export const TODO_FOOTER = '请在小程序“审核”中处理。';

// ---- 绑定 ------------------------------------------------------------------------------------------------

export const BIND_USAGE = '请回复“绑定”加上小程序里显示的8位绑定码，例如：绑定 12345678。绑定码在小程序“我的”页面获取，10分钟内有效。';
export const BIND_INVALID = '绑定码不对或已过期、已使用。请在小程序“我的”页面重新获取绑定码，10分钟内回复“绑定 绑定码”。';
export const BIND_TOO_MANY = '绑定码输错次数太多，请一小时后再试。';
export const BIND_DONE = '绑定成功！以后回复“进度”可查看申请进度，审核人员回复“待办”可查看待办。';
export const BIND_ALREADY = '您已经绑定过这个小程序账号了。回复“进度”查看申请进度。';
export const bindingCodeHowTo = (code: string) => `请在公众号对话框中发送：绑定 ${code}`;

// ---- 自测 ------------------------------------------------------------------------------------------------

export const SELF_CHECK_INTRO = '开始申报条件自测：每次回答一个问题，随时回复“退出”结束。';
export const selfCheckQuestion = (n: number, text: string, help: string) => `第${n}题：${text}\n${help}`;
export const selfCheckRetry = (message: string, question: string) => `${message}\n\n${question}`;
export const PROVIDER_HELP = '请回复云服务商的备案编号或公司全称（在小程序“已备案云服务商”中可查到）；不清楚请回复“跳过”。';
export const PROVIDER_NOT_FOUND = '没有找到这个已备案的云服务商，请核对备案编号或公司全称；不清楚请回复“跳过”。';
export const PROVIDER_AMBIGUOUS = '找到不止一家云服务商，请回复备案编号。';
export const selfCheckStopped = (clause: string, message: string) =>
  `自测结束：暂不符合申报条件（细则${clause}）。\n${message}\n如有疑问请联系${contactText()}。回复“自测”可重新开始。`;
export const SELF_CHECK_ELIGIBLE = '自测结果：符合申报条件。';
export const SELF_CHECK_NOT_ELIGIBLE = '自测结果：暂不符合申报条件。';
export const selfCheckFailure = (clause: string, message: string) => `· 细则${clause}：${message}`;
export const selfCheckWarning = (clause: string, message: string) => `提醒（细则${clause}）：${message}`;
export const selfCheckPayable = (yuan: string) => `预计可获补助：${yuan}。`;
export const SELF_CHECK_NEXT = '下一步：在“上云补助”小程序中填写申请、上传材料。自测结果仅供参考，以审核为准。';
export const SELF_CHECK_AGAIN = '回复“自测”可重新开始。';
export const SELF_CHECK_EXITED = '已退出自测。回复“自测”可重新开始。';
export const SELF_CHECK_NONE = `当前没有进行中的自测。\n${MENU}`;
export const SELF_CHECK_RESTORE_FAILED = '上次的自测记录无法继续，请回复“自测”重新开始。';
export const selfCheckReminder = (question: string) => `\n\n（自测进行中，继续回答即可，回复“退出”结束）\n${question}`;
export const selfCheckCouldNotFinish = (message: string) => `无法完成自测：${message}\n${SELF_CHECK_AGAIN}`;

// ---- commands and keywords ---------------------------------------------------------------------------

export type Topic = 'policy' | 'conditions' | 'materials' | 'process' | 'contact' | 'filing';

/** Exact words (after normalising) and what they ask for. */
export const COMMAND_WORDS: Readonly<Record<string, Topic | 'help' | 'progress' | 'todo' | 'selfCheck' | 'exit'>> = {
  帮助: 'help',
  菜单: 'help',
  help: 'help',
  '?': 'help',
  政策: 'policy',
  条件: 'conditions',
  材料: 'materials',
  流程: 'process',
  联系: 'contact',
  联系方式: 'contact',
  备案: 'filing',
  进度: 'progress',
  待办: 'todo',
  自测: 'selfCheck',
  退出: 'exit',
};

export const BIND_WORD = '绑定';

/** How people say "I don't know" to an optional question (answerText.ts accepts the same). */
export const SKIP_WORDS: readonly string[] = ['跳过', '不清楚', '不知道', '不确定', 'skip'];

/**
 * Free text is matched against words of the policy's own clauses. A topic's own name weighs most,
 * words that point to it less, words every question shares (补助) least; the highest total wins, ties
 * go to the earlier entry.
 */
export const KEYWORDS: readonly { target: Topic | 'progress' | 'selfCheck' | 'todo'; words: readonly [string, number][] }[] = [
  {
    target: 'policy',
    words: [
      ['补助', 1],
      ['补贴', 1],
      ['多少', 2],
      ['比例', 3],
      ['标准', 3],
      ['上限', 3],
      ['最高', 3],
      ['封顶', 3],
      ['百分之', 3],
      ['50%', 3],
      ['一半', 3],
      ['万元', 2],
      ['能补', 2],
      ['政策', 2],
      ['细则', 2],
      ['施行', 3],
      ['就高不重复', 3],
    ],
  },
  {
    target: 'conditions',
    words: [
      ['条件', 3],
      ['资格', 3],
      ['能不能申请', 3],
      ['能否申请', 3],
      ['可以申请', 2],
      ['符合', 2],
      ['成立', 2],
      ['一年', 2],
      ['信用', 3],
      ['失信', 3],
      ['违法', 3],
      ['违规', 3],
      ['法人', 3],
      ['个体', 3],
      ['工业企业', 2],
      ['首次', 3],
      ['第一次', 3],
      ['重复', 2],
      ['一次', 1],
    ],
  },
  {
    target: 'materials',
    words: [
      ['材料', 3],
      ['资料', 3],
      ['准备', 2],
      ['合同', 2],
      ['营业执照', 3],
      ['执照', 2],
      ['凭证', 3],
      ['发票', 3],
      ['收据', 3],
      ['兑付申请表', 3],
      ['申请表', 2],
      ['总结', 3],
      ['复印件', 3],
      ['上传', 2],
    ],
  },
  {
    target: 'process',
    words: [
      ['流程', 3],
      ['怎么申请', 3],
      ['如何申请', 3],
      ['怎么申报', 3],
      ['如何申报', 3],
      ['步骤', 3],
      ['审核', 2],
      ['审批', 2],
      ['拨付', 2],
      ['到账', 2],
      ['多久', 2],
      ['名单', 2],
      ['公示', 2],
      ['报送', 2],
      ['办理', 2],
      ['程序', 2],
    ],
  },
  {
    target: 'contact',
    words: [
      ['电话', 3],
      ['联系', 3],
      ['咨询', 2],
      ['人工', 2],
      ['客服', 2],
      ['找谁', 3],
      ['科室', 2],
      ['工信局', 1],
    ],
  },
  {
    target: 'filing',
    words: [
      ['备案', 3],
      ['服务商', 2],
      ['云平台', 1],
      ['供应商', 2],
    ],
  },
  {
    target: 'progress',
    words: [
      ['进度', 3],
      ['到哪', 3],
      ['哪一步', 3],
      ['审到', 3],
      ['我的申请', 3],
      ['结果', 1],
    ],
  },
  {
    target: 'selfCheck',
    words: [
      ['自测', 3],
      ['测一测', 3],
      ['测试', 2],
      ['评估', 2],
    ],
  },
  {
    target: 'todo',
    words: [
      ['待办', 3],
      ['待审', 3],
      ['待处理', 3],
    ],
  },
];
