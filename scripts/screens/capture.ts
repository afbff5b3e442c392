/**
 * One state of one page, as a standalone HTML document a browser draws as the phone does: the tree of
 * `wx-*` elements miniprogram-simulate built (its classes prefixed as simulate prefixes them), with
 *
 * - each built-in component's attributes written onto it (simulate keeps them only on its own virtual tree,
 *   `element.__wxElement._vt.attrs`; WeChat reflects type, size, disabled, checked … so its styles can
 *   select on them) and its inner parts built as WeChat's DOM has them (the <input> of an <input>, the
 *   .wx-switch-input of a <switch>, scroll-view's inner boxes …);
 * - tappable elements (a bind/catch tap or longpress handler) marked `data-wxs-tap` for the tap-target check;
 * - the CSS: WeChat's component styles (wx-components.css), then app.wxss, the page's WXSS and its
 *   components' (wxss.ts);
 * - the phone around it (frame.css): status bar, WeChat's navigation bar with the page's title and the
 *   capsule, and the tab bar on the tab pages.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EDGE_SPACE } from './environment';
import { convertInlineStyle, pageCss } from './wxss';

/** The bits of jsdom's DOM read here (the project's type check has no DOM library). */
export interface DomNode {
  readonly nodeType: number;
  readonly textContent: string | null;
  readonly childNodes: ArrayLike<DomNode>;
}
interface DomElement extends DomNode {
  readonly tagName: string;
  readonly className: string;
  readonly attributes: ArrayLike<{ name: string; value: string }>;
  readonly __wxElement?: { _vt?: VirtualNode };
}
interface VirtualNode {
  attrs?: { name: string; value: unknown }[];
  event?: Record<string, { name: string; handler?: string }>;
}

const TAP_EVENTS = new Set(['tap', 'longpress', 'longtap']);
/** Attributes that are not reflected: content, data WeChat keeps as properties, and our own. */
const NOT_REFLECTED = new Set([
  'class',
  'style',
  'id',
  'value',
  'range',
  'range-key',
  'placeholder',
  'placeholder-class',
  'placeholder-style',
  'slot',
]);

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;');
}

function attrsOf(el: DomElement): Map<string, unknown> {
  const map = new Map<string, unknown>();
  for (const a of el.__wxElement?._vt?.attrs ?? []) map.set(a.name, a.value);
  return map;
}

function isTrue(v: unknown): boolean {
  return v === true || v === 'true' || v === '';
}

function prefixOf(className: string): string | undefined {
  return /(?:^|\s)([\w-]+?)--/.exec(className)?.[1];
}

/** An attribute's value as text: WXML binds strings, numbers and booleans to the ones read here. */
function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return v === undefined || v === null ? '' : JSON.stringify(v);
}

/** A placeholder's classes: WeChat's default one, or the page's own (which carry the owner's prefix). */
function placeholderClasses(attrs: Map<string, unknown>, fallback: string, prefix: string): string {
  const own = text(attrs.get('placeholder-class')).trim();
  if (!own) return fallback;
  return own
    .split(/\s+/)
    .map((c) => `${prefix}--${c}`)
    .join(' ');
}

function serialize(node: DomNode, ownerPrefix: string): string {
  if (node.nodeType === 3) return escapeText((node.textContent ?? '').split(EDGE_SPACE).join(' '));
  if (node.nodeType !== 1) return '';
  const el = node as DomElement;
  const tag = el.tagName.toLowerCase();
  const attrs = attrsOf(el);
  const prefix = prefixOf(el.className) ?? ownerPrefix;
  const builtIn = tag.startsWith('wx-');

  const out: string[] = [];
  if (el.className) out.push(`class="${escapeAttr(el.className)}"`);
  const id = text(attrs.get('id'));
  if (id) out.push(`id="${escapeAttr(id)}"`);
  const style = text(attrs.get('style'));
  if (style) out.push(`style="${escapeAttr(convertInlineStyle(style))}"`);
  for (const a of Array.from(el.attributes)) if (a.name.startsWith('data-')) out.push(`${a.name}="${escapeAttr(a.value)}"`);
  if (isTrue(attrs.get('hidden'))) out.push('hidden');
  if (builtIn) {
    for (const [name, value] of attrs) {
      if (NOT_REFLECTED.has(name) || name.startsWith('data-') || name === 'hidden') continue;
      if (typeof value === 'boolean') {
        if (value) out.push(name);
      } else if (typeof value === 'string' || typeof value === 'number') {
        if (
          name === 'auto-height' ||
          name === 'scroll-x' ||
          name === 'scroll-y' ||
          name === 'enable-flex' ||
          name === 'disabled' ||
          name === 'checked' ||
          name === 'plain' ||
          name === 'loading'
        ) {
          if (isTrue(value)) out.push(name);
        } else out.push(`${name}="${escapeAttr(String(value))}"`);
      }
    }
  }
  const events = Object.values(el.__wxElement?._vt?.event ?? {});
  if (events.some((e) => TAP_EVENTS.has(e.name) && e.handler)) out.push('data-wxs-tap');

  const children = () =>
    Array.from(el.childNodes)
      .map((c) => serialize(c, prefix))
      .join('');
  let inner: string;
  switch (tag) {
    case 'wx-input': {
      const value = text(attrs.get('value'));
      const placeholder = text(attrs.get('placeholder'));
      const type = attrs.get('password') === true || attrs.get('type') === 'safe-password' ? 'password' : 'text';
      const ph =
        !value && placeholder
          ? `<div class="wx-input__placeholder ${placeholderClasses(attrs, 'input-placeholder', prefix)}" style="${escapeAttr(convertInlineStyle(text(attrs.get('placeholder-style'))))}">${escapeText(placeholder)}</div>`
          : '';
      inner = `${ph}<input class="wx-input__native" type="${type}" value="${escapeAttr(value)}" readonly tabindex="-1">`;
      break;
    }
    case 'wx-textarea': {
      const value = text(attrs.get('value'));
      const placeholder = text(attrs.get('placeholder'));
      const ph =
        !value && placeholder
          ? `<div class="wx-textarea__placeholder ${placeholderClasses(attrs, 'textarea-placeholder', prefix)}" style="${escapeAttr(convertInlineStyle(text(attrs.get('placeholder-style'))))}">${escapeText(placeholder)}</div>`
          : '';
      inner = `${ph}<div class="wx-textarea__content">${escapeText(value)}</div>`;
      break;
    }
    case 'wx-switch': {
      const state = `${isTrue(attrs.get('checked')) ? ' wx-switch-input-checked' : ''}${isTrue(attrs.get('disabled')) ? ' wx-switch-input-disabled' : ''}`;
      inner = `<div class="wx-switch-wrapper"><div class="wx-switch-input${state}"></div></div>`;
      break;
    }
    case 'wx-checkbox':
    case 'wx-radio': {
      const kind = tag.slice(3);
      const state = `${isTrue(attrs.get('checked')) ? ` wx-${kind}-input-checked` : ''}${isTrue(attrs.get('disabled')) ? ` wx-${kind}-input-disabled` : ''}`;
      inner = `<div class="wx-${kind}-wrapper"><div class="wx-${kind}-input${state}"></div>${children()}</div>`;
      break;
    }
    case 'wx-scroll-view':
      inner = `<div class="wx-scroll-view"><div class="wx-scroll-view__content">${children()}</div></div>`;
      break;
    case 'wx-image':
      inner = '<div></div>';
      break;
    default:
      inner = children();
  }
  return `<${tag}${out.length ? ` ${out.join(' ')}` : ''}>${inner}</${tag}>`;
}

// ---- the phone around the page ---------------------------------------------------------------------------

interface WindowConfig {
  navigationBarTitleText?: string;
  navigationBarBackgroundColor?: string;
  navigationBarTextStyle?: 'black' | 'white';
  backgroundColor?: string;
  navigationStyle?: 'default' | 'custom';
}
interface AppJson {
  window?: WindowConfig;
  tabBar?: {
    color: string;
    selectedColor: string;
    backgroundColor: string;
    borderStyle?: 'black' | 'white';
    list: { pagePath: string; text: string }[];
  };
}

const SCREENS_DIR = __dirname;
const cssFiles = new Map<string, string>();
const readCss = (name: string): string => {
  if (!cssFiles.has(name)) cssFiles.set(name, fs.readFileSync(path.join(SCREENS_DIR, name), 'utf8'));
  return cssFiles.get(name)!;
};

/**
 * A captured state: what differs from page to page (the page's CSS, the body) — render.ts puts it into a
 * document that already holds WeChat's styles and the checks — and `html`, the same as one standalone
 * document (kept with SCREENS_HTML=1, to open in a browser).
 */
export interface CapturedPage {
  /** The page's path under the mini-program's root, e.g. pages/enterprise/apply/apply. */
  page: string;
  css: string;
  bodyClass: string;
  bodyStyle: string;
  bodyHtml: string;
}

/** The document every state is drawn in: the phone's frame and WeChat's component styles. */
export function shellHtml(extraHead = ''): string {
  return (
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=375">' +
    `<style>${readCss('frame.css')}</style><style>${readCss('wx-components.css')}</style><style id="wxs-page"></style>${extraHead}</head><body></body></html>`
  );
}

/** One state as a standalone document. */
export function standaloneHtml(c: CapturedPage): string {
  return shellHtml()
    .replace('<style id="wxs-page"></style>', `<style id="wxs-page">${c.css}</style>`)
    .replace('<body></body>', `<body class="${escapeAttr(c.bodyClass)}" style="${escapeAttr(c.bodyStyle)}">${c.bodyHtml}</body>`);
}

/** WeChat's own dialog or toast over the page (drawn as wx.showModal / wx.showToast draw them). */
export type Overlay =
  | { kind: 'modal'; title: string; content: string; showCancel: boolean; confirmText: string; cancelText: string }
  | { kind: 'toast'; title: string; icon: string };

export interface FrameOptions {
  /** The clock shown in the status bar. */
  clock: string;
  overlay?: Overlay;
  /** What the page set by wx.setNavigationBarTitle, over its .json's navigationBarTitleText. */
  navigationTitle?: string;
}

function overlayHtml(o: Overlay): string {
  if (o.kind === 'toast') {
    return o.icon === 'none'
      ? `<div class="wxs-toast wxs-toast_text">${escapeText(o.title)}</div>`
      : `<div class="wxs-toast"><i class="wxs-toast__icon wxs-toast__icon_${escapeAttr(o.icon)}"></i><div>${escapeText(o.title)}</div></div>`;
  }
  return (
    '<div class="wxs-mask"></div><div class="wxs-dialog">' +
    (o.title ? `<div class="wxs-dialog__title">${escapeText(o.title)}</div>` : '') +
    `<div class="wxs-dialog__content">${escapeText(o.content)}</div><div class="wxs-dialog__buttons">` +
    (o.showCancel ? `<div class="wxs-dialog__cancel">${escapeText(o.cancelText)}</div>` : '') +
    `<div class="wxs-dialog__confirm">${escapeText(o.confirmText)}</div></div></div>`
  );
}

/** The page's DOM as it is now, in its phone frame, as one HTML document. */
export function capturePage(root: string, page: string, pageDom: DomNode, options: FrameOptions): CapturedPage {
  const app = JSON.parse(fs.readFileSync(path.join(root, 'app.json'), 'utf8')) as AppJson;
  const own = JSON.parse(fs.readFileSync(path.join(root, `${page}.json`), 'utf8')) as WindowConfig;
  const win: WindowConfig = { ...app.window, ...own };
  if (options.navigationTitle !== undefined) win.navigationBarTitleText = options.navigationTitle;
  const tabBar = app.tabBar;
  const tabIndex = tabBar ? tabBar.list.findIndex((t) => t.pagePath === page) : -1;
  const isTab = tabIndex >= 0;
  const navBg = win.navigationBarBackgroundColor ?? '#000000';
  const navFg = win.navigationBarTextStyle === 'white' ? '#ffffff' : '#000000';
  const custom = win.navigationStyle === 'custom';

  const content = Array.from(pageDom.childNodes)
    .map((c) => serialize(c, 'main'))
    .join('');
  const top = custom
    ? `<div class="wxs-status wxs-status_floating" style="color:${navFg}">${statusBar(options.clock)}</div>`
    : `<div class="wxs-top" style="background:${escapeAttr(navBg)};color:${navFg}"><div class="wxs-status">${statusBar(options.clock)}</div>` +
      `<div class="wxs-nav">${isTab ? '' : '<div class="wxs-nav__back"></div>'}<div class="wxs-nav__title">${escapeText(win.navigationBarTitleText ?? '')}</div>` +
      `<div class="wxs-capsule"><span class="wxs-capsule__more"><i></i><i></i><i></i></span><span class="wxs-capsule__sep"></span><span class="wxs-capsule__close"></span></div></div></div>`;
  const tabs =
    isTab && tabBar
      ? `<div class="wxs-tabbar" style="background:${escapeAttr(tabBar.backgroundColor)};border-top-color:${tabBar.borderStyle === 'white' ? 'rgba(255,255,255,.33)' : 'rgba(0,0,0,.33)'}">` +
        tabBar.list
          .map(
            (t, i) =>
              `<div class="wxs-tabbar__item" style="color:${escapeAttr(i === tabIndex ? tabBar.selectedColor : tabBar.color)}">${escapeText(t.text)}</div>`,
          )
          .join('') +
        '</div>'
      : '';
  return {
    page,
    css: pageCss(root, page),
    bodyClass: `wxs-body${isTab ? ' wxs-body_tab' : ''}${custom ? ' wxs-body_custom' : ''}`,
    bodyStyle: `background:${win.backgroundColor ?? '#ffffff'}`,
    bodyHtml: `${top}<page>${content}</page>${tabs}${options.overlay ? overlayHtml(options.overlay) : ''}<div class="wxs-home-indicator"></div>`,
  };
}

function statusBar(clock: string): string {
  return `<span class="wxs-status__time">${escapeText(clock)}</span><span class="wxs-status__icons"><span class="wxs-signal"><i></i><i></i><i></i><i></i></span><span class="wxs-wifi"></span><span class="wxs-battery"><i></i></span></span>`;
}
