/**
 * Accessibility as written, over every WXML file of the mini-program (issue 17 item 2; 工信部《移动互联网应用
 * （APP）适老化通用设计规范》 and WeChat's 小程序适老化设计指南): a screen reader (VoiceOver, TalkBack) reads out
 * what an element says it is and does, so
 * - every tappable element is a `button`, or carries `aria-role` and an `aria-label`;
 * - what it is called says what it does here: not a generic word alone (“按钮”, “点击”, “确定” …), and two
 *   different actions on one page never share a name;
 * - every input, textarea, picker, switch, checkbox, radio and slider has a name: `aria-label`, or a
 *   `label` element around it or pointing at its id.
 * The pictures of `npm run screens` check the sizes and colours; this checks the words.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseWxml, textOf, walk, type WxmlElement } from './support/wxml';

const ROOT = path.resolve(__dirname, '../../miniprogram');

function files(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? files(path.join(dir, d.name)) : [path.join(dir, d.name)]));
}
const wxmlFiles = files(ROOT)
  .filter((f) => f.endsWith('.wxml') && !f.includes(`${path.sep}shared${path.sep}`))
  .map((f) => path.relative(ROOT, f).split(path.sep).join('/'))
  .sort();

const TAP = ['bindtap', 'catchtap', 'bind:tap', 'catch:tap', 'mut-bind:tap', 'capture-bind:tap', 'bindlongpress'];
const FIELDS = new Set(['input', 'textarea', 'picker', 'switch', 'checkbox', 'radio', 'slider']);
const ROLES = new Set(['button', 'link', 'tab', 'checkbox', 'radio', 'switch', 'menuitem', 'option', 'img']);
/** Words that say nothing of what happens: a name made of one of these alone is refused. */
export const GENERIC = new Set([
  '按钮',
  '点击',
  '点击这里',
  '点此',
  '这里',
  '确定',
  '确认',
  '好',
  '好的',
  'ok',
  '提交',
  '查看',
  '详情',
  '更多',
  '打开',
  '选择',
  '删除',
  '取消',
  '返回',
  '链接',
  '操作',
  '进入',
]);

const tappable = (el: WxmlElement) => el.tag === 'navigator' || TAP.some((a) => a in el.attrs);

/** What a screen reader calls it: its aria-label, or a button's own text. */
function nameOf(el: WxmlElement): string {
  const label = el.attrs['aria-label']?.trim();
  if (label) return label.replace(/\s+/g, ' ');
  return el.tag === 'button' || el.tag === 'navigator' ? textOf(el) : '';
}

/** The name with its bindings taken out, for the generic-word check. */
function staticWords(name: string): string {
  return name
    .replace(/\{\{[^}]*\}\}/g, '')
    .replace(/[\s＋+·。.，,：:！!？?（）()“”"']/g, '')
    .toLowerCase();
}

/** Two elements do the same thing when they call the same handler with the same data (or go to the same url). */
function actionOf(el: WxmlElement): string {
  const handler = TAP.map((a) => el.attrs[a]).find(Boolean) ?? el.attrs['url'] ?? el.attrs['form-type'] ?? el.attrs['open-type'] ?? '';
  const data = Object.entries(el.attrs)
    .filter(([k]) => k.startsWith('data-'))
    .map(([k, v]) => `${k}=${v}`)
    .sort();
  return [handler, ...data].join(' ');
}

function hasLabelElement(el: WxmlElement, all: WxmlElement[]): boolean {
  for (let up = el.parent; up; up = up.parent) if (up.tag === 'label') return true;
  const id = el.attrs['id'];
  return !!id && all.some((l) => l.tag === 'label' && l.attrs['for'] === id);
}

/** Every problem of one file, each naming the line and the element. */
export function problemsOf(source: string): string[] {
  const all = [...walk(parseWxml(source))];
  const problems: string[] = [];
  const where = (el: WxmlElement) => `line ${el.line} <${el.tag}${el.attrs.class ? ` class="${el.attrs.class}"` : ''}>`;
  const byName = new Map<string, { action: string; el: WxmlElement }>();
  for (const el of all) {
    if (tappable(el)) {
      const name = nameOf(el);
      if (el.tag !== 'button' && el.tag !== 'navigator' && !ROLES.has(el.attrs['aria-role'] ?? ''))
        problems.push(`${where(el)}: tappable without aria-role (one of ${[...ROLES].join(', ')})`);
      if (!name) problems.push(`${where(el)}: tappable without aria-label`);
      // A binding names the thing (删除{{item.title}}); without one a generic word is all it says.
      else if (!/\{\{/.test(name) && (GENERIC.has(staticWords(name)) || !staticWords(name)))
        problems.push(`${where(el)}: “${name}” does not say what it does here`);
      if (name) {
        const seen = byName.get(name);
        const action = actionOf(el);
        if (seen && seen.action !== action) problems.push(`${where(el)}: “${name}” also names a different action at line ${seen.el.line}`);
        else if (!seen) byName.set(name, { action, el });
      }
    }
    if (FIELDS.has(el.tag) && !el.attrs['aria-label']?.trim() && !hasLabelElement(el, all))
      problems.push(`${where(el)}: a field without a name (aria-label or a label element)`);
  }
  return problems;
}

test('the mini-program has its WXML files to check', () => {
  expect(wxmlFiles.length).toBeGreaterThanOrEqual(33);
  expect(wxmlFiles).toContain('pages/home/home.wxml');
});

test.each(wxmlFiles)('%s: every tappable element and field is named for what it does', (file) => {
  expect(problemsOf(fs.readFileSync(path.join(ROOT, file), 'utf8'))).toEqual([]);
});

describe('the check itself fails where it must', () => {
  test('a tappable view without role or label', () => {
    expect(problemsOf('<view bindtap="onGo">去申报</view>')).toEqual([
      'line 1 <view>: tappable without aria-role (one of button, link, tab, checkbox, radio, switch, menuitem, option, img)',
      'line 1 <view>: tappable without aria-label',
    ]);
  });
  test('generic names, on a button’s text or an aria-label', () => {
    expect(problemsOf('<button bindtap="onOk">确定</button>')).toEqual(['line 1 <button>: “确定” does not say what it does here']);
    expect(problemsOf('<view aria-role="button" aria-label="点击" bindtap="onGo">＞</view>')).toHaveLength(1);
    expect(problemsOf('<button bindtap="onOk" aria-label="确认提交申请">确定</button>')).toEqual([]);
    expect(problemsOf('<view aria-role="button" aria-label="删除{{item.title}}" bindtap="onRemove">删除</view>')).toEqual([]);
  });
  test('two different actions with one name on a page; the same action twice is fine', () => {
    const two = '<button bindtap="onSave">保存草稿</button>\n<button bindtap="onSubmit">保存草稿</button>';
    expect(problemsOf(two)).toEqual(['line 2 <button>: “保存草稿” also names a different action at line 1']);
    const same = '<button wx:if="{{a}}" bindtap="onSave">保存草稿</button><button wx:else bindtap="onSave">保存草稿</button>';
    expect(problemsOf(same)).toEqual([]);
  });
  test('fields need a name', () => {
    expect(problemsOf('<view class="weui-label">金额</view><input value="{{a}}" bindinput="onA" />')).toEqual([
      'line 1 <input>: a field without a name (aria-label or a label element)',
    ]);
    expect(problemsOf('<input aria-label="合同金额（元）" bindinput="onA" />')).toEqual([]);
    expect(problemsOf('<label><checkbox value="x" />同意</label>')).toEqual([]);
  });
});
