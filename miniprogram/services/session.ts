import type { Role } from '../shared/contracts/roles';
import { DEFAULT_SANDBOX_NAME } from '../config';
import type { PublicUser } from '../shared/contracts/responses';

/**
 * Who is logged in, kept in WeChat's storage so that it outlives a page and the app being closed: the
 * bearer token, the user and roles the server gave with it, and the role chosen in the role switch.
 */
const TOKEN = 'session.token';
const USER = 'session.user';
const ROLE = 'session.activeRole';
const SANDBOX_NAME = 'dev.sandboxName';

export function getToken(): string | null {
  const token: unknown = wx.getStorageSync(TOKEN);
  return typeof token === 'string' && token ? token : null;
}

export function saveSession(token: string, user: PublicUser): void {
  wx.setStorageSync(TOKEN, token);
  saveUser(user);
}

export function saveUser(user: PublicUser): void {
  wx.setStorageSync(USER, user);
}

export function clearToken(): void {
  wx.removeStorageSync(TOKEN);
}

export function clearSession(): void {
  wx.removeStorageSync(TOKEN);
  wx.removeStorageSync(USER);
}

export function getUser(): PublicUser | null {
  const user: unknown = wx.getStorageSync(USER);
  return typeof user === 'object' && user !== null && 'id' in user ? (user as PublicUser) : null;
}

/** The role chosen in the switch, when the user still holds it; else the first role held; null for none. */
export function activeRole(user: PublicUser | null = getUser()): Role | null {
  if (!user || !user.roles.length) return null;
  const chosen: unknown = wx.getStorageSync(ROLE);
  return user.roles.find((r) => r === chosen) ?? user.roles[0] ?? null;
}

export function setActiveRole(role: Role): void {
  wx.setStorageSync(ROLE, role);
}

export function sandboxName(): string {
  const name: unknown = wx.getStorageSync(SANDBOX_NAME);
  return typeof name === 'string' && name ? name : DEFAULT_SANDBOX_NAME;
}

export function setSandboxName(name: string): void {
  wx.setStorageSync(SANDBOX_NAME, name);
}
