import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';
import { date } from './columns';

/**
 * Issue 14, item 7: the end of a list's public notice (公示) is announced once — to the enterprises on
 * it and to city finance — by the outbox worker; the list keeps the notice end it announced, so that
 * the worker finds the lists still to announce without searching the outbox, and an extended notice is
 * announced again at its new end. Lists of earlier releases have none: one still in its notice with
 * its end past is announced once after the upgrade.
 */
export class NoticeEndAnnounced1764610000000 implements MigrationInterface {
  name = 'NoticeEndAnnounced1764610000000';

  async up(qr: QueryRunner): Promise<void> {
    await qr.addColumn('subsidy_lists', new TableColumn(date('notice_end_announced', true)));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropColumn('subsidy_lists', 'notice_end_announced');
  }
}
