/**
 * 申报批次 (issue 18): city MIIT sees every round — its window, the county's and the city's deadlines,
 * how many applications it holds — opens a new one, changes an open one's dates or notice, and closes
 * one. Dates are picked, not typed; a missing date is named before anything is sent, and the server's
 * checks (end after start, deadlines after the window, no overlapping open windows) are shown under
 * the form in its own Chinese words.
 */
import { page } from '../../../services/page';
import * as api from '../../../services/api';
import { ApiError } from '../../../services/http';
import { thisYear } from '../../../logic/format';
import { showModal, showToast } from '../../../services/wxp';

interface Row {
  id: string;
  name: string;
  version: number;
  open: boolean;
  statusText: string;
  windowText: string;
  deadlinesText: string;
  countText: string;
  closeLabel: string;
  editLabel: string;
  dates: { opensOn: string; closesOn: string; countyDeadline: string; cityDeadline: string; notice: string };
}

const DATE_FIELDS = [
  ['opensOn', '申报开始日期'],
  ['closesOn', '申报截止日期'],
  ['countyDeadline', '县级审核截止日期'],
  ['cityDeadline', '市级审核截止日期'],
] as const;

const EMPTY = { opensOn: '', closesOn: '', countyDeadline: '', cityDeadline: '', notice: '' };

Component(
  page({
    data: {
      rows: [] as Row[],
      /** The round being changed; null: the form opens a new one. */
      editing: null as null | { id: string; name: string; version: number },
      form: { year: String(thisYear()), number: '', ...EMPTY },
      problems: [] as string[],
    },
    methods: {
      async onLoad() {
        await this.load();
      },
      async load() {
        const { rounds } = await api.rounds();
        const rows: Row[] = rounds.map((r) => ({
          id: r.id,
          name: r.name,
          version: r.version,
          open: r.status === 'open',
          statusText: r.status === 'closed' ? '已关闭' : r.acceptingToday ? '受理中' : '未到申报时间',
          windowText: `申报时间 ${r.opensOn} 至 ${r.closesOn}`,
          deadlinesText: `县级审核截止 ${r.countyDeadline}，市级审核截止 ${r.cityDeadline}`,
          countText: `已提交 ${r.applications} 份`,
          closeLabel: `关闭${r.name}`,
          editLabel: `修改${r.name}的日期和通知`,
          dates: {
            opensOn: r.opensOn,
            closesOn: r.closesOn,
            countyDeadline: r.countyDeadline,
            cityDeadline: r.cityDeadline,
            notice: r.notice,
          },
        }));
        const next = rounds.filter((r) => r.year === Number(this.data.form.year)).reduce((n, r) => Math.max(n, r.number), 0) + 1;
        this.setData({ rows, ...(this.data.editing ? {} : { 'form.number': String(next) }) });
      },
      onField(e: WechatMiniprogram.CustomEvent<{ value: string }, Record<string, never>, { field: string }>) {
        this.setData({ [`form.${e.currentTarget.dataset.field}`]: e.detail.value, problems: [] });
      },
      onEdit(e: WechatMiniprogram.CustomEvent<Record<string, never>, Record<string, never>, { id: string }>) {
        const row = this.data.rows.find((r) => r.id === e.currentTarget.dataset.id);
        if (!row) return;
        this.setData({
          editing: { id: row.id, name: row.name, version: row.version },
          form: { ...this.data.form, ...row.dates },
          problems: [],
        });
      },
      onCancelEdit() {
        this.setData({ editing: null, form: { ...this.data.form, ...EMPTY }, problems: [] });
        void this.load();
      },
      /** The form's own check: every date chosen. The rest is the server's, in its words. */
      missing(): string[] {
        const f = this.data.form as Record<string, string>;
        return DATE_FIELDS.filter(([k]) => !f[k]).map(([, label]) => `请选择${label}`);
      },
      async onSave() {
        const missing = this.missing();
        if (missing.length) {
          this.setData({ problems: missing });
          return;
        }
        const f = this.data.form;
        const dates = {
          opensOn: f.opensOn,
          closesOn: f.closesOn,
          countyDeadline: f.countyDeadline,
          cityDeadline: f.cityDeadline,
          notice: f.notice,
        };
        try {
          if (this.data.editing) {
            await api.editRound(this.data.editing.id, { ...dates, version: this.data.editing.version }, { quiet: true });
            showToast({ title: '已保存', icon: 'success' });
          } else {
            await api.openRound({ ...dates, year: Number(f.year), number: Number(f.number) }, { quiet: true });
            showToast({ title: '已开启', icon: 'success' });
          }
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          const details = err.details.map((d) => d.message);
          this.setData({ problems: details.length ? details : [err.message] });
          return;
        }
        this.setData({ editing: null, form: { ...f, ...EMPTY }, problems: [] });
        await this.load();
      },
      async onClose(e: WechatMiniprogram.CustomEvent<Record<string, never>, Record<string, never>, { id: string }>) {
        const row = this.data.rows.find((r) => r.id === e.currentTarget.dataset.id);
        if (!row) return;
        const ok = await showModal({
          title: row.closeLabel,
          content: '关闭后不再受理新的申请，有草稿的企业和各县（市）区会收到通知；已退回的申请在补正期限内仍可补正。',
        });
        if (!ok.confirm) return;
        await api.closeRound(row.id, row.version);
        showToast({ title: '已关闭', icon: 'success' });
        if (this.data.editing?.id === row.id) this.setData({ editing: null, form: { ...this.data.form, ...EMPTY } });
        await this.load();
      },
    },
  }),
);
