import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';
import { big, id, ref, str } from './columns';

/**
 * Changes to an enterprise's verified profile wait for the county (issue 14, item 4): each request
 * keeps the verified values it would replace and the values asked for, and its outcome. The verified
 * values stay in `enterprises` until the county verifies the change.
 */
export class ProfileChanges1764547000000 implements MigrationInterface {
  name = 'ProfileChanges1764547000000';

  async up(qr: QueryRunner): Promise<void> {
    const text = qr.connection.driver.options.type === 'better-sqlite3' ? 'text' : 'mediumtext';
    await qr.createTable(
      new Table({
        name: 'enterprise_profile_changes',
        columns: [
          id(),
          ref('enterprise_id'),
          str('county_code', 6),
          str('status', 16),
          { name: 'changes', type: text, isNullable: false },
          ref('requested_by'),
          big('requested_at'),
          ref('decided_by', true),
          big('decided_at', true),
          str('reason', 500, true),
        ],
        indices: [
          new TableIndex({ name: 'ix_profile_changes_enterprise', columnNames: ['enterprise_id', 'status'] }),
          new TableIndex({ name: 'ix_profile_changes_county', columnNames: ['county_code', 'status'] }),
        ],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('enterprise_profile_changes');
  }
}
