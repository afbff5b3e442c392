import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableIndex, type TableColumnOptions } from 'typeorm';
import { big, date, id, int, longText, ref, str } from './columns';

/**
 * Paying the provider through the platform (WeChat Pay): providers' merchant accounts (secrets
 * encrypted), payment requests with their one fixed out_trade_no, refunds, the callbacks received, and
 * what the daily trade-bill check found.
 */
export class WechatPay1764520000000 implements MigrationInterface {
  name = 'WechatPay1764520000000';

  async up(qr: QueryRunner): Promise<void> {
    const text = longText(qr);
    const tables: { name: string; columns: TableColumnOptions[]; indices?: TableIndex[] }[] = [
      {
        name: 'merchant_accounts',
        columns: [
          id(),
          ref('provider_id'),
          str('mchid', 32),
          str('appid', 64),
          str('serial_no', 64),
          text('secrets', false),
          text('platform_keys', false),
          str('status', 16),
          int('version', false, 1),
          ref('linked_by'),
          big('linked_at'),
          big('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_merchant_accounts_provider', columnNames: ['provider_id'], isUnique: true }),
          new TableIndex({ name: 'uq_merchant_accounts_mchid', columnNames: ['mchid'], isUnique: true }),
        ],
      },
      {
        name: 'payment_requests',
        columns: [
          id(),
          ref('provider_id'),
          ref('merchant_account_id'),
          ref('enterprise_id'),
          ref('application_id', true),
          big('amount_fen'),
          str('description', 127),
          str('contract_no', 64, true),
          str('catalogue_item', 64, true),
          ref('created_by'),
          str('created_by_role', 16),
          str('out_trade_no', 32),
          str('status', 16),
          str('payer_openid', 128, true),
          str('prepay_id', 128, true),
          big('prepay_at', true),
          big('lease_until', true),
          big('expires_at'),
          str('transaction_id', 64, true),
          big('paid_at', true),
          date('paid_on'),
          big('refunded_fen', false, 0),
          big('checked_at', true),
          int('check_count', false, 0),
          str('problem', 500, true),
          int('version', false, 1),
          big('created_at'),
          big('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_payment_requests_out_trade_no', columnNames: ['out_trade_no'], isUnique: true }),
          new TableIndex({ name: 'ix_payment_requests_status', columnNames: ['status', 'expires_at'] }),
          new TableIndex({ name: 'ix_payment_requests_enterprise', columnNames: ['enterprise_id', 'created_at'] }),
          new TableIndex({ name: 'ix_payment_requests_provider', columnNames: ['provider_id', 'created_at'] }),
          new TableIndex({ name: 'ix_payment_requests_application', columnNames: ['application_id'] }),
          new TableIndex({ name: 'ix_payment_requests_paid_on', columnNames: ['merchant_account_id', 'paid_on'] }),
        ],
      },
      {
        name: 'payment_refunds',
        columns: [
          id(),
          ref('payment_request_id'),
          str('out_refund_no', 64),
          str('refund_id', 64, true),
          big('amount_fen'),
          str('reason', 80, true),
          str('status', 16),
          str('origin', 16),
          ref('requested_by', true),
          big('lease_until', true),
          big('succeeded_at', true),
          date('succeeded_on'),
          big('created_at'),
          big('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_payment_refunds_out_refund_no', columnNames: ['out_refund_no'], isUnique: true }),
          new TableIndex({ name: 'ix_payment_refunds_request', columnNames: ['payment_request_id'] }),
          new TableIndex({ name: 'ix_payment_refunds_status', columnNames: ['status'] }),
        ],
      },
      {
        name: 'payment_notifications',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          ref('merchant_account_id'),
          str('event_type', 32),
          str('outcome', 32),
          big('received_at'),
        ],
      },
      {
        name: 'payment_discrepancies',
        columns: [
          id(),
          ref('merchant_account_id'),
          ref('provider_id'),
          date('bill_date', false),
          str('out_trade_no', 64),
          str('kind', 32),
          str('message', 300),
          text('ours'),
          text('theirs'),
          big('found_at'),
          big('resolved_at', true),
        ],
        indices: [
          new TableIndex({
            name: 'uq_payment_discrepancies',
            columnNames: ['merchant_account_id', 'bill_date', 'out_trade_no', 'kind'],
            isUnique: true,
          }),
          new TableIndex({ name: 'ix_payment_discrepancies_provider', columnNames: ['provider_id', 'resolved_at'] }),
        ],
      },
      {
        name: 'trade_bill_checks',
        columns: [
          { ...ref('merchant_account_id'), isPrimary: true },
          { ...date('bill_date', false), isPrimary: true },
          str('outcome', 16),
          int('bill_rows', false, 0),
          int('disagreements', false, 0),
          str('error', 300, true),
          big('checked_at'),
        ],
      },
    ];
    for (const t of tables) await qr.createTable(new Table({ name: t.name, columns: t.columns, indices: t.indices }), true);
    await qr.addColumn('application_payments', new TableColumn(ref('payment_request_id', true)));
    await qr.createIndex(
      'application_payments',
      new TableIndex({ name: 'ix_application_payments_request', columnNames: ['payment_request_id'] }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropIndex('application_payments', 'ix_application_payments_request');
    await qr.dropColumn('application_payments', 'payment_request_id');
    for (const name of [
      'trade_bill_checks',
      'payment_discrepancies',
      'payment_notifications',
      'payment_refunds',
      'payment_requests',
      'merchant_accounts',
    ])
      await qr.dropTable(name, true);
  }
}
