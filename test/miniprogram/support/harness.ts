/**
 * The mini-program's pages under miniprogram-simulate, against the real server: startMiniProgram()
 * starts the app in-process (on in-memory SQLite, whatever DATABASE_URL says: the brief for these tests),
 * puts a WeChat-like `wx` (./wx.ts) on the global, and opens pages as a person would find them.
 *
 * Types: miniprogram-simulate's declarations pull in the mini-program's globals (`wx`, `require`,
 * `setTimeout` …), which clash with Node's in this project's type check, so the few parts of its API used
 * here are described below and the module is loaded with a plain require.
 */
import path from 'node:path';
import { startTestApp, type TestApp } from '../../helpers/testApp';
import { WxStub } from './wx';
import type { PolicyPack } from '../../../miniprogram/shared/pack/types';

export const MINIPROGRAM_ROOT = path.resolve(__dirname, '../../../miniprogram');
/** config.ts's API_BASE_URL: the origin the mini-program must use. */
export const DEV_ORIGIN = 'http://127.0.0.1:3000';

/** The bits of jsdom's DOM used here (this project's type check has no DOM library). */
export interface DomElement {
  readonly textContent: string | null;
  appendChild(child: DomElement): unknown;
  remove(): void;
}

interface DomDocument {
  readonly body: DomElement;
  createElement(tag: string): DomElement;
}

const dom = (): DomDocument => (globalThis as unknown as { document: DomDocument }).document;

export interface SimNode {
  readonly dom: DomElement | undefined;
  dispatchEvent(eventName: string, options?: { detail?: unknown }): void;
  querySelector(selector: string): SimNode | undefined;
  querySelectorAll(selector: string): SimNode[];
}

export interface SimComponent extends SimNode {
  readonly data: Record<string, unknown>;
  readonly instance: Record<string, unknown> & { setData(data: Record<string, unknown>): void };
  attach(parent: DomElement): void;
  detach(): void;
}

interface Simulate {
  load(componentPath: string, options: { compiler: 'simulate'; rootPath: string }): string;
  render(id: string, properties?: Record<string, unknown>): SimComponent;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- untyped on purpose: the package's declarations bring the mini-program's globals, which clash with Node's here (see above)
const simulate = require('miniprogram-simulate') as Simulate;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface MiniProgram {
  t: TestApp;
  wx: WxStub;
  /** Opens a page the way WeChat does: loads it, attaches it, calls onLoad(query) and onShow(). */
  open(page: string, query?: Record<string, string>): Promise<PageHandle>;
  /** Logs the next wx.login in as this WeChat user (the 开发登录名 of 我的, in the sandbox). */
  as(name: string): void;
  /**
   * The policy pack the pages opened from now on see (as app.ts installs config.ts's POLICY_PACK before any
   * page runs); null: the copy's default. The server keeps its own pack.
   */
  usePack(pack: PolicyPack | null): void;
  close(): Promise<void>;
}

export class PageHandle {
  /**
   * What a page method rejected with. WeChat only logs a rejected lifecycle or handler (the person saw
   * the error dialog services/http.ts showed); the tests look here and at the dialogs.
   */
  readonly errors: unknown[] = [];

  constructor(
    readonly comp: SimComponent,
    private readonly wx: WxStub,
  ) {}

  get data(): Record<string, unknown> {
    return this.comp.data;
  }

  get text(): string {
    return this.comp.dom?.textContent?.replace(/\s+/g, ' ') ?? '';
  }

  /** Calls a page method directly (lifecycle methods, or a handler with a crafted event). */
  async call(method: string, ...args: unknown[]): Promise<unknown> {
    const fn = this.comp.instance[method];
    if (typeof fn !== 'function') throw new Error(`the page has no method ${method}`);
    let result: unknown;
    try {
      result = await (fn as (...a: unknown[]) => unknown).apply(this.comp.instance, args);
    } catch (err) {
      this.errors.push(err);
    }
    await this.settle();
    return result;
  }

  all(selector: string): SimNode[] {
    return this.comp.querySelectorAll(selector);
  }

  find(selector: string, index = 0): SimNode {
    const node = this.comp.querySelectorAll(selector)[index];
    if (!node) throw new Error(`no ${selector} [${index}] on the page: ${this.text.slice(0, 400)}`);
    return node;
  }

  /** A tap on the element, then until the network is quiet. */
  async tap(selector: string, index = 0): Promise<void> {
    this.find(selector, index).dispatchEvent('tap');
    await this.settle();
  }

  /** Typing into an input or textarea bound with bindinput. */
  async input(selector: string, value: string, index = 0): Promise<void> {
    this.find(selector, index).dispatchEvent('input', { detail: { value } });
    await this.settle();
  }

  /** A picker or a radio/checkbox group's change. */
  async change(selector: string, value: unknown, index = 0): Promise<void> {
    this.find(selector, index).dispatchEvent('change', { detail: { value } });
    await this.settle();
  }

  /** Until no call is on the wire and the page has had a few turns to react. */
  async settle(): Promise<void> {
    for (let quiet = 0; quiet < 3;) {
      await sleep(2);
      quiet = this.wx.busy ? 0 : quiet + 1;
    }
  }

  async waitFor(what: string, predicate: () => boolean, timeoutMs = 5000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}; page: ${this.text.slice(0, 600)}`);
      await sleep(5);
    }
  }
}

/**
 * A component's module runs once per registry; simulate registers it again only when it runs again. Under
 * jest that is jest.resetModules(); outside it (`npm run screens`, scripts/screens) the mini-program's own
 * modules are dropped from Node's cache instead.
 */
function resetModules(): void {
  if (typeof jest !== 'undefined') {
    jest.resetModules();
    return;
  }
  for (const key of Object.keys(require.cache)) if (key.startsWith(MINIPROGRAM_ROOT + path.sep)) delete require.cache[key];
}

/** `options` go to startTestApp (e.g. the WeChat sandbox's fixed keys, which the screens command uses). */
export async function startMiniProgram(options: Parameters<typeof startTestApp>[0] = {}): Promise<MiniProgram> {
  // These tests run on in-memory SQLite always; the variable is put back at once (other test files of this worker read it).
  const saved = process.env.DATABASE_URL;
  delete process.env.DATABASE_URL;
  let t: TestApp;
  try {
    t = await startTestApp(options);
  } finally {
    if (saved !== undefined) process.env.DATABASE_URL = saved;
  }
  const stub = new WxStub(t.server, DEV_ORIGIN);
  const g = globalThis as unknown as Record<string, unknown>;
  g.wx = stub.api();
  const pages: SimComponent[] = [];
  g.getCurrentPages = () => pages.map((p) => p.instance);
  g.getApp = () => ({ globalData: {} });
  const parent = dom().createElement('parent-wrapper');
  dom().body.appendChild(parent);
  let pack: PolicyPack | null = null;

  return {
    t,
    wx: stub,
    as(name) {
      // As choosing another 开发登录名 on 我的 does: the previous person's login goes with it.
      if (stub.storage.get('dev.sandboxName') !== name)
        for (const key of ['session.token', 'session.user', 'session.activeRole']) stub.storage.delete(key);
      stub.user = name;
      stub.storage.set('dev.sandboxName', name);
    },
    usePack(p) {
      pack = p;
    },
    async open(page, query = {}) {
      resetModules();
      // The modules were just dropped: the page will load this fresh copy of the pack's holder.
      if (pack) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- the mini-program's module as the page will load it, after the reset above
        const active = require(
          path.join(MINIPROGRAM_ROOT, 'shared', 'pack', 'active'),
        ) as typeof import('../../../miniprogram/shared/pack/active');
        active.installPolicyPack(pack);
      }
      const id = simulate.load(path.join(MINIPROGRAM_ROOT, page), { compiler: 'simulate', rootPath: MINIPROGRAM_ROOT });
      const comp = simulate.render(id);
      comp.attach(parent);
      pages.push(comp);
      const handle = new PageHandle(comp, stub);
      const instance = comp.instance as Record<string, unknown>;
      if (typeof instance.onLoad === 'function') await handle.call('onLoad', query);
      if (typeof instance.onShow === 'function') await handle.call('onShow');
      return handle;
    },
    async close() {
      for (const p of pages) p.detach();
      parent.remove();
      stub.cleanup();
      await t.close();
    },
  };
}
