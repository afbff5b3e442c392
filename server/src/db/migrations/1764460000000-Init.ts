import { type MigrationInterface, type QueryRunner, Table, TableIndex, type TableColumnOptions } from 'typeorm';

/**
 * The first schema, written with the QueryRunner's schema API so that one migration runs on SQLite
 * and MySQL/MariaDB alike (../shared/notes/typeorm.md). A migration is history: never edit it once
 * released; add a new one.
 */

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
const date = (name: string): TableColumnOptions => ({ name, type: 'varchar', length: '10', isNullable: true });

export class Init1764460000000 implements MigrationInterface {
  name = 'Init1764460000000';

  async up(qr: QueryRunner): Promise<void> {
    // MySQL's TEXT stops at 64 KiB; a filing's form or a long opinion may need more.
    const longText = qr.connection.driver.options.type === 'better-sqlite3' ? 'text' : 'mediumtext';
    const text = (name: string, nullable = true): TableColumnOptions => ({ name, type: longText, isNullable: nullable });

    const tables: { name: string; columns: TableColumnOptions[]; indices?: TableIndex[] }[] = [
      {
        name: 'users',
        columns: [
          id(),
          str('mp_openid', 64, true),
          str('unionid', 64, true),
          str('oa_openid', 64, true),
          str('display_name', 64, true),
          str('phone', 32, true),
          str('status', 16),
          big('created_at'),
          big('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_users_mp_openid', columnNames: ['mp_openid'], isUnique: true }),
          new TableIndex({ name: 'uq_users_unionid', columnNames: ['unionid'], isUnique: true }),
          new TableIndex({ name: 'uq_users_oa_openid', columnNames: ['oa_openid'], isUnique: true }),
        ],
      },
      {
        name: 'user_roles',
        columns: [
          id(),
          ref('user_id'),
          str('role', 32),
          str('county_code', 6, true),
          ref('granted_by', true),
          ref('invitation_id', true),
          big('created_at'),
          big('revoked_at', true),
        ],
        indices: [
          new TableIndex({ name: 'ix_user_roles_user', columnNames: ['user_id'] }),
          new TableIndex({ name: 'ix_user_roles_role_county', columnNames: ['role', 'county_code'] }),
        ],
      },
      {
        name: 'sessions',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          ref('user_id'),
          big('created_at'),
          big('expires_at'),
          big('revoked_at', true),
        ],
        indices: [new TableIndex({ name: 'ix_sessions_user', columnNames: ['user_id'] })],
      },
      {
        name: 'invitations',
        columns: [
          id(),
          str('code_hash', 64),
          str('role', 32),
          str('county_code', 6, true),
          str('note', 200, true),
          ref('created_by', true),
          big('created_at'),
          big('expires_at'),
          ref('used_by', true),
          big('used_at', true),
          big('revoked_at', true),
        ],
        indices: [new TableIndex({ name: 'uq_invitations_code_hash', columnNames: ['code_hash'], isUnique: true })],
      },
      {
        name: 'enterprises',
        columns: [
          id(),
          str('credit_code', 18),
          str('name', 100),
          str('county_code', 6),
          date('established_on'),
          str('industry_code', 4, true),
          str('legal_representative', 50, true),
          str('address', 200, true),
          str('contact_name', 50, true),
          str('contact_phone', 32, true),
          str('status', 16),
          int('version', false, 1),
          ref('created_by'),
          big('created_at'),
          big('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_enterprises_credit_code', columnNames: ['credit_code'], isUnique: true }),
          new TableIndex({ name: 'ix_enterprises_county', columnNames: ['county_code', 'status'] }),
        ],
      },
      {
        name: 'enterprise_members',
        columns: [id(), ref('enterprise_id'), ref('user_id'), str('member_role', 16), str('status', 16), big('created_at')],
        indices: [
          new TableIndex({ name: 'uq_enterprise_members', columnNames: ['enterprise_id', 'user_id'], isUnique: true }),
          new TableIndex({ name: 'ix_enterprise_members_user', columnNames: ['user_id'] }),
        ],
      },
      {
        name: 'providers',
        columns: [
          id(),
          ref('owner_user_id'),
          str('company_name', 100),
          str('platform_name', 100, true),
          str('status', 16),
          str('filing_no', 32, true),
          date('approved_on'),
          date('revoked_on'),
          text('form'),
          int('version', false, 1),
          big('submitted_at', true),
          big('created_at'),
          big('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_providers_filing_no', columnNames: ['filing_no'], isUnique: true }),
          new TableIndex({ name: 'ix_providers_status', columnNames: ['status', 'updated_at'] }),
          new TableIndex({ name: 'ix_providers_owner', columnNames: ['owner_user_id'] }),
        ],
      },
      {
        name: 'applications',
        columns: [
          id(),
          str('tracking_no', 32, true),
          ref('enterprise_id'),
          ref('provider_id', true),
          str('county_code', 6),
          str('status', 32),
          int('version', false, 1),
          text('facts'),
          str('contract_no', 64, true),
          date('contract_signed_on'),
          big('contract_amount_fen', true),
          big('paid_amount_fen', true),
          big('other_subsidies_fen'),
          big('subsidy_fen', true),
          big('verified_fen', true),
          int('round', false, 0),
          ref('created_by'),
          big('submitted_at', true),
          big('created_at'),
          big('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_applications_tracking_no', columnNames: ['tracking_no'], isUnique: true }),
          new TableIndex({ name: 'ix_applications_enterprise', columnNames: ['enterprise_id', 'status'] }),
          new TableIndex({ name: 'ix_applications_queue', columnNames: ['county_code', 'status', 'updated_at'] }),
          new TableIndex({ name: 'ix_applications_stage', columnNames: ['status', 'updated_at'] }),
          new TableIndex({ name: 'ix_applications_provider', columnNames: ['provider_id', 'status'] }),
        ],
      },
      {
        name: 'application_events',
        columns: [
          id(),
          ref('application_id'),
          int('seq'),
          str('event', 32),
          str('from_status', 32, true),
          str('to_status', 32),
          ref('actor_id', true),
          str('actor_role', 32, true),
          text('reason'),
          text('internal_note'),
          text('data'),
          big('created_at'),
        ],
        indices: [new TableIndex({ name: 'uq_application_events_seq', columnNames: ['application_id', 'seq'], isUnique: true })],
      },
      {
        name: 'review_opinions',
        columns: [
          id(),
          ref('application_id'),
          int('round'),
          str('level', 8),
          str('department', 8),
          ref('reviewer_id'),
          str('decision', 8),
          text('reasons'),
          int('rating_effect', true),
          int('rating_service', true),
          text('internal_note'),
          big('created_at'),
        ],
        indices: [new TableIndex({ name: 'ix_review_opinions_app', columnNames: ['application_id', 'round'] })],
      },
      {
        name: 'files',
        columns: [
          id(),
          str('owner_type', 32),
          ref('owner_id'),
          str('kind', 48),
          str('original_name', 255),
          str('mime', 64),
          big('size_bytes'),
          str('sha256', 64),
          str('storage_key', 128),
          ref('uploaded_by'),
          ref('superseded_by', true),
          big('created_at'),
        ],
        indices: [
          new TableIndex({ name: 'ix_files_owner', columnNames: ['owner_type', 'owner_id', 'kind'] }),
          new TableIndex({ name: 'ix_files_sha256', columnNames: ['sha256'] }),
        ],
      },
      {
        name: 'notifications',
        columns: [
          id(),
          str('idempotency_key', 191),
          ref('recipient_user_id'),
          str('channel', 16),
          str('template', 64),
          text('payload'),
          str('status', 16),
          int('attempts', false, 0),
          big('next_attempt_at'),
          big('lease_until', true),
          str('last_error', 500, true),
          big('created_at'),
          big('sent_at', true),
          big('read_at', true),
        ],
        indices: [
          new TableIndex({ name: 'uq_notifications_idempotency', columnNames: ['idempotency_key'], isUnique: true }),
          new TableIndex({ name: 'ix_notifications_due', columnNames: ['status', 'next_attempt_at'] }),
          new TableIndex({ name: 'ix_notifications_inbox', columnNames: ['recipient_user_id', 'channel', 'created_at'] }),
        ],
      },
      {
        name: 'audit_log',
        columns: [
          id(),
          str('chain', 80),
          int('seq'),
          str('action', 64),
          ref('actor_id', true),
          str('entity_type', 32),
          str('entity_id', 64),
          text('data'),
          str('prev_hash', 64),
          str('hash', 64),
          big('created_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_audit_chain_seq', columnNames: ['chain', 'seq'], isUnique: true }),
          new TableIndex({ name: 'ix_audit_entity', columnNames: ['entity_type', 'entity_id'] }),
          new TableIndex({ name: 'ix_audit_actor', columnNames: ['actor_id', 'created_at'] }),
        ],
      },
      {
        name: 'audit_heads',
        columns: [{ name: 'chain', type: 'varchar', length: '80', isPrimary: true }, int('seq'), str('hash', 64), big('updated_at')],
      },
      {
        name: 'wechat_tokens',
        columns: [
          { name: 'appid', type: 'varchar', length: '64', isPrimary: true },
          str('access_token', 512),
          big('expire_time'),
          big('updated_at'),
        ],
      },
    ];

    for (const t of tables) {
      await qr.createTable(new Table({ name: t.name, columns: t.columns }), true);
      for (const index of t.indices ?? []) await qr.createIndex(t.name, index);
    }
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const name of [
      'wechat_tokens',
      'audit_heads',
      'audit_log',
      'notifications',
      'files',
      'review_opinions',
      'application_events',
      'applications',
      'providers',
      'enterprise_members',
      'enterprises',
      'invitations',
      'sessions',
      'user_roles',
      'users',
    ]) {
      await qr.dropTable(name, true);
    }
  }
}
