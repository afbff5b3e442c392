import type { Context, DefaultState, ParameterizedContext } from 'koa';
import type { Actor } from '../modules/actor';

export interface AppState extends DefaultState {
  /** Set by the bearer-token middleware: who is calling, for the use cases. */
  auth?: Actor;
  requestId: string;
}

export type AppContext = ParameterizedContext<AppState, Context>;
