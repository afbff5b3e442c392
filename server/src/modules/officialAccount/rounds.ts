/**
 * The official account's answers about rounds (issue 18 item 2): when one may apply, the deadline,
 * and which round an application is in ("什么时候可以申报", "申报截止时间是什么时候", "我的申请是哪一批").
 * The question is recognised here, before the free-text matching of texts.ts, whose topics know no dates.
 */
import { roundName, type Round } from '../../../../shared/src/workflow/rounds';

export type RoundQuestion = 'when' | 'deadline' | 'mine';

/** Which question about rounds a message asks, if any. */
export function roundQuestion(text: string): RoundQuestion | null {
  const t = text.replace(/\s+/g, '');
  if (/(哪一?批|第几批|什么批次|哪个批次)/.test(t)) return 'mine';
  if (/批次/.test(t) && /我的|我们的|本企业/.test(t)) return 'mine';
  if (/(截止|截至|最晚|最后一天|期限|deadline)/i.test(t)) return 'deadline';
  if (/(什么时候|何时|几号|几月|哪天|时间|开始).*(申报|申请|报名|提交)|(申报|申请|提交)(时间|日期|窗口)|批次/.test(t)) return 'when';
  return null;
}

/** One line on the open round and its deadline, or the next one; for the 政策 answer and the home page. */
export function openRoundLine(open: Round | null, next: Round | null): string {
  if (open) return `当前受理：${roundName(open)}，申报时间 ${open.opensOn} 至 ${open.closesOn}，请在 ${open.closesOn} 前提交。`;
  if (next) return `现在不在申报时间内。下一批（${roundName(next)}）的申报时间是 ${next.opensOn} 至 ${next.closesOn}。`;
  return '现在不在申报时间内，市工信局公布下一批申报时间后会在此告知。';
}

export function roundAnswer(question: Exclude<RoundQuestion, 'mine'>, open: Round | null, next: Round | null): string {
  const line = openRoundLine(open, next);
  if (question === 'deadline' && open)
    return `${roundName(open)}的申报截止日期是 ${open.closesOn}（当天仍可提交）。草稿随时可以保存，提交须在截止日期前。被退回补正的申请，按退回时告知的补正期限提交。`;
  if (question === 'deadline') return line;
  return `${line}${open?.notice ? `\n${open.notice}` : ''}\n草稿随时可以在小程序中填写保存，在申报时间内提交。`;
}

/** 我的申请是哪一批: each of the user's applications with its round, or that it is still a draft. */
export function myRoundsAnswer(
  apps: readonly { trackingNo: string | null; status: string; round: Round | null }[],
  open: Round | null,
): string {
  if (!apps.length) return `您还没有上云补助申请。${open ? `当前受理${roundName(open)}，${open.closesOn} 截止。` : ''}`;
  const lines = apps.map((a) => {
    const ref = a.trackingNo ? `申报编号 ${a.trackingNo}` : '草稿';
    if (a.round) return `${ref}：${roundName(a.round)}（申报时间 ${a.round.opensOn} 至 ${a.round.closesOn}）`;
    if (a.status === 'draft')
      return `${ref}：尚未提交，提交时计入当时受理的批次${open ? `（现为${roundName(open)}，${open.closesOn} 截止）` : ''}`;
    return `${ref}：在设立申报批次之前提交，不属于任何批次`;
  });
  return `您的申请：\n${lines.join('\n')}`;
}
