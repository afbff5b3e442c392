import type { z } from 'zod';
import { InvalidInputError, type ErrorDetail } from './errors';

/** zod issues → our details, with dotted paths ("enterprise.creditCode"). */
export function issuesToDetails(issues: readonly z.core.$ZodIssue[]): ErrorDetail[] {
  return issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/** Parses untrusted input at the edge: the use case only ever sees the schema's output type. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, message = '提交的内容有误，请按提示修改'): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new InvalidInputError(message, issuesToDetails(result.error.issues));
  return result.data;
}
