import type { Context, DefaultState, ParameterizedContext } from 'koa';
import type { RoleGrant, Role } from '../../../shared/src/contracts/roles';

export interface AuthContext {
  userId: string;
  sessionId: string;
  grants: RoleGrant[];
}

export interface AppState extends DefaultState {
  auth?: AuthContext;
  requestId: string;
}

export type AppContext = ParameterizedContext<AppState, Context>;

export function hasRole(auth: AuthContext | undefined, ...roles: Role[]): boolean {
  return !!auth && auth.grants.some((g) => roles.includes(g.role));
}

export function countiesFor(auth: AuthContext, role: Role): string[] {
  return auth.grants.filter((g) => g.role === role && g.countyCode !== null).map((g) => g.countyCode as string);
}
