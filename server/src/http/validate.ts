import type { z } from 'zod';
import { InvalidInputError } from '../modules/errors';
import { summarizeIssues } from '../../../shared/src/contracts/issues';

/** Parses untrusted input at the edge: the use case only ever sees the schema's output type. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, message = '提交的内容有误，请按提示修改'): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new InvalidInputError(message, summarizeIssues(result.error.issues).details);
  return result.data;
}
