import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableIndex, type TableColumnOptions } from 'typeorm';

/**
 * Notification delivery: users' preferences and quiet hours, the once-a-day digest record, and
 * two columns of the outbox the worker needs — the claim token (a send is recorded only by the
 * worker whose claim still holds) and WeChat's msgid. Written with the QueryRunner's schema API so
 * that it runs on SQLite and MySQL/MariaDB alike (../shared/notes/typeorm.md).
 */

const id = (): TableColumnOptions => ({ name: 'id', type: 'varchar', length: '26', isPrimary: true });
const ref = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'varchar', length: '26', isNullable: nullable });
const str = (name: string, length: number, nullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable: nullable,
});
const big = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable: nullable });
const int = (name: string): TableColumnOptions => ({ name, type: 'int', isNullable: false });

export class NotificationDelivery1764500000000 implements MigrationInterface {
  name = 'NotificationDelivery1764500000000';

  async up(qr: QueryRunner): Promise<void> {
    await qr.createTable(
      new Table({
        name: 'notification_preferences',
        columns: [id(), ref('user_id'), str('template_group', 16), str('channel', 16), int('enabled'), big('updated_at')],
      }),
      true,
    );
    await qr.createIndex(
      'notification_preferences',
      new TableIndex({ name: 'uq_notification_preferences', columnNames: ['user_id', 'template_group', 'channel'], isUnique: true }),
    );

    await qr.createTable(
      new Table({
        name: 'notification_quiet_hours',
        columns: [{ ...ref('user_id'), isPrimary: true }, int('start_minute'), int('end_minute'), big('updated_at')],
      }),
      true,
    );

    await qr.createTable(
      new Table({
        name: 'notification_digest_runs',
        columns: [
          { ...ref('user_id'), isPrimary: true },
          { ...str('digest_date', 10), isPrimary: true },
          int('waiting'),
          int('overdue'),
          str('event_key', 191, true),
          big('created_at'),
        ],
      }),
      true,
    );

    await qr.addColumn('notifications', new TableColumn(str('claim_token', 26, true)));
    await qr.addColumn('notifications', new TableColumn(str('wechat_msgid', 32, true)));
    await qr.createIndex('notifications', new TableIndex({ name: 'ix_notifications_claim', columnNames: ['claim_token'] }));
    // The inbox's unread count: one user's inbox rows that have no read_at.
    await qr.createIndex(
      'notifications',
      new TableIndex({ name: 'ix_notifications_unread', columnNames: ['recipient_user_id', 'channel', 'read_at'] }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropIndex('notifications', 'ix_notifications_unread');
    await qr.dropIndex('notifications', 'ix_notifications_claim');
    await qr.dropColumn('notifications', 'wechat_msgid');
    await qr.dropColumn('notifications', 'claim_token');
    for (const name of ['notification_digest_runs', 'notification_quiet_hours', 'notification_preferences']) await qr.dropTable(name, true);
  }
}
