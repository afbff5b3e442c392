/**
 * 申报批次 (issue 18): city MIIT sees every round — its window, the county's and the city's deadlines,
 * how many applications it holds — opens a new one and closes one. The server checks the dates and
 * answers in Chinese (end after start, deadlines after the window, no overlapping open windows).
 */
import { page } from '../../../services/page';
import * as api from '../../../services/api';
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
}

Component(
  page({
    data: {
      rows: [] as Row[],
      form: { year: String(thisYear()), number: '', opensOn: '', closesOn: '', countyDeadline: '', cityDeadline: '', notice: '' },
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
        }));
        const next = rounds.filter((r) => r.year === Number(this.data.form.year)).reduce((n, r) => Math.max(n, r.number), 0) + 1;
        this.setData({ rows, 'form.number': String(next) });
      },
      onField(e: WechatMiniprogram.CustomEvent<{ value: string }, Record<string, never>, { field: string }>) {
        this.setData({ [`form.${e.currentTarget.dataset.field}`]: e.detail.value });
      },
      async onOpen() {
        const f = this.data.form;
        await api.openRound({ ...f, year: Number(f.year), number: Number(f.number) });
        showToast({ title: '已开启', icon: 'success' });
        this.setData({ form: { ...f, opensOn: '', closesOn: '', countyDeadline: '', cityDeadline: '', notice: '' } });
        await this.load();
      },
      async onClose(e: WechatMiniprogram.CustomEvent<Record<string, never>, Record<string, never>, { id: string }>) {
        const row = this.data.rows.find((r) => r.id === e.currentTarget.dataset.id);
        if (!row) return;
        const ok = await showModal({ title: row.closeLabel, content: '关闭后不再受理新的申请；已退回的申请在补正期限内仍可补正。' });
        if (!ok.confirm) return;
        await api.closeRound(row.id, row.version);
        showToast({ title: '已关闭', icon: 'success' });
        await this.load();
      },
    },
  }),
);
