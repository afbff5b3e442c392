/**
 * Opening a material or a generated document inside WeChat: images in WeChat's viewer
 * (wx.previewImage), PDFs and the bureau's .docx/.xlsx in its document reader (wx.downloadFile +
 * wx.openDocument), so that a reviewer on a phone never needs another app.
 */
import * as api from './api';
import { showError } from './http';
import { viewerFor } from '../logic/files';
import { openDocument, previewImage, hideLoading, showLoading } from './wxp';

export async function previewMaterial(file: { id: string; name: string; mime?: string | null }): Promise<void> {
  showLoading({ title: '正在打开' });
  try {
    const path = await api.downloadFile(file.id);
    const viewer = viewerFor(file.mime || file.name);
    if (viewer === 'image') previewImage([path], path);
    else await openDocument(path, viewer);
  } catch (err) {
    // The download has shown the server's words already; a reader that failed has not.
    if (!(err instanceof Error) || !('status' in err)) showError(err);
  } finally {
    hideLoading();
  }
}

/** A document the server generates (备案申报书, 兑付申请表, 联合行文 .docx; 名单, 台账 .xlsx), opened for printing or forwarding. */
export async function openGenerated(fetch: () => Promise<string>, fileType: 'docx' | 'xlsx'): Promise<void> {
  showLoading({ title: '正在生成' });
  try {
    await openDocument(await fetch(), fileType);
  } catch (err) {
    if (!(err instanceof Error) || !('status' in err)) showError(err);
  } finally {
    hideLoading();
  }
}
