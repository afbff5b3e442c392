/**
 * 申报条件自测: one question per screen from GET /api/v1/eligibility/flow; an answer that rules the
 * enterprise out stops the check at once with its clause and what to do; at the end the server's verdict
 * (POST /api/v1/eligibility/evaluate) with the estimated amount in 元. The answers then start the
 * application (pages/enterprise/index), so nothing is typed twice.
 */
import { page } from '../../../services/page';
import * as api from '../../../services/api';
import { formatFen } from '../../../logic/money';
import {
  answerText,
  buildFacts,
  estimate,
  nextQuestion,
  parseInput,
  progress,
  stopFor,
  type Answers,
  type FlowStopView,
} from '../../../logic/flow';
import { today } from '../../../logic/format';
import { CHECK_FACTS_KEY } from '../../../logic/storageKeys';
import { policyContact } from '../../../shared/pack/accessors';
import type { AnswerValue, FlowDescription, FlowQuestion } from '../../../shared/rules/flow/questions';
import { navigateTo } from '../../../services/wxp';

interface QuestionView {
  id: string;
  text: string;
  help: string;
  answerType: FlowQuestion['answerType'];
  choices: { value: string; label: string }[];
  optional: boolean;
  index: number;
  total: number;
}

interface ResultView {
  eligible: boolean;
  amountText: string;
  estimateText: string;
  failures: { rule: string; clause: string; message: string }[];
  warnings: { rule: string; message: string }[];
}

const EMPTY_FLOW: FlowDescription = {
  policy: 'yichun-2023-cloud',
  title: '',
  questions: [],
  estimate: { ratePercent: 50, rate: { numerator: 1, denominator: 2 }, capFen: 0, formula: '' },
  contact: { department: '', phone: '' },
};

Component(
  page({
    data: {
      step: 'loading' as 'loading' | 'question' | 'stopped' | 'result',
      flow: EMPTY_FLOW,
      answers: {} as Answers,
      /** The order questions were answered in: 上一题 goes back along it. */
      order: [] as string[],
      question: null as QuestionView | null,
      inputText: '',
      choiceValue: '',
      choiceLabel: '',
      error: '',
      stop: null as FlowStopView | null,
      result: null as ResultView | null,
      summary: [] as { id: string; text: string; answer: string }[],
      providers: [] as { id: string; name: string }[],
      today: today(),
      contact: { department: policyContact().department, phone: policyContact().phone },
    },
    methods: {
      async onLoad() {
        const [flow, registry] = await Promise.all([api.eligibilityFlow(), api.providers().catch(() => ({ items: [] }))]);
        this.setData({
          flow,
          contact: flow.contact,
          providers: registry.items
            .filter((p) => p.selectable)
            .map((p) => ({ id: p.id, name: `${p.companyName}${p.filingNo ? `（${p.filingNo}）` : ''}` })),
        });
        await this.showNext({});
      },

      showNext(answers: Answers) {
        const q = nextQuestion(answers);
        if (!q) {
          this.setData({ answers });
          return this.finish();
        }
        const at = progress(answers, q);
        this.setData({
          step: 'question',
          answers,
          question: {
            id: q.id,
            text: q.text,
            help: q.help,
            answerType: q.answerType,
            choices: q.choices ?? [],
            optional: q.optional === true,
            index: at.index,
            total: at.total,
          },
          inputText: '',
          choiceValue: '',
          choiceLabel: '',
          error: '',
        });
        return Promise.resolve();
      },

      current(): FlowQuestion | null {
        const id = this.data.question?.id;
        return this.data.flow.questions.find((q) => q.id === id) ?? null;
      },

      answer(raw: string | boolean | null) {
        const q = this.current();
        if (!q) return Promise.resolve();
        const parsed = parseInput(q, raw);
        if (!parsed.ok) {
          this.setData({ error: parsed.message });
          return Promise.resolve();
        }
        const value: AnswerValue = parsed.value;
        const answers = { ...this.data.answers, [q.id]: value };
        this.setData({ order: [...this.data.order, q.id] });
        const stop = stopFor(q, value, this.data.answers, this.data.today);
        if (stop) {
          this.setData({ step: 'stopped', stop, answers });
          return Promise.resolve();
        }
        return this.showNext(answers);
      },

      onYes() {
        return this.answer(true);
      },
      onNo() {
        return this.answer(false);
      },
      onInput(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        this.setData({ inputText: e.detail.value, error: '' });
      },
      onDate(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        this.setData({ inputText: e.detail.value, error: '' });
      },
      onChoice(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        const choice = this.data.question?.choices[Number(e.detail.value)];
        if (choice) this.setData({ choiceValue: choice.value, choiceLabel: choice.label, error: '' });
      },
      onProvider(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        const provider = this.data.providers[Number(e.detail.value)];
        if (provider) this.setData({ choiceValue: provider.id, choiceLabel: provider.name, error: '' });
      },
      onNext() {
        const type = this.data.question?.answerType;
        const raw = type === 'choice' || type === 'provider_id' ? this.data.choiceValue : this.data.inputText;
        return this.answer(raw);
      },
      onSkip() {
        return this.answer(null);
      },
      onBack() {
        const order = [...this.data.order];
        const last = order.pop();
        if (!last) return Promise.resolve();
        const answers = { ...this.data.answers };
        delete answers[last];
        this.setData({ order, stop: null, result: null });
        return this.showNext(answers);
      },
      onRestart() {
        this.setData({ order: [], stop: null, result: null });
        return this.showNext({});
      },

      async finish() {
        const flow = this.data.flow;
        const facts = buildFacts(this.data.answers, this.data.today);
        // Every question answered and none stopped the check: the facts are there (the interpreter says null otherwise).
        if (!facts) {
          this.setData({ order: [], stop: null, result: null });
          return;
        }
        const verdict = await api.evaluate(facts);
        const e = estimate(facts.cloud.contractAmountFen, facts.otherSubsidiesFen, this.data.today);
        wx.setStorageSync(CHECK_FACTS_KEY, facts);
        const providerName = (id: string) => this.data.providers.find((p) => p.id === id)?.name;
        this.setData({
          step: 'result',
          result: {
            eligible: verdict.eligible,
            amountText: formatFen(verdict.subsidyFen),
            estimateText: verdict.eligible
              ? `按合同金额 ${formatFen(facts.cloud.contractAmountFen)} 的 ${flow.estimate.ratePercent ?? 50}% 计算${verdict.capped ? `，已按单户最高 ${formatFen(flow.estimate.capFen)} 封顶` : ''}${(facts.otherSubsidiesFen ?? 0) > 0 ? `，扣除其他政策已补助 ${formatFen(facts.otherSubsidiesFen ?? 0)}` : ''}。最终金额以审核核定为准。`
              : `按合同金额计算本可补助 ${formatFen(verdict.computedFen || e.computedFen)}，但有条件不符合。`,
            failures: verdict.failures,
            warnings: verdict.warnings,
          },
          summary: this.data.order.map((id) => {
            const q = flow.questions.find((x) => x.id === id)!;
            return { id, text: q.text, answer: answerText(q, this.data.answers[id] ?? null, providerName) };
          }),
        });
      },

      onApply() {
        navigateTo('/pages/enterprise/index/index?fromCheck=1');
      },
    },
  }),
);
