import type { EntityManager, EntitySchema, ObjectLiteral } from 'typeorm';

/**
 * Inserts a whole, typed row. TypeORM's partial-entity type recurses into JSON columns and rejects
 * `unknown` values; a complete row of the schema's own type is always a valid insert.
 */
export async function insertRow<T extends ObjectLiteral>(m: EntityManager, entity: EntitySchema<T>, row: T): Promise<void> {
  await m.getRepository(entity).insert(row);
}
