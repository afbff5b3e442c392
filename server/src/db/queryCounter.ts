import type { Logger } from 'typeorm';

/** BEGIN / START TRANSACTION / COMMIT / ROLLBACK / SAVEPOINT …, and the isolation level TypeORM may set before a BEGIN. */
const CONTROL = /^\s*(BEGIN|START TRANSACTION|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT|SET TRANSACTION|PRAGMA read_uncommitted)\b/i;
const OPENS = /^\s*(BEGIN|START TRANSACTION)\b/i;

/**
 * Counts the SQL statements the server sends, as TypeORM's logger hears each one before it runs
 * (every query runner calls `logQuery` whatever the logging setting). Always installed: one regular
 * expression and two additions per statement. Tests read it to hold each request to a fixed number
 * of statements whatever the data's size (test/server/db/queryCounts.test.ts).
 *
 * Transaction control (BEGIN, COMMIT, ROLLBACK, savepoints) is counted apart, in `transactions`
 * and `control`: a round trip still, but one whose number follows from the transactions a use case
 * opens, not from the data it reads — so `statements` are the questions and writes alone.
 */
export class QueryCounter implements Logger {
  /** Statements other than transaction control. */
  statements = 0;
  /** Transactions opened (BEGIN / START TRANSACTION). */
  transactions = 0;
  /** All transaction-control statements (BEGIN, COMMIT, ROLLBACK, savepoints). */
  control = 0;
  /** The texts of the statements counted since `record()`, for a test's failure message; null when not recording. */
  private texts: string[] | null = null;

  logQuery(query: string): void {
    if (CONTROL.test(query)) {
      this.control++;
      if (OPENS.test(query)) this.transactions++;
      return;
    }
    this.statements++;
    this.texts?.push(query);
  }

  /** Starts from zero; with `keepTexts`, also keeps each statement's text until the next reset. */
  reset(keepTexts = false): void {
    this.statements = 0;
    this.transactions = 0;
    this.control = 0;
    this.texts = keepTexts ? [] : null;
  }

  /** The statements' texts since reset(true). */
  recorded(): readonly string[] {
    return this.texts ?? [];
  }

  // The rest of TypeORM's logger: errors reach the caller as exceptions and are logged there.
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}
