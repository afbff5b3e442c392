import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';
import { big, id, int, ref, str } from './columns';

/**
 * Changes of the receiving bank account (issue 14 item 3; DESIGN.md "Corrections after the fact"): the
 * enterprise's request keeps the account in force when it asked and the new one, so the history keeps
 * both; city finance confirms or refuses. One open request per application: `open_key` holds the
 * application's id while the request waits and is emptied when it is decided (a unique index allows many NULLs).
 */
export class AccountChanges1764545000000 implements MigrationInterface {
  name = 'AccountChanges1764545000000';

  async up(qr: QueryRunner): Promise<void> {
    await qr.createTable(
      new Table({
        name: 'account_changes',
        columns: [
          id(),
          ref('application_id'),
          str('status', 16),
          str('old_account_name', 100, true),
          str('old_bank_name', 100, true),
          str('old_account_no', 40, true),
          str('new_account_name', 100),
          str('new_bank_name', 100),
          str('new_account_no', 40),
          str('reason', 500),
          ref('requested_by'),
          big('requested_at'),
          ref('decided_by', true),
          big('decided_at', true),
          str('decision_reason', 500, true),
          ref('open_key', true),
          int('version', false, 1),
        ],
        indices: [
          new TableIndex({ name: 'ix_account_changes_application', columnNames: ['application_id', 'requested_at'] }),
          new TableIndex({ name: 'ix_account_changes_status', columnNames: ['status', 'requested_at'] }),
          new TableIndex({ name: 'uq_account_changes_open', columnNames: ['open_key'], isUnique: true }),
        ],
      }),
      true,
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('account_changes', true);
  }
}
