import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';
import { str } from './columns';
import { YICHUN } from '../../../../shared/src/pack/yichun';

/**
 * Issue 18 item 3: each application records the policy version it was judged under — set at its first
 * submission, kept through corrections and re-submission (shared/src/rules/parameters.ts says why the
 * submission day picks it). Applications submitted before versions existed were all judged under the
 * policy as first issued, and only one pack existed then: they get its first version. Drafts stay
 * empty: the day they are submitted picks theirs.
 */
export class PolicyVersion1764710000000 implements MigrationInterface {
  name = 'PolicyVersion1764710000000';

  async up(qr: QueryRunner): Promise<void> {
    await qr.addColumn('applications', new TableColumn(str('policy_version_id', 64, true)));
    const first = YICHUN.versions[0].id;
    await qr.query('UPDATE applications SET policy_version_id = ? WHERE submitted_at IS NOT NULL', [first]);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropColumn('applications', 'policy_version_id');
  }
}
