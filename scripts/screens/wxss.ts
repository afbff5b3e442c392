/**
 * WXSS → the CSS a phone applies, for a page rendered by miniprogram-simulate:
 * - simulate's own compiler inlines @import and prefixes every class with the owner's prefix (`.weui-cell`
 *   in a page → `.main--weui-cell`, in <upload-list> → `.upload-list--weui-cell`), as the DOM it builds has them;
 * - rpx → px as WeChat does it on a 375 px wide screen: `floor(n × 375 / 750 + ε)`, and a non-zero value that
 *   floors to 0 becomes 0.5 px (iOS, device pixel ratio > 1 — the 375×812 iPhone X this renders) — simulate
 *   turns 1 rpx into 1 px instead, which doubles every size;
 * - element selectors name WeChat's elements (`view` → `wx-view`), as WeChat's WXSS compiler writes them.
 */
import fs from 'node:fs';
import path from 'node:path';
import simulateWxss from 'miniprogram-simulate/src/wxss';

export const SCREEN_WIDTH = 375;

/** WeChat's rpx rule (the base library's transformRPX). */
export function rpxToPx(rpx: number): number {
  if (rpx === 0) return 0;
  const px = Math.floor((Math.abs(rpx) * SCREEN_WIDTH) / 750 + 1e-4);
  const value = px === 0 ? 0.5 : px;
  return rpx < 0 ? -value : value;
}

export function convertRpx(css: string): string {
  return css.replace(/(-?\d*\.?\d+)rpx\b/g, (_all, n: string) => `${rpxToPx(Number(n))}px`);
}

/** WeChat's built-in components: in selectors they are written `view`, in the webview they are `wx-view`. */
const BUILT_INS = [
  'view',
  'text',
  'button',
  'input',
  'textarea',
  'picker',
  'picker-view',
  'picker-view-column',
  'switch',
  'checkbox',
  'checkbox-group',
  'radio',
  'radio-group',
  'label',
  'image',
  'navigator',
  'scroll-view',
  'swiper',
  'swiper-item',
  'icon',
  'progress',
  'slider',
  'form',
  'rich-text',
  'movable-area',
  'movable-view',
  'cover-view',
  'cover-image',
  'editor',
  'video',
  'map',
  'canvas',
  'web-view',
  'block',
];
const TAG_IN_SELECTOR = new RegExp(`(^|[\\s>+~,(])(${BUILT_INS.sort((a, b) => b.length - a.length).join('|')})(?=$|[\\s>+~,.:#\\[)])`, 'g');

function mapSelector(selector: string): string {
  return selector.replace(TAG_IN_SELECTOR, (_all, before: string, tag: string) => `${before}wx-${tag}`);
}

/** Rewrites every selector (the text before a `{` that is not an at-rule or a keyframe step). */
function mapSelectors(css: string): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < css.length; i += 1) {
    const ch = css[i];
    if (ch === '{') {
      const prelude = css.slice(start, i);
      out += prelude.trim().startsWith('@') ? prelude : mapSelector(prelude);
      out += '{';
      start = i + 1;
    } else if (ch === '}' || ch === ';') {
      out += css.slice(start, i + 1);
      start = i + 1;
    }
  }
  return out + css.slice(start);
}

export function compileWxss(file: string, prefix: string): string {
  if (!fs.existsSync(file)) return '';
  const source = simulateWxss.getContent(file);
  if (!source.trim()) return '';
  // A page's classes are not prefixed on the phone; the placeholder <div> WeChat's input draws carries its
  // placeholder-class (input-placeholder) as is, so a page's rule for it applies as written.
  return mapSelectors(convertRpx(simulateWxss.compile(source, { prefix }))).replace(
    new RegExp(`\\.${prefix}--(input|textarea)-placeholder\\b`, 'g'),
    '.$1-placeholder',
  );
}

/** An inline style="" of WXML: rpx converted, as WeChat converts it. */
export function convertInlineStyle(style: string): string {
  return convertRpx(style);
}

export interface ComponentStyles {
  /** The class prefix the simulator gives the component's elements (its tag name in usingComponents). */
  prefix: string;
  file: string;
  /** `options: { addGlobalClass: true }` (or styleIsolation apply-shared/shared): the page's styles reach it. */
  sharesPageStyles: boolean;
}

/** The custom components a page uses, recursively, by the prefix their elements carry. */
export function componentsOf(root: string, jsonFile: string, seen = new Map<string, ComponentStyles>()): Map<string, ComponentStyles> {
  const json = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as { usingComponents?: Record<string, string> };
  for (const [tag, ref] of Object.entries(json.usingComponents ?? {})) {
    const base = ref.startsWith('/') ? path.join(root, ref) : path.join(path.dirname(jsonFile), ref);
    if (seen.has(tag) || !fs.existsSync(`${base}.json`)) continue;
    const code = fs.existsSync(`${base}.ts`)
      ? fs.readFileSync(`${base}.ts`, 'utf8')
      : fs.existsSync(`${base}.js`)
        ? fs.readFileSync(`${base}.js`, 'utf8')
        : '';
    seen.set(tag, {
      prefix: tag,
      file: `${base}.wxss`,
      sharesPageStyles: /addGlobalClass:\s*true|styleIsolation:\s*['"](apply-shared|shared)['"]/.test(code),
    });
    componentsOf(root, `${base}.json`, seen);
  }
  return seen;
}

/** Everything a page's elements are styled by, after WeChat's own component styles: app.wxss and the page's WXSS, then each component's. */
export function pageCss(root: string, page: string): string {
  const appFile = path.join(root, 'app.wxss');
  const pageFile = path.join(root, `${page}.wxss`);
  const parts = [compileWxss(appFile, 'main'), compileWxss(pageFile, 'main')];
  for (const c of componentsOf(root, path.join(root, `${page}.json`)).values()) {
    if (c.sharesPageStyles) parts.push(compileWxss(appFile, c.prefix), compileWxss(pageFile, c.prefix));
    parts.push(compileWxss(c.file, c.prefix));
  }
  return parts.filter(Boolean).join('\n');
}
