/** How a material is shown: an image in WeChat's viewer, a PDF or an Office file in WeChat's reader. */
export type Viewer = 'image' | 'pdf' | 'docx' | 'xlsx';

export function viewerFor(mimeOrName: string): Viewer {
  const s = mimeOrName.toLowerCase();
  if (s.includes('pdf')) return 'pdf';
  if (s.includes('spreadsheet') || s.endsWith('.xlsx')) return 'xlsx';
  if (s.includes('wordprocessing') || s.endsWith('.docx')) return 'docx';
  return 'image';
}

export const MAX_FILE_BYTES = 20 * 1024 * 1024;
/** wx.chooseMedia and wx.chooseMessageFile hand over at most this many at once; the server takes 10 a request. */
export const MAX_PICK = 9;
