import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';
import { big, id, ref } from './columns';

/**
 * The second pair of eyes on the ledger (issue 14 item 6; DESIGN.md "Four eyes"): a correction or a
 * reversal is recorded by one city finance person and confirmed by another. The confirmation is a row of
 * its own, since a ledger entry never changes; one per entry (unique entry_id).
 */
export class LedgerConfirmations1764546000000 implements MigrationInterface {
  name = 'LedgerConfirmations1764546000000';

  async up(qr: QueryRunner): Promise<void> {
    await qr.createTable(
      new Table({
        name: 'ledger_confirmations',
        columns: [id(), ref('entry_id'), ref('application_id'), ref('confirmed_by'), big('confirmed_at')],
        indices: [
          new TableIndex({ name: 'uq_ledger_confirmations_entry', columnNames: ['entry_id'], isUnique: true }),
          new TableIndex({ name: 'ix_ledger_confirmations_application', columnNames: ['application_id'] }),
        ],
      }),
      true,
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('ledger_confirmations', true);
  }
}
