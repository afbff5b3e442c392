/**
 * The page tests' environment (test/miniprogram/support/environment.js) turned inside out for a plain
 * Node process: the tests run in jsdom's global with Node's web globals put on it; the screens command runs
 * in Node's global with jsdom's DOM put on it, so that the real server keeps Node's fetch, streams and
 * timers while miniprogram-simulate finds `window`, `document` and the DOM's constructors.
 *
 * Import this module before anything that loads miniprogram-simulate.
 */
import { JSDOM } from 'jsdom';
import simulateUtils from 'miniprogram-simulate/src/utils';
import parseTemplate from 'j-component/src/template/parse';

const dom = new JSDOM('<!doctype html><html><head></head><body></body></html>', { pretendToBeVisual: true });
const win = dom.window as unknown as Record<string, unknown>;
const g = globalThis as unknown as Record<string, unknown>;

// Everything of jsdom's window that Node lacks (Element, HTMLElement, Node, MutationObserver, navigator …).
for (const key of Object.getOwnPropertyNames(win)) {
  if (key in g) continue;
  try {
    g[key] = win[key];
  } catch {
    // a few of the window's getters refuse to be read out of context; simulate needs none of them
  }
}
// jsdom's elements accept only jsdom's events: j-component dispatches `new CustomEvent(...)` and
// `new TouchEvent(...)` on them, so these must be jsdom's even where Node has its own.
for (const key of ['Event', 'CustomEvent', 'UIEvent', 'MouseEvent', 'TouchEvent', 'KeyboardEvent', 'FocusEvent', 'InputEvent'])
  g[key] = win[key];
g.window = dom.window;
g.document = dom.window.document;

// miniprogram-simulate runs a component's code with `require(path)` and no extension; Node would find the
// component's .json before a .ts file (jest's moduleFileExtensions put .ts first). Load the .ts file.
simulateUtils.runJs = (filePath: string) => {
  const resolved = require.resolve(`${filePath}.ts`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- as simulate's own runJs: the component's file, known only now, run synchronously and dropped from Node's cache
  require(resolved);
  delete require.cache[resolved];
};

/**
 * j-component (simulate's template engine) trims every text node of the WXML: `单户企业最高 <text>…</text>`
 * becomes "单户企业最高" + the <text>, with no space between them, where WeChat draws one. Text nodes that are
 * only whitespace stay dropped (as simulate does); the outer whitespace of the others is kept as EDGE_SPACE,
 * an invisible character the trimming leaves alone, which capture.ts turns back into a space.
 */
export const EDGE_SPACE = '\u2063';
type TextHandler = { text?: (content: string) => void } & Record<string, unknown>;
require.cache[require.resolve('j-component/src/template/parse')]!.exports = (content: string, handler: TextHandler = {}) =>
  parseTemplate(content, {
    ...handler,
    text: (t: string) => {
      if (!handler.text) return;
      if (!t.trim()) return handler.text(t);
      handler.text(`${/^\s/.test(t) ? EDGE_SPACE : ''}${t.trim()}${/\s$/.test(t) ? EDGE_SPACE : ''}`);
    },
  });
