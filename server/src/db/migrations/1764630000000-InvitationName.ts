import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';
import { str } from './columns';

/**
 * Issue 14, item 9: an invitation may carry the name of the person it is for, so that the reviewer's
 * display name is known from the day they redeem it (the ledger and the other documents name who
 * recorded what, never an id). Invitations issued before carry none.
 */
export class InvitationName1764630000000 implements MigrationInterface {
  name = 'InvitationName1764630000000';

  async up(qr: QueryRunner): Promise<void> {
    await qr.addColumn('invitations', new TableColumn(str('invitee_name', 64, true)));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropColumn('invitations', 'invitee_name');
  }
}
