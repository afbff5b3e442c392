/**
 * 云服务商备案: the long 备案申报书 in sections, each field checked as it is typed (logic/filingForm.ts),
 * what is still missing counted per section as the form changes (the same submit rules of 三（二）, rules/filingSubmit.ts, the server
 * runs, synced from shared/), saved as a draft on the server between sittings, the eight materials, the
 * 声明, the Word file to print and stamp, then submit; its status, and the reviewer's reasons after a return.
 */
import { page } from '../../../services/page';
import * as api from '../../../services/api';
import { ApiError } from '../../../services/http';
import { openGenerated } from '../../../services/preview';
import { timeline as timelineOf, type TimelineItem } from '../../../logic/timeline';
import { formatTime, today } from '../../../logic/format';
import {
  FILING_SECTIONS,
  getAt,
  itemFields,
  listItems,
  parseField,
  sectionOf,
  setAt,
  textOf,
  type FieldSpec,
  type ListSpec,
} from '../../../logic/filingForm';
import { charCount, declarationText } from '../../../shared/contracts/filingChoices';
import type { ProviderFilingForm } from '../../../shared/contracts/providerFiling';
import { FILING_MATERIALS, filingSubmitProblems, type FilingIssue } from '../../../shared/rules/filingSubmit';
import type { FilingEvent, FilingView, StoredFile } from '../../../shared/contracts/responses';
import { showModal, showToast } from '../../../services/wxp';
import { eventName, FILING_EVENT_NAMES } from '../../../shared/glossary/terms';

type Widget = 'input' | 'textarea' | 'date' | 'choice' | 'multi' | 'bool';

interface Row {
  id: string;
  type: 'field' | 'item' | 'add';
  key: string;
  css: string;
  label: string;
  title: string;
  path: string;
  index: number;
  widget: Widget | '';
  inputType: string;
  hint: string;
  text: string;
  error: string;
  count: number;
  max: number;
  checked: boolean;
  choiceLabels: string[];
  options: { value: string; label: string; checked: boolean }[];
}

const SECTION_TABS = [
  ...FILING_SECTIONS.map((s) => ({ key: s.key, title: s.title.replace(/^[一二三四五六]、|^四（三）/, '') })),
  { key: 'materials', title: '备案材料' },
  { key: 'submit', title: '声明与提交' },
];

const ALL_SPECS: FieldSpec[] = FILING_SECTIONS.flatMap((s) => [...s.fields]);

function widgetOf(spec: FieldSpec): Widget {
  switch (spec.kind) {
    case 'textarea':
      return 'textarea';
    case 'date':
      return 'date';
    case 'choice':
      return 'choice';
    case 'multi':
      return 'multi';
    case 'bool':
      return 'bool';
    default:
      return 'input';
  }
}

function inputType(spec: FieldSpec): string {
  return spec.kind === 'count' || spec.kind === 'year' ? 'number' : spec.kind === 'wan' || spec.kind === 'yuan' ? 'digit' : 'text';
}

/** The spec of a field by its absolute path (list fields by their relative key). */
function specOf(key: string): FieldSpec | null {
  const top = ALL_SPECS.find((f) => f.key === key);
  if (top) return top;
  for (const section of FILING_SECTIONS) {
    for (const list of section.lists) {
      const m = new RegExp(`^${list.path.replace('.', '\\.')}\\.(\\d+)\\.(.+)$`).exec(key);
      const field = m ? list.fields.find((f) => f.key === m[2]) : undefined;
      if (field) return { ...field, key };
    }
  }
  return null;
}

function blankRow(): Omit<Row, 'id' | 'type'> {
  return {
    key: '',
    css: '',
    label: '',
    title: '',
    path: '',
    index: -1,
    widget: '',
    inputType: 'text',
    hint: '',
    text: '',
    error: '',
    count: 0,
    max: 0,
    checked: false,
    choiceLabels: [],
    options: [],
  };
}

function fieldRow(spec: FieldSpec, form: ProviderFilingForm, texts: Record<string, string>, errors: Record<string, string>): Row {
  const value = getAt(form, spec.key);
  const text = texts[spec.key] ?? textOf(spec, value);
  return {
    ...blankRow(),
    id: spec.key,
    type: 'field',
    key: spec.key,
    css: spec.key.replace(/\./g, '-'),
    label: spec.label,
    widget: widgetOf(spec),
    inputType: inputType(spec),
    hint: spec.hint ?? '',
    text,
    error: errors[spec.key] ?? '',
    count: charCount(text),
    max: spec.max ?? 0,
    checked: value === true,
    choiceLabels: (spec.choices ?? []).map((c) => c.label),
    options: (spec.choices ?? []).map((c) => ({
      value: c.value,
      label: c.label,
      checked: Array.isArray(value) && value.includes(c.value),
    })),
  };
}

function listRows(list: ListSpec, form: ProviderFilingForm, texts: Record<string, string>, errors: Record<string, string>): Row[] {
  const rows: Row[] = [];
  listItems(form, list).forEach((_item, index) => {
    rows.push({
      ...blankRow(),
      id: `${list.path}.${index}`,
      type: 'item',
      title: `${list.itemTitle} ${index + 1}`,
      path: list.path,
      index,
    });
    for (const spec of itemFields(list, index)) rows.push(fieldRow(spec, form, texts, errors));
  });
  if (listItems(form, list).length < list.max)
    rows.push({
      ...blankRow(),
      id: `${list.path}.add`,
      type: 'add',
      title: list.itemTitle,
      path: list.path,
      css: list.path.replace(/\./g, '-'),
    });
  return rows;
}

Component(
  page({
    data: {
      id: '',
      version: 0,
      status: '',
      statusLabel: '尚未申报：填写完整并上传材料后提交',
      filingNo: '',
      approvedOn: '',
      editable: true,
      form: {} as ProviderFilingForm,
      texts: {} as Record<string, string>,
      errors: {} as Record<string, string>,
      dirty: false,
      savedText: '',
      section: 'basic',
      sections: SECTION_TABS.map((s) => ({ ...s, count: 0 })),
      rows: [] as Row[],
      materials: FILING_MATERIALS.map((m) => ({
        kind: m.kind as string,
        label: m.label as string,
        clause: m.clause as string,
        required: m.requiredAtSubmit as boolean,
        hint: m.requiredAtSubmit ? '' : '选传：目录和优惠已在表中填写',
        files: [] as StoredFile[],
      })),
      attachedKinds: [] as string[],
      missing: [] as FilingIssue[],
      declarationText: [...declarationText()],
      declarationAccepted: false,
      reviewerReasons: [] as string[],
      timeline: [] as TimelineItem[],
    },
    methods: {
      async onLoad(query: Record<string, string | undefined>) {
        if (query.section) this.setData({ section: query.section });
        const env = query.id ? await api.filing(query.id) : await api.myFiling();
        if (env.filing) await this.show(env.filing, true);
        this.render();
      },

      onHide() {
        // Leaving mid-way keeps what was typed: a draft on the server, not a form lost with the page.
        if (this.data.dirty && this.data.editable) return this.save(true);
        return Promise.resolve();
      },

      onUnload() {
        return this.onHide();
      },

      async show(f: FilingView, reload = false) {
        this.setData({
          id: f.id,
          version: f.version,
          status: f.status,
          statusLabel: f.applicantLabel,
          filingNo: f.filingNo ?? '',
          approvedOn: f.approvedOn ?? '',
          editable: f.status === 'draft' || f.status === 'returned',
          declarationAccepted: f.form.declaration?.accepted === true,
          ...(reload ? { form: f.form, texts: {}, errors: {} } : {}),
        });
        if (reload) await Promise.all([this.loadMaterials(), this.loadHistory()]);
      },

      async loadMaterials() {
        if (!this.data.id) return;
        const { files } = await api.ownerFiles('provider', this.data.id);
        const current = files.filter((f) => !f.supersededBy);
        this.setData({
          materials: this.data.materials.map((m) => ({ ...m, files: current.filter((f) => f.kind === m.kind) })),
          attachedKinds: [...new Set(current.map((f) => f.kind))],
        });
      },

      async loadHistory() {
        if (!this.data.id) return;
        const { items } = await api.filingHistory(this.data.id);
        const decisions = items.filter((e: FilingEvent) => e.byReviewer);
        const latest = decisions[decisions.length - 1];
        this.setData({
          reviewerReasons:
            latest?.reason && (this.data.status === 'returned' || this.data.status === 'rejected' || this.data.status === 'revoked')
              ? [`市工信局意见（${formatTime(latest.at)}）：${latest.reason}`]
              : [],
          timeline: timelineOf(
            items
              .filter((e) => e.event !== 'save')
              .map((e) => ({
                seq: e.seq,
                event: `filing_${e.event}`,
                from: e.from,
                to: e.to,
                toLabel: eventName(e.event, FILING_EVENT_NAMES),
                reason: e.reason,
                at: e.at,
              })),
          ),
        });
      },

      /** The section's rows, and every section's count of what is missing (as the server will count it). */
      render() {
        const { form, texts, errors } = this.data;
        const issues = filingSubmitProblems(form, this.data.attachedKinds, { today: today() });
        const counts: Record<string, number> = {};
        for (const issue of issues) counts[sectionOf(issue.path)] = (counts[sectionOf(issue.path)] ?? 0) + 1;
        for (const key of Object.keys(errors)) if (errors[key]) counts[sectionOf(key)] = (counts[sectionOf(key)] ?? 0) + 1;
        const spec = FILING_SECTIONS.find((s) => s.key === this.data.section);
        const rows = spec
          ? [...spec.fields.map((f) => fieldRow(f, form, texts, errors)), ...spec.lists.flatMap((l) => listRows(l, form, texts, errors))]
          : [];
        this.setData({ rows, missing: issues, sections: SECTION_TABS.map((s) => ({ ...s, count: counts[s.key] ?? 0 })) });
      },

      change(key: string, value: unknown, text: string | null, error: string) {
        const form = error ? this.data.form : setAt(this.data.form, key, value);
        const texts = { ...this.data.texts };
        if (text === null) delete texts[key];
        else texts[key] = text;
        this.setData({ form, texts, errors: { ...this.data.errors, [key]: error }, dirty: true, savedText: '未保存' });
        this.render();
      },

      onText(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        const key = String(e.currentTarget.dataset.key);
        const spec = specOf(key);
        if (!spec) return;
        const result = parseField(spec, e.detail.value);
        this.change(key, result.ok ? result.value : undefined, e.detail.value, result.ok ? '' : result.message);
      },

      onChoice(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        const key = String(e.currentTarget.dataset.key);
        const choice = specOf(key)?.choices?.[Number(e.detail.value)];
        if (choice) this.change(key, choice.value, null, '');
      },

      onMulti(e: WechatMiniprogram.CustomEvent<{ value: string[] }>) {
        this.change(String(e.currentTarget.dataset.key), e.detail.value.length ? e.detail.value : undefined, null, '');
      },

      onBool(e: WechatMiniprogram.CustomEvent<{ value: boolean }>) {
        this.change(String(e.currentTarget.dataset.key), e.detail.value, null, '');
      },

      onDeclaration(e: WechatMiniprogram.CustomEvent<{ value: boolean }>) {
        this.setData({ declarationAccepted: e.detail.value });
        this.change('declaration.accepted', e.detail.value, null, '');
      },

      onAddItem(e: WechatMiniprogram.BaseEvent) {
        const path = String(e.currentTarget.dataset.path);
        const found = getAt(this.data.form, path);
        const items: unknown[] = Array.isArray(found) ? found : [];
        this.setData({ form: setAt(this.data.form, path, [...items, {}]), dirty: true, savedText: '未保存' });
        this.render();
      },

      onRemoveItem(e: WechatMiniprogram.BaseEvent) {
        const path = String(e.currentTarget.dataset.path);
        const index = Number(e.currentTarget.dataset.index);
        const items = getAt(this.data.form, path);
        const rest = Array.isArray(items) ? items.filter((_x, i) => i !== index) : [];
        // What was typed in the rows below moves up with them: start those boxes afresh from the form.
        const prefix = `${path}.`;
        const texts = Object.fromEntries(Object.entries(this.data.texts).filter(([k]) => !k.startsWith(prefix)));
        const errors = Object.fromEntries(Object.entries(this.data.errors).filter(([k]) => !k.startsWith(prefix)));
        this.setData({ form: setAt(this.data.form, path, rest), texts, errors, dirty: true, savedText: '未保存' });
        this.render();
      },

      async onSection(e: WechatMiniprogram.BaseEvent) {
        if (this.data.dirty && this.data.editable) await this.save(true);
        this.setData({ section: String(e.currentTarget.dataset.key) });
        this.render();
      },

      onGoMissing(e: WechatMiniprogram.BaseEvent) {
        this.setData({ section: sectionOf(String(e.currentTarget.dataset.path)) });
        this.render();
      },

      onSave() {
        return this.save(false);
      },

      /** Saves the draft (creating the filing on its first save). Fields with a problem are named, nothing is lost. */
      async save(quietly: boolean): Promise<boolean> {
        const problems = Object.entries(this.data.errors).filter(([, m]) => m);
        if (problems.length) {
          if (!quietly) void showModal({ title: '请先修改', content: problems.map(([, m]) => m).join('\n'), showCancel: false });
          return false;
        }
        try {
          const res = this.data.id
            ? await api.saveFilingForm(this.data.id, this.data.version, this.data.form, { quiet: true })
            : await api.createFiling(this.data.form);
          const created = !this.data.id;
          await this.show(res.filing);
          if (created) await Promise.all([this.loadMaterials(), this.loadHistory()]);
          this.setData({ dirty: false, texts: {}, form: res.filing.form, savedText: `已保存 ${formatTime(Date.now()).slice(11)}` });
          this.render();
          if (!quietly) showToast({ title: '草稿已保存', icon: 'success' });
          return true;
        } catch (err) {
          if (err instanceof ApiError) {
            const errors: Record<string, string> = { ...this.data.errors };
            for (const d of err.details) errors[d.path.replace(/^form\./, '')] = d.message;
            this.setData({ errors, savedText: '保存失败' });
            this.render();
            void showModal({
              title: '未能保存',
              content: err.details.length ? err.details.map((d) => d.message).join('\n') : err.message,
              showCancel: false,
            });
          }
          return false;
        }
      },

      async onMaterialChange() {
        await this.loadMaterials();
        this.render();
      },

      async onDocument() {
        if (this.data.dirty && !(await this.save(true))) return;
        await openGenerated(() => api.filingDocument(this.data.id), 'docx');
      },

      async onSubmit() {
        if (this.data.dirty && !(await this.save(false))) return;
        try {
          const res = await api.submitFiling(this.data.id, this.data.version);
          await this.show(res.filing, true);
          this.render();
          void showModal({ title: '已提交', content: '备案申报已提交市工信局审核，结果会通过消息通知您。', showCancel: false });
        } catch {
          // The server said why (shown); what it counts is what the submit section lists.
          const env = await api.filing(this.data.id);
          this.setData({ missing: env.missing });
        }
      },
    },
  }),
);
