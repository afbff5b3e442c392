/** One problem with a piece of input: where (dotted path, e.g. `enterprise.creditCode`) and what to do, in Chinese. */
export interface InputIssue {
  path: string;
  message: string;
}

/**
 * zod's issues → one issue per field (the first is the most useful) and a summary line a person
 * can act on. Shared by every contract so that all 400s read alike.
 */
export function summarizeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): {
  message: string;
  details: InputIssue[];
} {
  const details: InputIssue[] = [];
  const seen = new Set<string>();
  for (const issue of issues) {
    const path = issue.path.map((key) => String(key)).join('.');
    if (seen.has(path)) continue;
    seen.add(path);
    details.push({ path, message: issue.message });
  }
  const first = details[0];
  const message =
    details.length === 1 && first !== undefined ? `填写有误：${first.message}` : `有${details.length}处填写有误，请按提示逐项修改`;
  return { message, details };
}
