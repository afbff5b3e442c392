import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Notification delivery's tables. */
export class NotificationDelivery1764500000000 implements MigrationInterface {
  name = 'NotificationDelivery1764500000000';

  async up(_qr: QueryRunner): Promise<void> {}

  async down(_qr: QueryRunner): Promise<void> {}
}
