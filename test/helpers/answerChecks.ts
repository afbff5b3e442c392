/**
 * Jest setup (setupFilesAfterEnv): a test whose requests got an answer that its route does not declare
 * fails, even where the test itself never looked at the answer (the route table checks every 2xx
 * answer under NODE_ENV=test: server/src/http/routes.ts). The store lives on the global object, so
 * this file need not load the server.
 */
afterEach(() => {
  const checks = (globalThis as { __routeAnswerChecks?: { mismatches: string[] } }).__routeAnswerChecks;
  const mismatches = checks?.mismatches.splice(0) ?? [];
  if (mismatches.length)
    throw new Error(
      `Answers that differ from their route's declared response (fix the schema in shared/src/contracts/responses or the route):\n${mismatches.join('\n')}`,
    );
});
