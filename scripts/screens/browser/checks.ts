/**
 * Runs inside the page Chromium draws (compiled on the fly by ../render.ts; its own tsconfig has the DOM
 * library). Looks only at the page itself — `<page>` and what is in it — never at the phone's frame.
 *
 * Checks, each failure naming the element (a readable selector, the owner prefixes simulate adds taken off)
 * and its text:
 * - overflow: something sticks out of the 375 px screen sideways (the page would scroll horizontally), and
 *   no box of its own clips or scrolls it;
 * - clipped: text cut off by a box that hides overflow (overflow hidden/clip/ellipsis/line-clamp), text
 *   running out of its own box, an input whose value or text height does not fit it;
 * - tap-target: something the person taps (a tap handler, a button, input, picker, switch, checkbox, radio,
 *   navigator, a label around a control) smaller than 44×44 px; in large-text mode a main action (a
 *   non-mini primary button) smaller than 60×60;
 * - contrast: text against what is behind it (backgrounds and opacity composed up the tree) below 4.5:1,
 *   or 3:1 for large text (≥ 24 px, or ≥ 18.66 px bold); text of a disabled control is exempt (WCAG 1.4.3);
 * - line-height: lines of text closer than 1.3 × the font size (`normal` passes: ≈1.45 for Noto Sans CJK).
 */

import type { CheckName, CheckOptions, Failure, PageContent, ScreensApi } from '../checkTypes';

const TAP_MIN = 44;
const MAIN_ACTION_MIN = 60;
const LINE_HEIGHT_MIN = 1.3;

function root(): Element {
  const page = document.querySelector('body > page');
  if (!page) throw new Error('no <page> in the document');
  return page;
}

function within(el: Element): boolean {
  return root().contains(el);
}

// ---- naming ---------------------------------------------------------------------------------------------

/** Its classes without the owner prefix simulate adds (`main--weui-cell` → `weui-cell`). */
function classesOf(el: Element): string[] {
  return Array.from(el.classList).map((c) => c.replace(/^[\w-]+?--/, ''));
}

function one(el: Element): string {
  const tag = el.tagName.toLowerCase();
  const cls = classesOf(el);
  return `${tag}${cls.map((c) => `.${c}`).join('')}`;
}

function hasOwnClass(el: Element): boolean {
  return classesOf(el).length > 0;
}

/** The element and, for context, its nearest ancestor that has classes (up to <page>). */
function describe(el: Element): string {
  const parts = [one(el)];
  let up = el.parentElement;
  while (up && up !== root() && !hasOwnClass(up)) up = up.parentElement;
  if (up && up !== root() && within(up)) parts.unshift(one(up));
  return parts.join(' > ');
}

function textOf(el: Element): string {
  if (el instanceof HTMLInputElement) return el.value || '';
  const input = el.querySelector('input.wx-input__native');
  if (input instanceof HTMLInputElement && input.value) return input.value.slice(0, 40);
  return (el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 40);
}

// ---- geometry -----------------------------------------------------------------------------------------

function visible(el: Element): boolean {
  const r = el.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) return false;
  const s = getComputedStyle(el);
  return s.visibility !== 'hidden' && s.display !== 'none';
}

function textNodes(): Text[] {
  const out: Text[] = [];
  const walker = document.createTreeWalker(root(), NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const t = n as Text;
    if (!t.data.trim()) continue;
    const parent = t.parentElement;
    if (!parent || !visible(parent)) continue;
    out.push(t);
  }
  return out;
}

function union(rects: DOMRect[]): DOMRect | null {
  if (!rects.length) return null;
  const left = Math.min(...rects.map((r) => r.left));
  const top = Math.min(...rects.map((r) => r.top));
  const right = Math.max(...rects.map((r) => r.right));
  const bottom = Math.max(...rects.map((r) => r.bottom));
  return new DOMRect(left, top, right - left, bottom - top);
}

function rectsOf(t: Text, start = 0, end = t.data.length): DOMRect[] {
  const range = document.createRange();
  range.setStart(t, start);
  range.setEnd(t, end);
  return Array.from(range.getClientRects()).filter((r) => r.width > 0 && r.height > 0);
}

/** Where a text node's characters are (its line fragments). */
function textBox(t: Text): DOMRect | null {
  return union(rectsOf(t));
}

/** The same without whitespace: a space that hangs past the edge where a line wraps is not text cut off. */
function inkBox(t: Text): DOMRect | null {
  const rects: DOMRect[] = [];
  for (const m of t.data.matchAll(/\S+/g)) rects.push(...rectsOf(t, m.index, m.index + m[0].length));
  return union(rects);
}

/**
 * How far a line's box may stand above and below its line without anything being cut: the font's content
 * area is taller than a tight line-height (line-height: 1 on a 60 px "!"), the glyphs are not.
 */
function halfLeadingOverhang(t: Text, el: Element): number {
  const first = rectsOf(t)[0];
  if (!first) return 0;
  const s = getComputedStyle(el);
  const line = s.lineHeight === 'normal' ? first.height : parseFloat(s.lineHeight);
  return Math.max(0, (first.height - line) / 2);
}

/** The padding box of an element, in viewport coordinates. */
function paddingBox(el: Element): DOMRect {
  const r = el.getBoundingClientRect();
  const s = getComputedStyle(el);
  const bl = parseFloat(s.borderLeftWidth) || 0;
  const br = parseFloat(s.borderRightWidth) || 0;
  const bt = parseFloat(s.borderTopWidth) || 0;
  const bb = parseFloat(s.borderBottomWidth) || 0;
  return new DOMRect(r.left + bl, r.top + bt, r.width - bl - br, r.height - bt - bb);
}

function contentBox(el: Element): DOMRect {
  const p = paddingBox(el);
  const s = getComputedStyle(el);
  const pl = parseFloat(s.paddingLeft) || 0;
  const pr = parseFloat(s.paddingRight) || 0;
  const pt = parseFloat(s.paddingTop) || 0;
  const pb = parseFloat(s.paddingBottom) || 0;
  return new DOMRect(p.left + pl, p.top + pt, p.width - pl - pr, p.height - pt - pb);
}

/** Hides what overflows; `auto`/`scroll` scroll it instead (reachable, not lost). */
const clips = (v: string) => v === 'hidden' || v === 'clip';
const scrolls = (v: string) => v === 'auto' || v === 'scroll';
/** What scrolls on the phone: text beyond its edge is reached by scrolling, not lost. */
const isScroller = (el: Element) =>
  ['wx-scroll-view', 'wx-scroll-view__content', 'wx-textarea__content'].some((c) => el.classList.contains(c));

// ---- colour ---------------------------------------------------------------------------------------------

type RGBA = [number, number, number, number];

function parseColor(value: string): RGBA | null {
  const m = /rgba?\(([^)]+)\)/.exec(value);
  if (!m) return null;
  const parts = m[1]
    .split(/[\s,/]+/)
    .filter(Boolean)
    .map(Number);
  return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0, parts[3] ?? 1];
}

function over(top: RGBA, bottom: RGBA): RGBA {
  const a = top[3] + bottom[3] * (1 - top[3]);
  if (a === 0) return [0, 0, 0, 0];
  const ch = (i: number) => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a;
  return [ch(0), ch(1), ch(2), a];
}

function mix(a: RGBA, b: RGBA, t: number): RGBA {
  return [a[0] * t + b[0] * (1 - t), a[1] * t + b[1] * (1 - t), a[2] * t + b[2] * (1 - t), 1];
}

function luminance(c: RGBA): number {
  const lin = (v: number) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
}

function ratio(a: RGBA, b: RGBA): number {
  const [l1, l2] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (l1 + 0.05) / (l2 + 0.05);
}

function hex(c: RGBA): string {
  return `#${[c[0], c[1], c[2]].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
}

/**
 * The colours a text pixel and the pixel beside it end up as: backgrounds composed from <html> down to the
 * text's element, each opacity < 1 on the way blending its whole group with what lies behind it.
 * Returns null where a background image makes it unknowable.
 */
function renderedColors(el: Element, textColor: RGBA): { fg: RGBA; bg: RGBA } | null {
  const chain: Element[] = [];
  for (let e: Element | null = el; e; e = e.parentElement) chain.unshift(e);
  let backdrop: RGBA = [255, 255, 255, 1];
  const groups: { opacity: number; behind: RGBA }[] = [];
  for (const e of chain) {
    const s = getComputedStyle(e);
    if (s.backgroundImage !== 'none') return null;
    const opacity = parseFloat(s.opacity);
    if (opacity < 1) groups.push({ opacity, behind: backdrop });
    const bg = parseColor(s.backgroundColor);
    if (bg && bg[3] > 0) backdrop = over(bg, backdrop);
  }
  let fg = over(textColor, backdrop);
  let bg = backdrop;
  for (const g of groups.reverse()) {
    fg = mix(fg, g.behind, g.opacity);
    bg = mix(bg, g.behind, g.opacity);
  }
  return { fg, bg };
}

function disabledControl(el: Element): boolean {
  return !!el.closest(
    'wx-button[disabled], wx-input[disabled], wx-textarea[disabled], wx-picker[disabled], wx-switch[disabled], wx-checkbox[disabled], wx-radio[disabled]',
  );
}

// ---- the checks -----------------------------------------------------------------------------------------

function runChecks(options: CheckOptions): Failure[] {
  const failures: Failure[] = [];
  const seen = new Set<string>();
  const fail = (check: CheckName, el: Element, detail: string, text = textOf(el)) => {
    const f: Failure = { check, element: describe(el), text, detail };
    const key = `${f.check}|${f.element}|${f.text}`;
    if (seen.has(key)) return;
    seen.add(key);
    failures.push(f);
  };
  const vw = document.documentElement.clientWidth;
  const all = [root(), ...Array.from(root().querySelectorAll('*'))].filter(visible);

  // overflow
  const overflowing: Element[] = [];
  for (const el of all) {
    const r = el.getBoundingClientRect();
    if (r.right <= vw + 0.5 && r.left >= -0.5) continue;
    if (overflowing.some((o) => o.contains(el))) continue;
    let contained = false;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') {
        const b = up.getBoundingClientRect();
        if (b.right <= vw + 0.5 && b.left >= -0.5) contained = true;
        break;
      }
    }
    if (contained) continue;
    overflowing.push(el);
    fail('overflow', el, `spans ${Math.round(r.left)}…${Math.round(r.right)} px of a ${vw} px screen`);
  }

  // clipped: text nodes against the boxes that hold them
  for (const t of textNodes()) {
    const el = t.parentElement!;
    if (el.closest('.wx-textarea__content') || el.closest('wx-switch, wx-checkbox .wx-checkbox-input, wx-radio .wx-radio-input')) continue;
    const quick = textBox(t);
    if (!quick) continue;
    let box: DOMRect | null = null;
    let slack = -1;
    /** The exact extent, measured only for text that seems to stick out (a range per word is not cheap). */
    const exact = (): { ink: DOMRect; slack: number } => {
      box ??= inkBox(t) ?? quick;
      if (slack < 0) slack = halfLeadingOverhang(t, el);
      return { ink: box, slack };
    };
    const beyond = (b: DOMRect, x: boolean, y: boolean): { x: boolean; y: boolean } => {
      const outX = x && (quick.right > b.right + 1 || quick.left < b.left - 1);
      const outY = y && (quick.bottom > b.bottom + 1 || quick.top < b.top - 1);
      if (!outX && !outY) return { x: false, y: false };
      const { ink, slack: v } = exact();
      return {
        x: x && (ink.right > b.right + 1 || ink.left < b.left - 1),
        y: y && (ink.bottom > b.bottom + 1 + v || ink.top < b.top - 1 - v),
      };
    };
    let reported = false;
    let blockChecked = false;
    for (let up: Element | null = el; up && up !== document.body && !reported; up = up.parentElement) {
      if (isScroller(up)) break;
      const s = getComputedStyle(up);
      if (scrolls(s.overflowX) || scrolls(s.overflowY)) break;
      const clipX = clips(s.overflowX);
      const clipY = clips(s.overflowY);
      if (clipX || clipY) {
        const p = paddingBox(up);
        const cut = beyond(p, clipX, clipY);
        if (cut.x || cut.y) {
          const ink = exact().ink;
          fail(
            'clipped',
            el,
            `text cut off by ${up === el ? 'its own box' : describe(up)} (${cut.x ? `${Math.round(ink.width)} px wide in ${Math.round(p.width)}` : `${Math.round(ink.height)} px tall in ${Math.round(p.height)}`})`,
          );
          reported = true;
        }
      }
      if (!blockChecked && !s.display.startsWith('inline') && s.display !== 'contents') {
        blockChecked = true;
        const c = contentBox(up);
        const out = beyond(c, true, up.scrollHeight > up.clientHeight + 1);
        if ((out.x || out.y) && !reported) {
          const ink = exact().ink;
          fail(
            'clipped',
            el,
            `text runs out of its box ${up === el ? '' : `${describe(up)} `}(${out.x ? `${Math.round(ink.width)} px wide in ${Math.round(c.width)}` : `${Math.round(ink.height)} px tall in ${Math.round(c.height)}`})`,
          );
          reported = true;
        }
      }
    }
  }
  for (const input of Array.from(root().querySelectorAll('input.wx-input__native'))) {
    const host = input.parentElement!;
    if (!visible(host)) continue;
    const i = input as HTMLInputElement;
    const fontSize = parseFloat(getComputedStyle(i).fontSize);
    if (i.value && i.scrollWidth > i.clientWidth + 1)
      fail('clipped', host, `the value is ${i.scrollWidth} px wide in a ${i.clientWidth} px input`, i.value.slice(0, 40));
    if (i.clientHeight + 1 < fontSize * 1.2)
      fail('clipped', host, `a ${Math.round(fontSize)} px line in a ${i.clientHeight} px tall input`, i.value.slice(0, 40));
  }

  // tap targets
  const controls = 'wx-button, wx-input, wx-textarea, wx-picker, wx-switch, wx-checkbox, wx-radio, wx-navigator, wx-slider, [data-wxs-tap]';
  const targets = new Set<Element>();
  for (const el of Array.from(root().querySelectorAll(controls))) {
    const label = el.closest('wx-label');
    if (label && within(label) && /^WX-(CHECKBOX|RADIO|SWITCH)$/.test(el.tagName)) targets.add(label);
    else targets.add(el);
  }
  for (const el of targets) {
    if (!visible(el)) continue;
    const r = el.getBoundingClientRect();
    const mini =
      el.tagName === 'WX-BUTTON' &&
      (el.getAttribute('size') === 'mini' || Array.from(el.classList).some((c) => /(^|--)weui-btn_mini$/.test(c)));
    const main =
      el.tagName === 'WX-BUTTON' &&
      !mini &&
      (el.getAttribute('type') === 'primary' || Array.from(el.classList).some((c) => /(^|--)weui-btn_primary$/.test(c)));
    const min = options.largeText && main ? MAIN_ACTION_MIN : TAP_MIN;
    if (r.width + 0.5 < min || r.height + 0.5 < min)
      fail(
        'tap-target',
        el,
        `${Math.round(r.width)}×${Math.round(r.height)} px < ${min}×${min}${min === MAIN_ACTION_MIN ? ' (main action, large text)' : ''}`,
      );
  }

  // contrast and line height, once per element
  const measured = new Set<Element>();
  const inputs = Array.from(root().querySelectorAll('input.wx-input__native')).filter(
    (i) => (i as HTMLInputElement).value && visible(i.parentElement!),
  );
  const subjects: Element[] = [...textNodes().map((t) => t.parentElement!), ...inputs];
  for (const el of subjects) {
    if (measured.has(el)) continue;
    measured.add(el);
    const s = getComputedStyle(el);
    const size = parseFloat(s.fontSize);
    const named = el instanceof HTMLInputElement ? el.parentElement! : el;
    const shown = el instanceof HTMLInputElement ? el.value.slice(0, 40) : textOf(el);
    if (!disabledControl(el)) {
      const color = parseColor(s.color);
      const colors = color ? renderedColors(el, color) : null;
      if (colors) {
        const weight = parseInt(s.fontWeight, 10) || 400;
        const large = size >= 24 || (size >= 18.66 && weight >= 700);
        const need = large ? 3 : 4.5;
        const got = ratio(colors.fg, colors.bg);
        if (got + 1e-9 < need)
          fail(
            'contrast',
            named,
            `${got.toFixed(2)}:1 < ${need}:1 (${hex(colors.fg)} on ${hex(colors.bg)}, ${Math.round(size * 10) / 10}px${weight >= 700 ? ' bold' : ''})`,
            shown,
          );
      }
    }
    if (s.lineHeight !== 'normal') {
      const lh = parseFloat(s.lineHeight) / size;
      if (lh + 0.005 < LINE_HEIGHT_MIN)
        fail(
          'line-height',
          named,
          `line height ${lh.toFixed(2)} < ${LINE_HEIGHT_MIN} (${s.lineHeight} for ${Math.round(size * 10) / 10}px)`,
          shown,
        );
    }
  }
  return failures;
}

/**
 * WeChat's large text (关怀模式, wx.getAppBaseInfo().fontSizeScaleFactor) as the mini-program answers it
 * (miniprogram/services/textScale.ts): each page's root view carries `--text-scale` in its style, set from
 * that factor, and every font size of the WXSS is a multiple of it; boxes given in rpx or px stay. So the
 * factor goes where the app puts it — on each element whose style sets --text-scale (and on <page>, for
 * anything outside the root view), with the root view's `text-large` class from × 1.2.
 */
function applyLargeText(factor: number): void {
  (root() as HTMLElement).style.setProperty('--text-scale', String(factor));
  for (const el of Array.from(root().querySelectorAll('[style*="--text-scale"]'))) {
    (el as HTMLElement).style.setProperty('--text-scale', String(factor));
    // textScaleClass(): from × 1.2 the root view also has `text-large` (with simulate's owner prefix, as its `page` class has).
    const prefix = Array.from(el.classList)
      .find((c) => /(^|--)page$/.test(c))
      ?.replace(/page$/, '');
    if (prefix !== undefined && factor >= 1.2) el.classList.add(`${prefix}text-large`);
  }
}

/** The next state, in the same document: WeChat's styles and this script stay, the page's CSS and body change. */
function load(content: PageContent): number {
  document.getElementById('wxs-page')!.textContent = content.css;
  document.body.className = content.bodyClass;
  document.body.setAttribute('style', content.bodyStyle);
  document.body.innerHTML = content.bodyHtml;
  return document.documentElement.scrollHeight;
}

const api: ScreensApi = { load, runChecks, applyLargeText };
(window as unknown as { __screens: ScreensApi }).__screens = api;
