import type { Context, DefaultState, ParameterizedContext } from 'koa';
import type { Actor } from '../modules/actor';

export interface AppState extends DefaultState {
  /** Set by the bearer-token middleware: who is calling, for the use cases. */
  auth?: Actor;
  requestId: string;
}

/** A request outside the route table's parameters (the official account's endpoint reads only the query). */
export type PlainContext = ParameterizedContext<AppState, Context>;

/** @koa/router fills `params` from the route's `:name` segments; a name the route lacks reads undefined. */
export type AppContext = ParameterizedContext<AppState, Context & { params: Record<string, string | undefined> }>;
