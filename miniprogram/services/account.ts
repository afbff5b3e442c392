/** The logged-in person as the server knows them now (roles change when an invitation is redeemed). */
import * as api from './api';
import { activeRole, saveUser } from './session';
import type { PublicUser } from '../shared/contracts/responses';
import type { Role } from '../shared/contracts/roles';

export async function refreshUser(): Promise<{ user: PublicUser; role: Role | null }> {
  const { user } = await api.me();
  saveUser(user);
  return { user, role: activeRole(user) };
}
