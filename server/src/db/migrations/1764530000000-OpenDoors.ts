import { type MigrationInterface, type QueryRunner, Table, TableColumn } from 'typeorm';
import { big, int, ref, str } from './columns';

/**
 * Closing the open doors (issue 11): join codes that lock after wrong tries, invitations that remember
 * a refusal for a conflict of interest, and the table the shared rate limits keep their counters in on
 * MySQL/MariaDB (rate-limiter-flexible's own layout; SQLite keeps them in memory).
 */
export class OpenDoors1764530000000 implements MigrationInterface {
  name = 'OpenDoors1764530000000';

  async up(qr: QueryRunner): Promise<void> {
    await qr.addColumns('enterprise_invitations', [
      new TableColumn(int('failed_attempts', false, 0)),
      new TableColumn(big('locked_at', true)),
    ]);
    await qr.addColumns('invitations', [
      new TableColumn(big('refused_at', true)),
      new TableColumn(ref('refused_by', true)),
      new TableColumn(str('refused_reason', 300, true)),
    ]);
    // The 8-digit join codes issued before this release could be guessed: none of them opens a door any more.
    await qr.query('UPDATE enterprise_invitations SET expires_at = ? WHERE used_at IS NULL AND expires_at > ?', [Date.now(), Date.now()]);
    await qr.createTable(
      new Table({
        name: 'rate_limits',
        columns: [
          { name: 'key', type: 'varchar', length: '255', isPrimary: true },
          { name: 'points', type: 'int', default: 0 },
          { name: 'expire', type: 'bigint', isNullable: true },
        ],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('rate_limits');
    await qr.dropColumns('invitations', ['refused_at', 'refused_by', 'refused_reason']);
    await qr.dropColumns('enterprise_invitations', ['failed_attempts', 'locked_at']);
  }
}
