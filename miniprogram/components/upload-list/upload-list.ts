/**
 * The files of one kind of material: add them from the camera, the album (several pages at once) or a
 * PDF forwarded in a chat; each shows its upload progress, retries by itself after a dropped connection
 * (services/upload.ts), and when it still fails says why and offers 重试. Uploaded files can be previewed
 * and replaced (the old version stays in the history). Emits `change` with {file} after each upload.
 */
import { page } from '../../services/page';
import { showError } from '../../services/http';
import { ensurePrivacyAgreed } from '../../services/privacy';
import { previewMaterial } from '../../services/preview';
import { replaceMaterial, uploadMaterial } from '../../services/upload';
import type { StoredFile } from '../../shared/contracts/responses';
import * as wxp from '../../services/wxp';
import { fileSizeText } from '../../logic/format';
import { MAX_FILE_BYTES, MAX_PICK, viewerFor } from '../../logic/files';

interface Row {
  id: string;
  name: string;
  mime: string;
  sizeText: string;
}

interface Pending {
  key: string;
  name: string;
  path: string;
  percent: number;
  state: 'uploading' | 'retrying' | 'failed';
  message: string;
  /** Set when the upload replaces this file. */
  replaces: string;
}

const SOURCES = ['拍照', '从手机相册选择（可多张）', '从微信聊天中选择文件（PDF）'];
let sequence = 0;

function rows(files: StoredFile[]): Row[] {
  return files
    .filter((f) => !f.supersededBy)
    .map((f) => ({
      id: f.id,
      name: f.name,
      mime: f.mime,
      sizeText: `${fileSizeText(f.sizeBytes)} · ${viewerFor(f.mime) === 'pdf' ? 'PDF' : '图片'}`,
    }));
}

async function pick(count: number): Promise<wxp.PickedFile[]> {
  const source = await wxp.showActionSheet(SOURCES);
  if (source === null) return [];
  try {
    if (source === 2) return await wxp.chooseMessageFile(count);
    return await wxp.chooseMedia(count, source === 0 ? 'camera' : 'album');
  } catch (err) {
    if (err instanceof wxp.WxError && err.cancelled) return [];
    throw err;
  }
}

Component(
  page({
    options: { addGlobalClass: true },
    properties: {
      ownerType: { type: String, value: '' },
      ownerId: { type: String, value: '' },
      kind: { type: String, value: '' },
      label: { type: String, value: '' },
      hint: { type: String, value: '' },
      files: { type: Array, value: [] },
      editable: { type: Boolean, value: true },
      required: { type: Boolean, value: false },
    },
    data: { rows: [] as Row[], pending: [] as Pending[] },
    observers: {
      files(files: StoredFile[]) {
        this.setData({ rows: rows(files ?? []) });
      },
    },
    methods: {
      async onAdd() {
        if (!this.data.editable) return;
        try {
          if (!(await ensurePrivacyAgreed())) return;
          const picked = await pick(MAX_PICK);
          const added = picked.map((file) => this.enqueue(file, ''));
          // One after another: a phone's uplink is shared, and the order of pages is kept.
          for (const key of added) await this.send(key);
        } catch (err) {
          showError(err);
        }
      },

      async onReplace(e: WechatMiniprogram.BaseEvent) {
        const id = String(e.currentTarget.dataset.id);
        try {
          if (!(await ensurePrivacyAgreed())) return;
          const [file] = await pick(1);
          if (file) await this.send(this.enqueue(file, id));
        } catch (err) {
          showError(err);
        }
      },

      async onRetry(e: WechatMiniprogram.BaseEvent) {
        await this.send(String(e.currentTarget.dataset.key));
      },

      onDiscard(e: WechatMiniprogram.BaseEvent) {
        const key = String(e.currentTarget.dataset.key);
        this.setData({ pending: this.data.pending.filter((p) => p.key !== key) });
      },

      async onPreview(e: WechatMiniprogram.BaseEvent) {
        const row = this.data.rows.find((r) => r.id === String(e.currentTarget.dataset.id));
        if (row) await previewMaterial(row);
      },

      enqueue(file: wxp.PickedFile, replaces: string): string {
        sequence += 1;
        const key = `u${sequence}`;
        const tooBig = file.size > MAX_FILE_BYTES;
        const item: Pending = {
          key,
          name: file.name,
          path: file.path,
          percent: 0,
          state: tooBig ? 'failed' : 'uploading',
          message: tooBig ? '文件超过 20 MB，请压缩或分页后再传' : '等待上传',
          replaces,
        };
        this.setData({ pending: [...this.data.pending, item] });
        return key;
      },

      patch(key: string, change: Partial<Pending>) {
        this.setData({ pending: this.data.pending.map((p) => (p.key === key ? { ...p, ...change } : p)) });
      },

      async send(key: string) {
        const item = this.data.pending.find((p) => p.key === key);
        if (!item || (item.state === 'failed' && item.message.startsWith('文件超过'))) return;
        this.patch(key, { state: 'uploading', percent: 0, message: '正在上传' });
        const hooks = {
          onProgress: (percent: number) => this.patch(key, { percent, message: `正在上传 ${percent}%` }),
          onRetry: (attempt: number) =>
            this.patch(key, { state: 'retrying', percent: 0, message: `网络中断，正在重试（第 ${attempt} 次）` }),
        };
        try {
          const target = { ownerType: this.data.ownerType, ownerId: this.data.ownerId, kind: this.data.kind };
          const file = item.replaces
            ? await replaceMaterial(item.replaces, item.path, hooks)
            : await uploadMaterial(target, item.path, hooks);
          this.setData({ pending: this.data.pending.filter((p) => p.key !== key) });
          this.triggerEvent('change', { file, replaced: item.replaces || null });
        } catch (err) {
          const message = err instanceof Error ? err.message : '上传失败';
          this.patch(key, { state: 'failed', message: `上传失败：${message}` });
          showError(err);
        }
      },
    },
  }),
);
