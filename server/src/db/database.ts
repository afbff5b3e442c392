import fs from 'node:fs';
import path from 'node:path';
import { DataSource } from 'typeorm';
import type { Config } from '../config';
import { asTx } from './orm';
import type { Tx } from './tx';
import { ENTITIES } from './entities';
import { DatabaseUnavailableError, isUnavailable } from './errors';
import { MIGRATIONS } from './migrations';
import { QueryCounter } from './queryCounter';

export type DbKind = 'sqlite' | 'mysql';

const DEADLOCK_RETRIES = 5;

/** ER_LOCK_DEADLOCK (1213) and ER_LOCK_WAIT_TIMEOUT (1205): InnoDB rolled the transaction back whole. */
function isRetryableLockError(err: unknown): boolean {
  const e = err as { errno?: number; driverError?: { errno?: number } };
  const errno = e.errno ?? e.driverError?.errno;
  return errno === 1213 || errno === 1205;
}

/**
 * The one door to the database. In SQLite mode every piece of work — transactions and single
 * queries alike — passes through one in-process queue: TypeORM 1.1.1 runs every concurrent
 * transaction on the same better-sqlite3 connection, so without it one request's rollback wipes
 * another's committed rows (../shared/notes/typeorm.md). MySQL/MariaDB have a pool and real
 * per-connection transactions: there the queue is not used, and nothing depends on one process.
 */
/** Whether the database answers: told to a listener once when an outage starts and once when it ends. */
export type Availability = { state: 'down'; since: number; code: string | null } | { state: 'up'; since: number; downForMs: number };

export class Database {
  private tail: Promise<unknown> = Promise.resolve();
  private downSince: number | null = null;
  private listener: ((a: Availability) => void) | null = null;

  constructor(
    readonly dataSource: DataSource,
    readonly kind: DbKind,
    /** Every SQL statement this database was sent, counted (TypeORM's logger): what the query-count tests read. */
    readonly queries: QueryCounter = new QueryCounter(),
  ) {}

  /**
   * Runs fn in one transaction: all of its writes commit together or none do. On MySQL/MariaDB a
   * transaction chosen as a deadlock victim is run again (fn must keep its side effects inside the
   * transaction, which every use case here does: notifications go through the outbox).
   */
  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.exclusive(() => this.dataSource.transaction((m) => fn(asTx(m))));
      } catch (err) {
        if (err instanceof DatabaseUnavailableError || this.kind !== 'mysql' || attempt >= DEADLOCK_RETRIES || !isRetryableLockError(err))
          throw err;
        await new Promise((r) => setTimeout(r, 5 * attempt + Math.floor(Math.random() * 10)));
      }
    }
  }

  /** Asks questions (or makes a single autocommitted write) outside a transaction. */
  read<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.exclusive(() => fn(asTx(this.dataSource.manager)));
  }

  /** Hears once when the database stops answering and once when it answers again (main.ts logs both). */
  onAvailability(listener: (a: Availability) => void): void {
    this.listener = listener;
  }

  get available(): boolean {
    return this.downSince === null;
  }

  /**
   * Every piece of work goes through here: an error that says the database cannot be reached becomes a
   * DatabaseUnavailableError (answered 503, never logged per request), and any answer at all — a
   * result or an ordinary error such as a duplicate key — says it is reachable again.
   */
  private async tracked<T>(work: () => Promise<T>): Promise<T> {
    try {
      const result = await work();
      this.reachable();
      return result;
    } catch (err) {
      if (!isUnavailable(err)) {
        this.reachable();
        throw err;
      }
      if (this.downSince === null) {
        this.downSince = Date.now();
        const e = err as { code?: unknown; driverError?: { code?: unknown } };
        const code = e.driverError?.code ?? e.code;
        this.listener?.({ state: 'down', since: this.downSince, code: typeof code === 'string' ? code : null });
      }
      throw err instanceof DatabaseUnavailableError ? err : new DatabaseUnavailableError(err);
    }
  }

  private reachable(): void {
    if (this.downSince === null) return;
    const downForMs = Date.now() - this.downSince;
    this.downSince = null;
    this.listener?.({ state: 'up', since: Date.now(), downForMs });
  }

  private exclusive<T>(job: () => Promise<T>): Promise<T> {
    const work = () => this.tracked(job);
    if (this.kind !== 'sqlite') return work();
    const next = this.tail.then(work, work);
    // The queue continues whether this piece of work succeeded or failed.
    this.tail = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }

  /** Whether migrations of this release have not been run yet (another instance may be running them). */
  async hasPendingMigrations(): Promise<boolean> {
    return this.exclusive(() => this.dataSource.showMigrations());
  }

  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

export interface OpenOptions {
  /** Overrides the SQLite file: ':memory:' in tests. */
  sqliteFile?: string;
  runMigrations?: boolean;
}

export async function openDatabase(config: Pick<Config, 'database'>, options: OpenOptions = {}): Promise<Database> {
  let dataSource: DataSource;
  const queries = new QueryCounter();
  if (config.database.kind === 'sqlite') {
    const file = options.sqliteFile ?? config.database.file;
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    dataSource = new DataSource({
      type: 'better-sqlite3',
      database: file,
      entities: ENTITIES,
      migrations: MIGRATIONS,
      migrationsRun: false,
      synchronize: false,
      logger: queries,
      // TypeORM leaves the journal in rollback mode: ~1.6k commits/s instead of ~56k with WAL.
      prepareDatabase: (db: { pragma(s: string): unknown }) => {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        db.pragma('busy_timeout = 5000');
        db.pragma('foreign_keys = ON');
      },
    });
  } else {
    dataSource = new DataSource({
      type: 'mysql',
      url: config.database.url,
      charset: 'utf8mb4_unicode_ci',
      timezone: 'Z',
      // A bigint comes back as a string; the column transformers make money and times numbers.
      supportBigNumbers: true,
      bigNumberStrings: false,
      entities: ENTITIES,
      migrations: MIGRATIONS,
      migrationsRun: false,
      synchronize: false,
      logger: queries,
      poolSize: 10,
    });
  }
  await dataSource.initialize();
  const db = new Database(dataSource, config.database.kind, queries);
  if (options.runMigrations !== false) {
    await db.read(() => dataSource.runMigrations({ transaction: 'each' }));
  }
  return db;
}
