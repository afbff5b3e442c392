import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { big, int, ref, str } from './columns';

/**
 * Issue 18 item 1: the consent a person gave to subscribe messages (the mini-program reports the
 * template ids accepted in wx.requestSubscribeMessage), per template group, so that the closing
 * reminders can say how many drafts a subscribe message could reach. Nothing before this release
 * recorded it: every person starts with none recorded.
 */
export class SubscribeConsents1764700100000 implements MigrationInterface {
  name = 'SubscribeConsents1764700100000';

  async up(qr: QueryRunner): Promise<void> {
    await qr.createTable(
      new Table({
        name: 'subscribe_consents',
        columns: [
          { ...ref('user_id'), isPrimary: true },
          { ...str('template_group', 16), isPrimary: true },
          int('accepted'),
          big('last_accepted_at'),
        ],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('subscribe_consents');
  }
}
