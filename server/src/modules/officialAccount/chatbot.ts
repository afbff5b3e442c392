import type { Logger } from 'pino';
import type { Config } from '../../config';
import type { Database } from '../../db/database';
import { applicationCountsByStatus } from '../../db/applications/readers';
import { filingsOnRecordNamed, submittedFilingCount } from '../../db/providers';
import type { Tx } from '../../db/tx';
import { activeGrants } from '../../db/users';
import { DomainError } from '../errors';
import type { Actor } from '../actor';
import type { AuditTrail } from '../audit/audit';
import type { EligibilityService } from '../eligibility/eligibilityService';
import { countyName, isCountyRole, ROLE_LABELS, type Role } from '../../../../shared/src/contracts/roles';
import type { Verdict } from '../../../../shared/src/contracts/eligibility';
import { todayInShanghai } from '../../../../shared/src/rules/calendar';
import type { FlowQuestion } from '../../../../shared/src/rules/flow/questions';
import {
  applyAnswer,
  currentStep,
  restoreFlowState,
  startFlow,
  type ApplyAnswerResult,
  type FlowState,
} from '../../../../shared/src/rules/flow/interpreter';
import { answerFromText, normalizeChatText } from './answerText';
import { applicationMachine, type ApplicationState } from '../../../../shared/src/workflow/application';
import { BIND_MAX_FAILURES, BIND_WINDOW_MS, CODE_DIGITS, bindingCodeHash, linkOpenid } from './binding';
import { fitReply, type InboundMessage } from '../../wechat/officialAccount/messageXml';
import {
  bindingCodeByHash,
  claimBindingCode,
  followerProgress,
  prune,
  readFollower,
  recordMessage,
  storedAnswer,
  userById,
  userByOaOpenid,
  userByUnionid,
  writeFollower,
  type Follower,
  type FollowerChanges,
  type FollowerProgress,
  type LinkedUser,
} from '../../db/followers';
import { progressReply, progressText, topicText, verdictText } from './answers';
import { closestTopic, parseCommand, type Command } from './commands';
import { isDuplicateKey } from '../../db/errors';
import { countAwaitingDepartment } from '../../db/applications/awaiting';
import * as T from './texts';
import { RoundService } from '../rounds/rounds';
import { myRoundsAnswer, openRoundLine, roundAnswer, roundQuestion, type RoundQuestion } from './rounds';
import { applicationRowsOfMember } from '../../db/applications';

/**
 * The chatbot behind the official account. Handling a message is planned first — reads only,
 * parameterised lookups outside any transaction (on SQLite, a lookup issued inside the one-queue
 * transaction would wait for that transaction for ever) — and then committed in one short
 * transaction: the dedupe row with the answer, plus the plan's writes, each checked against what the
 * plan read. If anything moved in between, the plan is made again.
 */

export interface ChatbotDeps {
  config: Config;
  db: Database;
  audit: AuditTrail;
  eligibility: EligibilityService;
  now: () => number;
  logger: Logger;
}

interface Plan {
  reply: string | null;
  /** Writes inside the handling transaction; false: what the plan read has changed. */
  apply?: (tx: Tx) => Promise<boolean>;
}

class PlanOutdated extends Error {}
class TooLate extends Error {}

/** A conversation left for a day is over: its next message starts afresh. */
const FLOW_TTL_MS = 24 * 3600_000;
/** WeChat retries within seconds; three days of dedupe rows are plenty. */
const DEDUPE_KEEP_MS = 3 * 24 * 3600_000;
const PRUNE_ONE_IN = 256;
const MAX_PLAN_ATTEMPTS = 3;

const REVIEWER_ROLES: readonly Role[] = ['county_miit', 'county_finance', 'city_miit', 'city_finance'];
const QUEUE_OF: Readonly<Record<string, readonly ApplicationState[]>> = {
  county_miit: ['county_review', 'county_approved'],
  county_finance: ['county_review', 'county_approved'],
  city_miit: ['reported', 'city_approved'],
  city_finance: ['listed', 'approved'],
};

type ActiveFlow = { kind: 'none' } | { kind: 'corrupt' } | { kind: 'active'; state: FlowState };

export function dedupeKey(msg: InboundMessage): string {
  // spec/wechat.md: MsgId for messages, FromUserName + CreateTime for events.
  return msg.msgId !== null && msg.msgType !== 'event' ? `msg:${msg.msgId}` : `evt:${msg.fromUser}:${msg.createTime}`;
}

export class Chatbot {
  private readonly rounds: RoundService;

  constructor(private readonly deps: ChatbotDeps) {
    this.rounds = new RoundService({ db: deps.db, audit: deps.audit, now: deps.now, overdueDays: deps.config.overdueDays });
  }

  /**
   * Events that change nothing and want no answer (menu views, locations, template-send reports…) are
   * answered `success` without being recorded.
   */
  needsHandling(msg: InboundMessage): boolean {
    if (msg.msgType !== 'event') return true;
    const event = (msg.event ?? '').toLowerCase();
    return event === 'subscribe' || event === 'unsubscribe' || (event === 'click' && (msg.eventKey ?? '') !== '');
  }

  /** The answer to a message (null: `success`), handled at most once across instances. */
  async handle(msg: InboundMessage, isLate: () => boolean): Promise<string | null> {
    if (!this.needsHandling(msg)) return null;
    const key = dedupeKey(msg);
    for (let attempt = 1; attempt <= MAX_PLAN_ATTEMPTS; attempt++) {
      if (isLate()) throw new TooLate();
      const plan = await this.plan(msg);
      const reply = plan.reply === null ? null : fitReply(plan.reply);
      const at = this.deps.now();
      try {
        const apply = plan.apply;
        if (apply) {
          await this.deps.db.transaction(async (tx) => {
            // Work that waited past the deadline is not done: the sender was already told to try again.
            if (isLate()) throw new TooLate();
            await recordMessage(tx, { key, openid: msg.fromUser, msgType: msg.msgType, reply, at });
            if (!(await apply(tx))) throw new PlanOutdated();
          });
        } else {
          // A read-only answer writes one row, the dedupe record: a single INSERT is atomic by itself,
          // and skipping BEGIN/COMMIT is most of the endpoint's own cost (bench: 进度).
          if (isLate()) throw new TooLate();
          await this.deps.db.read((tx) => recordMessage(tx, { key, openid: msg.fromUser, msgType: msg.msgType, reply, at }));
        }
      } catch (err) {
        if (err instanceof PlanOutdated) continue;
        if (isDuplicateKey(err)) {
          const stored = await storedAnswer(this.deps.db, key);
          // Handled already (a retry of WeChat): the same answer — and never another person's.
          if (stored !== undefined) return stored.openid === msg.fromUser ? stored.reply : null;
          continue; // another row moved under the plan: plan again
        }
        throw err;
      }
      if (Math.random() * PRUNE_ONE_IN < 1) {
        prune(this.deps.db, at, DEDUPE_KEEP_MS).catch((e: unknown) =>
          this.deps.logger.warn({ err: e }, 'pruning the official account tables failed'),
        );
      }
      return reply;
    }
    return T.BUSY;
  }

  // ---- planning -------------------------------------------------------------------------------------

  private async plan(msg: InboundMessage): Promise<Plan> {
    if (msg.msgType === 'event') {
      const event = (msg.event ?? '').toLowerCase();
      if (event === 'subscribe' || event === 'unsubscribe') return this.planFollow(msg, event === 'subscribe');
      // A menu button sends its key: a command, never an answer to the self-check.
      return this.planText(msg, msg.eventKey ?? '', false);
    }
    if (msg.content === null) return { reply: T.NON_TEXT };
    return this.planText(msg, msg.content, true);
  }

  private async planFollow(msg: InboundMessage, subscribe: boolean): Promise<Plan> {
    const follower = await readFollower(this.deps.db, msg.fromUser);
    const changes: FollowerChanges = subscribe ? { followed: true } : { followed: false, flow: null, flowUpdatedAt: null };
    if (subscribe && msg.unionid !== null) changes.unionid = msg.unionid;
    const now = this.deps.now();
    // Unsubscribe: WeChat shows nothing, so no answer; the follow state tells notifications not to use this channel.
    return { reply: subscribe ? T.welcome() : null, apply: (tx) => writeFollower(tx, msg.fromUser, follower, changes, now) };
  }

  private async planText(msg: InboundMessage, content: string, typed: boolean): Promise<Plan> {
    const text = normalizeChatText(content);
    const command = parseCommand(text);
    // 进度 reads the follower, its linked user and their applications in one statement (with the
    // once-only record, two per message whatever the number of applications).
    const progress = command?.kind === 'progress' ? await followerProgress(this.deps.db, msg.fromUser) : null;
    const follower = progress ? progress.follower : await readFollower(this.deps.db, msg.fromUser);
    const flow = this.activeFlow(follower);

    if (command === null && typed && flow.kind === 'active') return this.planAnswer(msg, follower, flow.state, content);
    if (command === null && typed && flow.kind === 'corrupt') {
      return {
        reply: T.SELF_CHECK_RESTORE_FAILED,
        apply: (tx) => writeFollower(tx, msg.fromUser, follower, { flow: null, flowUpdatedAt: null }, this.deps.now()),
      };
    }
    if (command?.kind === 'selfCheck') return this.planStartFlow(msg, follower);
    if (command?.kind === 'exit') {
      if (flow.kind === 'none') return { reply: T.SELF_CHECK_NONE };
      return {
        reply: T.SELF_CHECK_EXITED,
        apply: (tx) => writeFollower(tx, msg.fromUser, follower, { flow: null, flowUpdatedAt: null }, this.deps.now()),
      };
    }

    // Issue 18: when to apply, the deadline, which round — dates no topic of texts.ts knows.
    const asked = command === null ? roundQuestion(text) : null;
    if (asked !== null) return this.planRound(msg, follower, asked);
    let plan: Plan;
    let fallback = false;
    if (command !== null) {
      plan = await this.planCommand(msg, follower, command, progress);
    } else {
      const target = closestTopic(text);
      if (target === null) return { reply: T.NOT_UNDERSTOOD };
      if (target === 'selfCheck') return this.planStartFlow(msg, follower);
      plan = await this.planCommand(
        msg,
        follower,
        target === 'progress' || target === 'todo' ? { kind: target } : { kind: 'topic', topic: target },
      );
      fallback = true;
    }
    let reply = plan.reply;
    if (reply !== null && fallback) reply += T.FALLBACK_NOTE;
    // A question asked in the middle of the self-check is answered, and the self-check goes on.
    if (reply !== null && flow.kind === 'active') {
      const step = currentStep(flow.state);
      if (step?.kind === 'question') reply += T.selfCheckReminder(this.questionText(flow.state, step.question));
    }
    return { ...plan, reply };
  }

  private async planCommand(
    msg: InboundMessage,
    follower: Follower | null,
    command: Exclude<Command, { kind: 'selfCheck' } | { kind: 'exit' }>,
    progress: FollowerProgress | null = null,
  ): Promise<Plan> {
    switch (command.kind) {
      case 'help':
        return { reply: T.help() };
      case 'topic': {
        const text = topicText(this.deps.eligibility, command.topic);
        if (command.topic !== 'policy') return { reply: text };
        const { open, next } = await this.rounds.current();
        return { reply: `${text}\n${openRoundLine(open, next)}` };
      }
      case 'progress':
        return this.planProgress(msg, follower, progress);
      case 'todo':
        return this.planTodo(msg, follower);
      case 'bind':
        return this.planBind(msg, follower, command.code);
    }
  }

  // ---- who is asking ----------------------------------------------------------------------------------

  /**
   * The mini-program user behind this follower: linked by an earlier `绑定`, or found now by a unionid
   * WeChat gave us — then linked in the handling transaction (`link`).
   */
  private async resolveUser(
    msg: InboundMessage,
    follower: Follower | null,
  ): Promise<{ user: LinkedUser; link?: (tx: Tx) => Promise<boolean> } | null> {
    const linked = await userByOaOpenid(this.deps.db, msg.fromUser);
    if (linked) return { user: linked };
    const unionid = msg.unionid ?? follower?.unionid ?? null;
    if (unionid === null) return null;
    const user = await userByUnionid(this.deps.db, unionid);
    // A user already linked to another follower keeps that link: only `绑定` moves it.
    if (!user || user.oaOpenid !== null) return null;
    const now = this.deps.now();
    return {
      user,
      link: (tx) =>
        linkOpenid(
          tx,
          this.deps.audit,
          { userId: user.id, openid: msg.fromUser, previousHolder: null, via: 'unionid', replaces: false },
          now,
        ),
    };
  }

  // ---- rounds (issue 18 item 2) -------------------------------------------------------------------------

  private async planRound(msg: InboundMessage, follower: Follower | null, asked: RoundQuestion): Promise<Plan> {
    const { open, next } = await this.rounds.current();
    if (asked !== 'mine') return { reply: roundAnswer(asked, open, next) };
    const who = await this.resolveUser(msg, follower);
    if (who === null) return { reply: T.NOT_BOUND };
    if (who.user.status !== 'active') return { reply: T.accountDisabled() };
    const [apps, rounds] = await this.deps.db.read(
      async (tx) => [await applicationRowsOfMember(tx, who.user.id), await this.rounds.roundsIn(tx)] as const,
    );
    const byId = new Map(rounds.map((r) => [r.id, r]));
    const mine = apps.map((a) => ({ trackingNo: a.trackingNo, status: a.status, round: byId.get(a.roundId ?? '') ?? null }));
    return { reply: myRoundsAnswer(mine, open), apply: who.link };
  }

  // ---- 进度 ------------------------------------------------------------------------------------------

  private async planProgress(msg: InboundMessage, follower: Follower | null, progress: FollowerProgress | null): Promise<Plan> {
    // Linked by openid: everything was read with the follower. Otherwise (found by unionid, linked now) the lookups below.
    if (progress?.linked) {
      if (progress.linked.status !== 'active') return { reply: T.accountDisabled() };
      return { reply: progressReply(progress.applications) };
    }
    const who = await this.resolveUser(msg, follower);
    if (who === null) return { reply: T.NOT_BOUND };
    if (who.user.status !== 'active') return { reply: T.accountDisabled() };
    return { reply: await progressText(this.deps.db, who.user.id), apply: who.link };
  }

  // ---- 待办 ------------------------------------------------------------------------------------------

  private async planTodo(msg: InboundMessage, follower: Follower | null): Promise<Plan> {
    const who = await this.resolveUser(msg, follower);
    if (who === null) return { reply: T.NOT_BOUND };
    if (who.user.status !== 'active') return { reply: T.accountDisabled() };
    const db = this.deps.db;
    const grants = (await db.read((tx) => activeGrants(tx, who.user.id))).filter((g) => REVIEWER_ROLES.includes(g.role));
    if (grants.length === 0) return { reply: T.TODO_NOT_REVIEWER, apply: who.link };
    const blocks: string[] = [];
    for (const g of grants) {
      const role = g.role;
      const statuses = QUEUE_OF[role] ?? [];
      const county = isCountyRole(role) ? g.countyCode : null;
      if (isCountyRole(role) && county === null) continue;
      const counts = await applicationCountsByStatus(db, statuses, county);
      const lines = [T.todoHeader(county === null ? ROLE_LABELS[role] : `${countyName(county) ?? county}·${ROLE_LABELS[role]}`)];
      for (const s of statuses) {
        let line = T.todoLine(applicationMachine.states[s].labels.reviewer, counts.get(s) ?? 0);
        if (s === 'county_review' && county !== null) {
          // What waits for this department: no opinion of its own in the current round yet.
          const mine = await db.read((tx) => countAwaitingDepartment(tx, county, role === 'county_miit' ? 'miit' : 'finance'));
          line += T.todoAwaitingMine(mine.county_review);
        }
        lines.push(line);
      }
      if (role === 'city_miit') {
        lines.push(T.todoLine(T.TODO_FILINGS, await submittedFilingCount(db)));
      }
      blocks.push(lines.join('\n'));
    }
    if (blocks.length === 0) return { reply: T.TODO_NOT_REVIEWER, apply: who.link };
    return { reply: `${blocks.join('\n\n')}\n${T.TODO_FOOTER}`, apply: who.link };
  }

  // ---- 绑定 ------------------------------------------------------------------------------------------

  private async planBind(msg: InboundMessage, follower: Follower | null, code: string): Promise<Plan> {
    if (!new RegExp(`^\\d{${CODE_DIGITS}}$`).test(code)) return { reply: T.BIND_USAGE };
    const now = this.deps.now();
    const windowOpen = follower?.bindWindowAt != null && now - follower.bindWindowAt < BIND_WINDOW_MS;
    if (windowOpen && (follower?.bindFailures ?? 0) >= BIND_MAX_FAILURES) return { reply: T.BIND_TOO_MANY };

    const found = await bindingCodeByHash(this.deps.db, bindingCodeHash(this.deps.config.auditKey, code));
    const target = found && found.usedAt === null && found.expiresAt > now ? await userById(this.deps.db, found.userId) : null;
    if (!found || !target) {
      const failures = windowOpen ? (follower?.bindFailures ?? 0) + 1 : 1;
      const windowAt = windowOpen ? (follower?.bindWindowAt ?? now) : now;
      return {
        reply: T.BIND_INVALID,
        apply: (tx) => writeFollower(tx, msg.fromUser, follower, { bindFailures: failures, bindWindowAt: windowAt }, now),
      };
    }
    if (target.status !== 'active') return { reply: T.accountDisabled() };
    const holder = await userByOaOpenid(this.deps.db, msg.fromUser);
    const claim = (tx: Tx) => claimBindingCode(tx, found.id, msg.fromUser, now);
    if (target.oaOpenid === msg.fromUser) return { reply: T.BIND_ALREADY, apply: claim };
    return {
      reply: T.BIND_DONE,
      apply: async (tx) =>
        (await claim(tx)) &&
        linkOpenid(
          tx,
          this.deps.audit,
          { userId: target.id, openid: msg.fromUser, previousHolder: holder?.id ?? null, via: 'code', replaces: target.oaOpenid !== null },
          now,
        ),
    };
  }

  // ---- 自测 ------------------------------------------------------------------------------------------

  private activeFlow(follower: Follower | null): ActiveFlow {
    if (follower === null || follower.flow === null) return { kind: 'none' };
    if (follower.flowUpdatedAt === null || this.deps.now() - follower.flowUpdatedAt > FLOW_TTL_MS) return { kind: 'none' };
    let json: unknown;
    try {
      json = JSON.parse(follower.flow);
    } catch {
      return { kind: 'corrupt' };
    }
    const state = restoreFlowState(json);
    return state === null ? { kind: 'corrupt' } : { kind: 'active', state };
  }

  private questionText(state: FlowState, question: FlowQuestion): string {
    const n = Object.keys(state.answers).length + 1;
    // The mini-program picks the provider from a list; here a person types what they know of it.
    return T.selfCheckQuestion(n, question.text, question.answerType === 'provider_id' ? T.PROVIDER_HELP : question.help);
  }

  private saveFlow(msg: InboundMessage, follower: Follower | null, state: FlowState | null) {
    const now = this.deps.now();
    return (tx: Tx) =>
      writeFollower(
        tx,
        msg.fromUser,
        follower,
        { flow: state === null ? null : JSON.stringify(state), flowUpdatedAt: state === null ? null : now },
        now,
      );
  }

  private planStartFlow(msg: InboundMessage, follower: Follower | null): Plan {
    const state = startFlow(todayInShanghai(new Date(this.deps.now())));
    const step = currentStep(state);
    if (step?.kind !== 'question') return { reply: T.NOT_UNDERSTOOD };
    return { reply: `${T.SELF_CHECK_INTRO}\n${this.questionText(state, step.question)}`, apply: this.saveFlow(msg, follower, state) };
  }

  private async planAnswer(msg: InboundMessage, follower: Follower | null, state: FlowState, content: string): Promise<Plan> {
    const step = currentStep(state);
    if (step?.kind !== 'question') return { reply: T.SELF_CHECK_RESTORE_FAILED, apply: this.saveFlow(msg, follower, null) };
    const question = step.question;
    let answer: string = content.trim();
    if (question.answerType === 'provider_id' && !T.SKIP_WORDS.includes(normalizeChatText(answer).toLowerCase())) {
      const resolved = await this.resolveProvider(normalizeChatText(answer));
      if (resolved.kind !== 'one') {
        return {
          reply: T.selfCheckRetry(
            resolved.kind === 'none' ? T.PROVIDER_NOT_FOUND : T.PROVIDER_AMBIGUOUS,
            this.questionText(state, question),
          ),
        };
      }
      answer = resolved.id;
    }
    const parsed = answerFromText(question, answer);
    const result: ApplyAnswerResult = parsed.ok
      ? applyAnswer(state, parsed.value)
      : { ok: false, state, question, message: parsed.message };
    if (!result.ok) return { reply: T.selfCheckRetry(result.message, this.questionText(state, result.question ?? question)) };
    const next = result.step;
    switch (next.kind) {
      case 'question':
        return { reply: this.questionText(result.state, next.question), apply: this.saveFlow(msg, follower, result.state) };
      case 'stopped':
        return { reply: T.selfCheckStopped(next.stop.clause, next.stop.message), apply: this.saveFlow(msg, follower, null) };
      case 'complete': {
        const who = await this.resolveUser(msg, follower);
        // A bound user's own enterprise brings its history from our records (二（六）), as in the mini-program.
        const auth: Actor | undefined =
          who && who.user.status === 'active' ? { userId: who.user.id, sessionId: '', grants: [] } : undefined;
        let verdict: Verdict;
        try {
          verdict = await this.deps.eligibility.evaluate(next.facts, auth);
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          return { reply: T.selfCheckCouldNotFinish(err.message), apply: this.saveFlow(msg, follower, null) };
        }
        return { reply: verdictText(verdict, next.estimate), apply: this.saveFlow(msg, follower, null) };
      }
    }
  }

  private async resolveProvider(text: string): Promise<{ kind: 'one'; id: string } | { kind: 'none' } | { kind: 'many' }> {
    if (text === '' || text.length > 128) return { kind: 'none' };
    // The filing on record (approved, or revoked later: the rules compare its dates with the contract's).
    const ids = await filingsOnRecordNamed(this.deps.db, text, 2);
    if (ids.length === 0) return { kind: 'none' };
    if (ids.length > 1) return { kind: 'many' };
    return { kind: 'one', id: ids[0] };
  }
}
