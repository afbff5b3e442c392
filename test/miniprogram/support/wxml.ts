/**
 * A small reader of WXML for the tests that look at templates as written (accessibility): elements with
 * their attributes, parents and the text inside them. WXML is XML-like with `{{…}}` bindings; attribute
 * values are always quoted here, so a `>` inside a binding never ends a tag.
 */

export interface WxmlElement {
  tag: string;
  attrs: Record<string, string>;
  parent: WxmlElement | null;
  children: (WxmlElement | string)[];
  /** 1-based line of the opening tag, for messages. */
  line: number;
  /** Offset of the opening tag's `<` in the source. */
  start: number;
}

const VOID = new Set(['input', 'image', 'import', 'include', 'icon', 'progress', 'switch', 'checkbox', 'radio', 'slider']);

export function parseWxml(source: string): WxmlElement {
  const root: WxmlElement = { tag: '#root', attrs: {}, parent: null, children: [], line: 1, start: 0 };
  let current = root;
  let i = 0;
  const lineAt = (pos: number) => source.slice(0, pos).split('\n').length;
  while (i < source.length) {
    if (source.startsWith('<!--', i)) {
      const end = source.indexOf('-->', i);
      i = end < 0 ? source.length : end + 3;
      continue;
    }
    if (source[i] === '<' && source[i + 1] === '/') {
      const end = source.indexOf('>', i);
      const tag = source.slice(i + 2, end).trim();
      // Close up to the matching element (tolerates a void element written without "/>").
      let el: WxmlElement | null = current;
      while (el && el.tag !== tag) el = el.parent;
      if (el?.parent) current = el.parent;
      i = end + 1;
      continue;
    }
    if (source[i] === '<') {
      const start = i;
      i++;
      let tag = '';
      while (i < source.length && /[\w-]/.test(source[i])) tag += source[i++];
      const attrs: Record<string, string> = {};
      let selfClosing = false;
      for (;;) {
        while (/\s/.test(source[i])) i++;
        if (source[i] === '/' && source[i + 1] === '>') {
          selfClosing = true;
          i += 2;
          break;
        }
        if (source[i] === '>') {
          i++;
          break;
        }
        let name = '';
        while (i < source.length && /[^\s=/>]/.test(source[i])) name += source[i++];
        if (!name) throw new Error(`unreadable WXML at line ${lineAt(i)}`);
        while (/\s/.test(source[i])) i++;
        if (source[i] === '=') {
          i++;
          while (/\s/.test(source[i])) i++;
          const quote = source[i];
          if (quote !== '"' && quote !== "'") throw new Error(`unquoted attribute ${name} at line ${lineAt(i)}`);
          const end = source.indexOf(quote, i + 1);
          attrs[name] = source.slice(i + 1, end);
          i = end + 1;
        } else attrs[name] = '';
      }
      const el: WxmlElement = { tag, attrs, parent: current, children: [], line: lineAt(start), start };
      current.children.push(el);
      if (!selfClosing && !VOID.has(tag)) current = el;
      continue;
    }
    const next = source.indexOf('<', i);
    const end = next < 0 ? source.length : next;
    const text = source.slice(i, end);
    if (text.trim()) current.children.push(text);
    i = end;
  }
  return root;
}

export function* walk(el: WxmlElement): Generator<WxmlElement> {
  for (const c of el.children) {
    if (typeof c === 'string') continue;
    yield c;
    yield* walk(c);
  }
}

/** The text inside an element, bindings kept, whitespace collapsed. */
export function textOf(el: WxmlElement): string {
  return el.children
    .map((c) => (typeof c === 'string' ? c : textOf(c)))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
}
