import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { big, date, id, int, ref, str } from './columns';

/**
 * Drafts of documents can be withdrawn (issue 14, item 5; DESIGN.md "Corrections after the fact"): a
 * joint report remembers the department that drafted it (only that one corrects or cancels it), every
 * version of a joint report or proposed list — 文号, date, members, who, when, why — is kept in
 * `document_versions`, and a cancelled report gives its 文号 back: the county's 文号 is unique among
 * the reports still standing (`live_doc_no`, NULL once cancelled; both databases let NULLs repeat).
 */
export class DocumentVersions1764540000000 implements MigrationInterface {
  name = 'DocumentVersions1764540000000';

  async up(qr: QueryRunner): Promise<void> {
    await qr.addColumns('joint_reports', [
      new TableColumn(str('drafted_department', 8, true)),
      new TableColumn(str('live_doc_no', 64, true)),
    ]);
    await qr.query('UPDATE joint_reports SET live_doc_no = doc_no');
    await qr.dropIndex('joint_reports', 'uq_joint_reports_doc_no');
    await qr.createIndex(
      'joint_reports',
      new TableIndex({ name: 'uq_joint_reports_live_doc_no', columnNames: ['county_code', 'live_doc_no'], isUnique: true }),
    );
    await qr.createTable(
      new Table({
        name: 'document_versions',
        columns: [
          id(),
          str('document_type', 16),
          ref('document_id'),
          int('seq'),
          str('change_kind', 16),
          str('status', 16),
          str('doc_no', 64, true),
          date('doc_date'),
          { name: 'application_ids', type: 'text', isNullable: false },
          { name: 'reason', type: 'text', isNullable: true },
          ref('actor_id'),
          str('actor_role', 32, true),
          big('created_at'),
        ],
        indices: [new TableIndex({ name: 'uq_document_versions', columnNames: ['document_type', 'document_id', 'seq'], isUnique: true })],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('document_versions', true);
    await qr.dropIndex('joint_reports', 'uq_joint_reports_live_doc_no');
    await qr.createIndex(
      'joint_reports',
      new TableIndex({ name: 'uq_joint_reports_doc_no', columnNames: ['county_code', 'doc_no'], isUnique: true }),
    );
    await qr.dropColumns('joint_reports', ['drafted_department', 'live_doc_no']);
  }
}
