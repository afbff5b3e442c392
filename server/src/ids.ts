import { monotonicFactory } from 'ulid';

/** Time-ordered string ids: new rows land at the end of B-tree indexes on MySQL/TiDB. */
export const newId: () => string = monotonicFactory();
