import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';
import { ref } from './columns';

/**
 * Issue 18 item 1: lists are per round (申报批次). A proposed list records the round of its
 * applications (all of one round; null: applications submitted before rounds existed), so that its
 * title, the city's screens and its document name the round. The budget stays per year. Lists of
 * earlier releases keep null: they were drafted before any round.
 */
export class ListRound1764700000000 implements MigrationInterface {
  name = 'ListRound1764700000000';

  async up(qr: QueryRunner): Promise<void> {
    await qr.addColumn('subsidy_lists', new TableColumn(ref('round_id', true)));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropColumn('subsidy_lists', 'round_id');
  }
}
