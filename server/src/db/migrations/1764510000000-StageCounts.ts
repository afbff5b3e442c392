import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';

/**
 * How many applications each county has at each stage, kept by every transition in its own
 * transaction: a reviewer's queue shows its counts without recounting the county's history.
 */
export class StageCounts1764510000000 implements MigrationInterface {
  name = 'StageCounts1764510000000';

  async up(qr: QueryRunner): Promise<void> {
    await qr.createTable(
      new Table({
        name: 'stage_counts',
        columns: [
          { name: 'county_code', type: 'varchar', length: '6', isPrimary: true },
          { name: 'status', type: 'varchar', length: '32', isPrimary: true },
          { name: 'n', type: 'int', default: 0 },
        ],
      }),
      true,
    );
    await qr.query(
      'INSERT INTO stage_counts (county_code, status, n) SELECT county_code, status, COUNT(*) FROM applications GROUP BY county_code, status',
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('stage_counts', true);
  }
}
