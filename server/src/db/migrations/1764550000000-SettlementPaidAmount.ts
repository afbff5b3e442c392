import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';
import { big } from './columns';

/**
 * Issue 14, item 1: a row of a 兑付申请表 version keeps the paid amount it was generated with, so that
 * a change of payments after the provider signed shows as a stale form (DESIGN.md "Corrections after
 * the fact"). Rows written before this release have none: their application needs a newly signed
 * version once it has payments (nothing is guessed for them).
 */
export class SettlementPaidAmount1764550000000 implements MigrationInterface {
  name = 'SettlementPaidAmount1764550000000';

  async up(qr: QueryRunner): Promise<void> {
    await qr.addColumn('settlement_form_items', new TableColumn(big('paid_amount_fen', true)));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropColumn('settlement_form_items', 'paid_amount_fen');
  }
}
