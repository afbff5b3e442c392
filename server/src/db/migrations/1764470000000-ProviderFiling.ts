import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

/** Provider filings get their own history; gap-free numbering for 备案编号 and 申报编号. */
export class ProviderFiling1764470000000 implements MigrationInterface {
  name = 'ProviderFiling1764470000000';

  async up(qr: QueryRunner): Promise<void> {
    const longText = qr.connection.driver.options.type === 'better-sqlite3' ? 'text' : 'mediumtext';
    await qr.createTable(
      new Table({
        name: 'provider_events',
        columns: [
          { name: 'id', type: 'varchar', length: '26', isPrimary: true },
          { name: 'provider_id', type: 'varchar', length: '26' },
          { name: 'seq', type: 'int' },
          { name: 'event', type: 'varchar', length: '32' },
          { name: 'from_status', type: 'varchar', length: '32', isNullable: true },
          { name: 'to_status', type: 'varchar', length: '32' },
          { name: 'actor_id', type: 'varchar', length: '26', isNullable: true },
          { name: 'reason', type: longText, isNullable: true },
          { name: 'data', type: longText, isNullable: true },
          { name: 'created_at', type: 'bigint' },
        ],
      }),
      true,
    );
    await qr.createIndex(
      'provider_events',
      new TableIndex({ name: 'uq_provider_events_seq', columnNames: ['provider_id', 'seq'], isUnique: true }),
    );
    await qr.createTable(
      new Table({
        name: 'sequences',
        columns: [
          { name: 'name', type: 'varchar', length: '64', isPrimary: true },
          { name: 'value', type: 'int' },
        ],
      }),
      true,
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('sequences', true);
    await qr.dropTable('provider_events', true);
  }
}
