import { type MigrationInterface, type QueryRunner, Table, TableIndex, type TableColumnOptions } from 'typeorm';

/**
 * The official account's tables: message dedupe, followers (follow state, the guided self-check,
 * binding attempts) and binding codes. Written with the QueryRunner's schema API so that it runs on
 * SQLite and MySQL/MariaDB alike (../../../../shared/notes/typeorm.md).
 */
const str = (name: string, length: number, nullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable: nullable,
});
const big = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable: nullable });
const int = (name: string, dflt: number): TableColumnOptions => ({ name, type: 'int', isNullable: false, default: dflt });

export class OfficialAccount1764490000000 implements MigrationInterface {
  name = 'OfficialAccount1764490000000';

  async up(qr: QueryRunner): Promise<void> {
    // A reply is at most 2048 bytes and a flow state a few hundred: MySQL's TEXT (64 KiB) is plenty.
    const text = (name: string): TableColumnOptions => ({ name, type: 'text', isNullable: true });

    const tables: { name: string; columns: TableColumnOptions[]; indices?: TableIndex[] }[] = [
      {
        name: 'oa_messages',
        // 191 characters: the longest utf8mb4 key every MySQL row format indexes.
        columns: [
          { name: 'dedupe_key', type: 'varchar', length: '191', isPrimary: true },
          str('openid', 64),
          str('msg_type', 32),
          text('reply'),
          big('created_at'),
        ],
        indices: [new TableIndex({ name: 'ix_oa_messages_created', columnNames: ['created_at'] })],
      },
      {
        name: 'oa_followers',
        columns: [
          { name: 'openid', type: 'varchar', length: '64', isPrimary: true },
          str('unionid', 64, true),
          int('followed', 1),
          text('flow'),
          big('flow_updated_at', true),
          int('bind_failures', 0),
          big('bind_window_at', true),
          int('version', 1),
          big('created_at'),
          big('updated_at'),
        ],
        indices: [new TableIndex({ name: 'ix_oa_followers_unionid', columnNames: ['unionid'] })],
      },
      {
        name: 'oa_binding_codes',
        columns: [
          { name: 'id', type: 'varchar', length: '26', isPrimary: true },
          str('code_hash', 64),
          { name: 'user_id', type: 'varchar', length: '26', isNullable: false },
          big('created_at'),
          big('expires_at'),
          big('used_at', true),
          str('used_by_openid', 64, true),
        ],
        indices: [
          new TableIndex({ name: 'uq_oa_binding_codes_hash', columnNames: ['code_hash'], isUnique: true }),
          new TableIndex({ name: 'ix_oa_binding_codes_user', columnNames: ['user_id', 'created_at'] }),
        ],
      },
    ];

    for (const t of tables) {
      await qr.createTable(new Table({ name: t.name, columns: t.columns }), true);
      for (const index of t.indices ?? []) await qr.createIndex(t.name, index);
    }
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const name of ['oa_binding_codes', 'oa_followers', 'oa_messages']) await qr.dropTable(name, true);
  }
}
