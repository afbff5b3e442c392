declare const brand: unique symbol;

/**
 * One transaction — or one read outside any — as a use case holds it: an opaque handle that only the
 * modules of server/src/db/ can open (server/src/db/orm.ts). A use case passes it from question to
 * question so that they all run in the same transaction; it never reaches the ORM through it
 * (issue 13: the data layer takes a branded handle, not the ORM's manager).
 */
export interface Tx {
  readonly [brand]: 'db-tx';
}
