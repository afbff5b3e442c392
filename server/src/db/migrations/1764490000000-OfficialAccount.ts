import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The official account's tables. */
export class OfficialAccount1764490000000 implements MigrationInterface {
  name = 'OfficialAccount1764490000000';

  async up(_qr: QueryRunner): Promise<void> {}

  async down(_qr: QueryRunner): Promise<void> {}
}
