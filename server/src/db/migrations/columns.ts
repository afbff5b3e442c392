import type { QueryRunner, TableColumnOptions } from 'typeorm';

/**
 * Column shapes for migrations from WechatPay1764520000000 on (the earlier ones keep their own copies:
 * a released migration is history and is not edited).
 */
export const id = (): TableColumnOptions => ({ name: 'id', type: 'varchar', length: '26', isPrimary: true });
export const ref = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'varchar', length: '26', isNullable: nullable });
export const str = (name: string, length: number, nullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable: nullable,
});
export const big = (name: string, nullable = false, dflt?: number): TableColumnOptions => ({
  name,
  type: 'bigint',
  isNullable: nullable,
  default: dflt,
});
export const int = (name: string, nullable = false, dflt?: number): TableColumnOptions => ({
  name,
  type: 'int',
  isNullable: nullable,
  default: dflt,
});
export const date = (name: string, nullable = true): TableColumnOptions => ({ name, type: 'varchar', length: '10', isNullable: nullable });

/** MySQL's TEXT stops at 64 KiB. */
export function longText(qr: QueryRunner): (name: string, nullable?: boolean) => TableColumnOptions {
  const type = qr.connection.driver.options.type === 'better-sqlite3' ? 'text' : 'mediumtext';
  return (name, nullable = true) => ({ name, type, isNullable: nullable });
}
