import type { EntityManager } from 'typeorm';

declare const brand: unique symbol;

/**
 * One transaction — or one read outside any — as a use case holds it: an opaque handle that only the
 * modules of server/src/db/ can open (server/src/db/orm.ts). A use case passes it from question to
 * question so that they all run in the same transaction; it never reaches the ORM through it.
 */
interface Opaque {
  readonly [brand]: 'db-tx';
}

/**
 * While the use cases move to named questions, what Database hands out is still also the manager
 * (so code not yet moved compiles), and the questions accept either. Once nothing outside db/ holds a
 * manager, both become `Opaque` alone.
 */
export type Tx = Opaque & EntityManager;
export type TxBrand = Opaque | EntityManager;
