/**
 * A scenario is one story on a fresh server (its own in-memory database, the clock and the seed back at
 * their start): people and cases set up as the page tests set them up (test/miniprogram/support/seed.ts,
 * the API, or straight into the database), pages opened and used through the harness, and a picture
 * (`shot`) taken of each state worth seeing.
 */
import type { MiniProgram, PageHandle } from '../../../test/miniprogram/support/harness';

/** Who sees the screen: the index groups pictures by this, then by flow. */
export type Role = 'everyone' | 'enterprise' | 'provider' | 'county' | 'city' | 'admin';

export const ROLE_TITLES: Record<Role, string> = {
  everyone: '所有人（访客与登录后的公共页面）',
  enterprise: '企业',
  provider: '云服务商',
  county: '县（市）区 工信与财政',
  city: '市工信局与市财政局',
  admin: '管理员',
};

export interface ShotMeta {
  /** Short ASCII name of the state, unique per page: becomes the file name (e.g. `returned`). */
  state: string;
  /** What the state is, in plain words (Chinese), for the index. */
  title: string;
  role: Role;
  /** The job this screen belongs to (申报, 备案, 审核 …), for the index. */
  flow: string;
  /** This is the page's reference picture in docs/screens (exactly one per page). */
  doc?: boolean;
  /** Draw WeChat's dialog (the last wx.showModal) or toast (the last wx.showToast) over the page. */
  overlay?: 'modal' | 'toast';
}

/** An open page that knows its path. */
export type Screen = PageHandle & { readonly path: string };

/** Plain functions, not methods: a scenario takes them out of the context (`run({ mp, open, shot })`). */
export interface ScenarioContext {
  mp: MiniProgram;
  /** Opens a page as the harness does (onLoad(query), onShow), remembering its path. */
  open: (page: string, query?: Record<string, string>) => Promise<Screen>;
  /** Takes the picture of the page as it is now. */
  shot: (screen: Screen, meta: ShotMeta) => void;
}

export interface Scenario {
  /** Unique, for `npm run screens -- --only <name>`. */
  name: string;
  run(ctx: ScenarioContext): Promise<void>;
}
