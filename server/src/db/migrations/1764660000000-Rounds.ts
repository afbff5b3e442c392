import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { big, date, id, int, ref, str } from './columns';

/**
 * Application rounds (申报批次, issue 18 item 1): the windows city MIIT opens, the round each
 * application was submitted in, the deadline of a correction after a return, and the reminders sent
 * before a window closes (one row per draft and reminder: a second run of the job sends nothing).
 * The year's first round of a new install is written on first use (db/rounds.ts), not here: a
 * migration knows neither the OVERDUE_DAYS setting nor, on a restored or emptied database, whether
 * the bureau has already opened one.
 */
export class Rounds1764660000000 implements MigrationInterface {
  name = 'Rounds1764660000000';

  async up(qr: QueryRunner): Promise<void> {
    const text = qr.connection.driver.options.type === 'better-sqlite3' ? 'text' : 'mediumtext';
    await qr.createTable(
      new Table({
        name: 'application_rounds',
        columns: [
          id(),
          int('year'),
          int('number'),
          str('status', 16),
          date('opens_on', false),
          date('closes_on', false),
          date('county_deadline', false),
          date('city_deadline', false),
          { name: 'notice', type: text, isNullable: false },
          int('version', false, 1),
          ref('created_by', true),
          big('created_at'),
          big('updated_at'),
        ],
        indices: [new TableIndex({ name: 'ux_rounds_year_number', columnNames: ['year', 'number'], isUnique: true })],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'round_reminders',
        columns: [
          { ...ref('round_id'), isPrimary: true },
          { ...ref('application_id'), isPrimary: true },
          { ...str('kind', 16), isPrimary: true },
          int('recipients'),
          big('created_at'),
        ],
      }),
    );
    await qr.addColumn('applications', new TableColumn(ref('round_id', true)));
    await qr.addColumn('applications', new TableColumn(date('correction_due_on')));
    await qr.createIndex('applications', new TableIndex({ name: 'ix_applications_round', columnNames: ['round_id', 'status'] }));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropIndex('applications', 'ix_applications_round');
    await qr.dropColumn('applications', 'correction_due_on');
    await qr.dropColumn('applications', 'round_id');
    await qr.dropTable('round_reminders');
    await qr.dropTable('application_rounds');
  }
}
