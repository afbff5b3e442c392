import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableIndex, type TableColumnOptions } from 'typeorm';

/** The application's whole life: contract details, payments, the 兑付申请表, joint reports, lists, the ledger, budgets. */
const id = (): TableColumnOptions => ({ name: 'id', type: 'varchar', length: '26', isPrimary: true });
const ref = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'varchar', length: '26', isNullable: nullable });
const str = (name: string, length: number, nullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable: nullable,
});
const big = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable: nullable });
const int = (name: string, nullable = false, dflt?: number): TableColumnOptions => ({
  name,
  type: 'int',
  isNullable: nullable,
  default: dflt,
});
const date = (name: string, nullable = true): TableColumnOptions => ({ name, type: 'varchar', length: '10', isNullable: nullable });

export class Applications1764480000000 implements MigrationInterface {
  name = 'Applications1764480000000';

  async up(qr: QueryRunner): Promise<void> {
    const longText = qr.connection.driver.options.type === 'better-sqlite3' ? 'text' : 'mediumtext';
    const text = (name: string): TableColumnOptions => ({ name, type: longText, isNullable: true });

    await qr.addColumns('applications', [
      new TableColumn(date('contract_start')),
      new TableColumn(date('contract_end')),
      new TableColumn(str('services', 500, true)),
      new TableColumn(str('bank_account_name', 100, true)),
      new TableColumn(str('bank_name', 100, true)),
      new TableColumn(str('bank_account_no', 40, true)),
      new TableColumn(str('returned_from', 16, true)),
      new TableColumn(int('contract_changed', false, 0)),
      new TableColumn(ref('settlement_form_id', true)),
      new TableColumn(text('provider_evaluation')),
      new TableColumn(text('verified_reason')),
      new TableColumn(text('last_reason')),
      new TableColumn(ref('report_id', true)),
      new TableColumn(ref('list_id', true)),
    ]);

    const tables: { name: string; columns: TableColumnOptions[]; indices?: TableIndex[] }[] = [
      {
        name: 'application_payments',
        columns: [
          id(),
          ref('application_id'),
          big('amount_fen'),
          date('paid_on', false),
          str('method', 16),
          str('reference', 64, true),
          str('source', 16),
          int('verified', false, 0),
          ref('recorded_by'),
          big('created_at'),
          big('removed_at', true),
        ],
        indices: [new TableIndex({ name: 'ix_application_payments_app', columnNames: ['application_id'] })],
      },
      {
        name: 'settlement_forms',
        columns: [
          id(),
          ref('provider_id'),
          int('version'),
          str('status', 16),
          ref('signed_file_id', true),
          ref('created_by'),
          big('created_at'),
          big('signed_at', true),
        ],
        indices: [new TableIndex({ name: 'uq_settlement_forms_version', columnNames: ['provider_id', 'version'], isUnique: true })],
      },
      {
        name: 'settlement_form_items',
        columns: [
          id(),
          ref('form_id'),
          ref('application_id'),
          int('position'),
          big('applied_fen'),
          big('contract_amount_fen'),
          text('effect_evaluation'),
        ],
        indices: [
          new TableIndex({ name: 'uq_settlement_form_items', columnNames: ['form_id', 'application_id'], isUnique: true }),
          new TableIndex({ name: 'ix_settlement_form_items_app', columnNames: ['application_id'] }),
        ],
      },
      {
        name: 'joint_reports',
        columns: [
          id(),
          str('county_code', 6),
          str('doc_no', 64),
          date('report_date', false),
          str('status', 16),
          ref('miit_signed_by', true),
          big('miit_signed_at', true),
          ref('finance_signed_by', true),
          big('finance_signed_at', true),
          int('version', false, 1),
          ref('created_by'),
          big('created_at'),
          big('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'ix_joint_reports_county', columnNames: ['county_code', 'status'] }),
          new TableIndex({ name: 'uq_joint_reports_doc_no', columnNames: ['county_code', 'doc_no'], isUnique: true }),
        ],
      },
      {
        name: 'joint_report_items',
        columns: [id(), ref('report_id'), ref('application_id'), int('position')],
        indices: [new TableIndex({ name: 'uq_joint_report_items', columnNames: ['report_id', 'application_id'], isUnique: true })],
      },
      {
        name: 'subsidy_lists',
        columns: [
          id(),
          int('year'),
          int('batch_no'),
          str('status', 16),
          date('notice_start'),
          date('notice_end'),
          ref('drafted_by'),
          ref('cosigned_by', true),
          big('cosigned_at', true),
          ref('approved_by', true),
          big('approved_at', true),
          int('version', false, 1),
          big('created_at'),
          big('updated_at'),
        ],
        indices: [new TableIndex({ name: 'uq_subsidy_lists_batch', columnNames: ['year', 'batch_no'], isUnique: true })],
      },
      {
        name: 'subsidy_list_items',
        columns: [id(), ref('list_id'), ref('application_id'), big('verified_fen'), big('removed_at', true), text('removed_reason')],
        indices: [
          new TableIndex({ name: 'uq_subsidy_list_items', columnNames: ['list_id', 'application_id'], isUnique: true }),
          new TableIndex({ name: 'ix_subsidy_list_items_app', columnNames: ['application_id'] }),
        ],
      },
      {
        name: 'list_objections',
        columns: [
          id(),
          ref('list_id'),
          ref('application_id'),
          text('content'),
          str('objector', 100, true),
          date('received_on', false),
          str('decision', 16),
          ref('recorded_by'),
          ref('decided_by', true),
          big('decided_at', true),
          text('decision_reason'),
          big('created_at'),
        ],
        indices: [new TableIndex({ name: 'ix_list_objections_list', columnNames: ['list_id', 'decision'] })],
      },
      {
        // The ledger only grows: corrections and returned payments (退汇) are new entries with a reason.
        name: 'disbursements',
        columns: [
          id(),
          ref('application_id'),
          int('seq'),
          str('kind', 16),
          big('amount_fen'),
          str('voucher_no', 64),
          date('paid_on', false),
          str('account_name', 100),
          str('bank_name', 100),
          str('account_no', 40),
          text('reason'),
          ref('corrects_id', true),
          ref('recorded_by'),
          big('created_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_disbursements_seq', columnNames: ['application_id', 'seq'], isUnique: true }),
          new TableIndex({ name: 'uq_disbursements_voucher', columnNames: ['kind', 'voucher_no'], isUnique: true }),
        ],
      },
      {
        name: 'enterprise_invitations',
        columns: [
          id(),
          ref('enterprise_id'),
          str('code_hash', 64),
          ref('created_by'),
          big('created_at'),
          big('expires_at'),
          ref('used_by', true),
          big('used_at', true),
        ],
        indices: [new TableIndex({ name: 'uq_enterprise_invitations_code', columnNames: ['code_hash'], isUnique: true })],
      },
      {
        name: 'budgets',
        columns: [
          { name: 'year', type: 'int', isPrimary: true },
          big('budget_fen'),
          ref('set_by'),
          int('version', false, 1),
          big('updated_at'),
        ],
      },
    ];
    for (const t of tables) {
      await qr.createTable(new Table({ name: t.name, columns: t.columns }), true);
      for (const index of t.indices ?? []) await qr.createIndex(t.name, index);
    }
    await qr.createIndex(
      'applications',
      new TableIndex({ name: 'ix_applications_contract_no', columnNames: ['provider_id', 'contract_no'] }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropIndex('applications', 'ix_applications_contract_no');
    for (const name of [
      'enterprise_invitations',
      'budgets',
      'disbursements',
      'list_objections',
      'subsidy_list_items',
      'subsidy_lists',
      'joint_report_items',
      'joint_reports',
      'settlement_form_items',
      'settlement_forms',
      'application_payments',
    ]) {
      await qr.dropTable(name, true);
    }
    for (const c of [
      'list_id',
      'report_id',
      'last_reason',
      'verified_reason',
      'provider_evaluation',
      'settlement_form_id',
      'contract_changed',
      'returned_from',
      'bank_account_no',
      'bank_name',
      'bank_account_name',
      'services',
      'contract_end',
      'contract_start',
    ]) {
      await qr.dropColumn('applications', c);
    }
  }
}
