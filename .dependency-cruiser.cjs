/**
 * The walls of the house (README, "Where things live"), checked by `npm run lint`:
 * routes on top (server/src/http), use cases that know no transport (server/src/modules), rules and
 * contracts with no I/O (shared/src), the WeChat sandbox apart from the product (server/sandbox), the
 * mini-program inside its own root.
 */

module.exports = {
  forbidden: [
    {
      name: 'use-cases-know-no-transport',
      comment:
        'server/src/modules holds use cases: they import nothing of http/ and nothing of Koa; routes call them, not the other way round.',
      severity: 'error',
      from: { path: '^server/src/modules/' },
      to: { path: ['^server/src/http/', '^node_modules/(koa|@koa/[^/]+|koa-[^/]+)/'] },
    },
    {
      name: 'shared-stands-alone',
      comment: 'shared/src (rules, workflow, contracts) is read by the server and the mini-program alike: it imports neither.',
      severity: 'error',
      from: { path: '^shared/src/' },
      to: { path: ['^server/', '^miniprogram/'] },
    },
    {
      name: 'rules-own-their-types',
      comment:
        'shared/src/rules holds the policy as pure functions with their own facts, verdicts and failures; contracts (shapes on the wire) import the rules’ types, never the other way round.',
      severity: 'error',
      from: { path: '^shared/src/rules/' },
      to: { path: '^shared/src/contracts/' },
    },
    {
      name: 'shared-has-no-io',
      comment: 'shared/src is pure: no database, no network, no files.',
      severity: 'error',
      from: { path: '^shared/src/' },
      to: { dependencyTypes: ['core'], path: '^(fs|fs/promises|net|http|https|child_process|dgram|tls|dns|cluster|worker_threads)$' },
    },
    {
      name: 'miniprogram-stays-in-its-root',
      comment: 'WeChat DevTools compiles only what lies under miniprogram/: shared code reaches it through npm run mp:sync.',
      severity: 'error',
      from: { path: '^miniprogram/' },
      to: { pathNot: '^miniprogram/', dependencyTypesNot: ['type-only', 'npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'production-never-imports-the-sandbox',
      comment:
        'server/sandbox is a stand-in for WeChat in development and tests; the product never reaches it (npm run build leaves it out).',
      severity: 'error',
      from: { path: ['^server/src/', '^shared/src/'] },
      to: { path: '^server/(sandbox|dev\\.ts)' },
    },
    {
      name: 'the-sandbox-checks-not-shares',
      comment: 'The sandbox signs and verifies with code of its own, so that it and the product would disagree if either were wrong.',
      severity: 'error',
      from: { path: '^server/sandbox/' },
      to: { path: '^server/src/' },
    },
    {
      name: 'only-db-reaches-the-orm',
      comment:
        'server/src/db/ is the only door to the database: elsewhere, nothing imports TypeORM, the entities or the ways into them (orm.ts, raw.ts, rows.ts, sequences.ts); use cases ask the named questions of db/<aggregate>.',
      severity: 'error',
      from: { path: '^server/src/', pathNot: ['^server/src/db/'] },
      to: { path: ['^node_modules/typeorm/', '^server/src/db/(entities|orm\\.ts|raw\\.ts|rows\\.ts|sequences\\.ts|testing(\\.ts|/))'] },
    },
    {
      name: 'no-cycles',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: ['^miniprogram/shared/', 'node_modules', '^dist/'] },
  },
};
