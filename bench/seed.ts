import { randomBytes } from 'node:crypto';
import type { Database } from '../server/src/db/database';
import { hashToken } from '../server/src/modules/auth/authService';
import { newId } from '../server/src/ids';
import { COUNTIES } from '../shared/src/contracts/roles';

/** Raw parameterised inserts in batches: seeding speed, not the product's write path. */
export async function seedSessions(db: Database, users: number): Promise<string[]> {
  const tokens: string[] = [];
  const now = Date.now();
  for (let start = 0; start < users; start += 1000) {
    await db.transaction(async (tx) => {
      for (let i = start; i < Math.min(users, start + 1000); i++) {
        const userId = newId();
        const token = randomBytes(32).toString('base64url');
        tokens.push(token);
        await tx.query('INSERT INTO users (id, mp_openid, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?)', [
          userId,
          `bench-${userId}`,
          'active',
          now,
          now,
        ]);
        await tx.query('INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)', [
          hashToken(token),
          userId,
          now,
          now + 86_400_000,
        ]);
        if (i % 3 === 0)
          await tx.query('INSERT INTO user_roles (id, user_id, role, county_code, created_at) VALUES (?, ?, ?, ?, ?)', [
            newId(),
            userId,
            'county_miit',
            '230717',
            now,
          ]);
      }
    });
  }
  return tokens;
}

const STATES = [
  'county_review',
  'county_review',
  'provider_check',
  'county_approved',
  'reported',
  'city_approved',
  'listed',
  'approved',
  'disbursed',
  'disbursed',
  'returned',
  'rejected',
];

/**
 * `count` applications spread over the ten counties and the stages of their life, each with its
 * enterprise, so that a reviewer's queue is one county's share of a database of `count` rows.
 */
export async function seedApplications(db: Database, count: number): Promise<void> {
  const now = Date.now();
  const owner = newId();
  for (let start = 0; start < count; start += 1000) {
    await db.transaction(async (tx) => {
      for (let i = start; i < Math.min(count, start + 1000); i++) {
        const county = COUNTIES[i % COUNTIES.length].code;
        const enterpriseId = newId();
        await tx.query(
          'INSERT INTO enterprises (id, credit_code, name, county_code, status, version, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)',
          [enterpriseId, `B${String(i).padStart(17, '0')}`, `伊春压测企业${i}号有限公司`, county, 'verified', owner, now, now],
        );
        await tx.query(
          'INSERT INTO applications (id, tracking_no, enterprise_id, county_code, status, version, contract_no, contract_amount_fen, paid_amount_fen, other_subsidies_fen, subsidy_fen, round, created_by, submitted_at, created_at, updated_at, contract_changed) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, 0, ?, 1, ?, ?, ?, ?, 0)',
          [
            newId(),
            `YCB${String(i).padStart(9, '0')}`,
            enterpriseId,
            county,
            STATES[i % STATES.length],
            `HT-${i}`,
            12_000_000,
            12_000_000,
            6_000_000,
            owner,
            now - i * 1000,
            now - i * 1000,
            now - (i % 5000) * 1000,
          ],
        );
      }
    });
  }
}

/** A county reviewer of 伊美区 logged in: the one whose queue the benchmark reads. */
export async function seedCountyReviewer(db: Database): Promise<string> {
  const now = Date.now();
  const userId = newId();
  const token = randomBytes(32).toString('base64url');
  await db.transaction(async (tx) => {
    await tx.query('INSERT INTO users (id, mp_openid, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?)', [
      userId,
      `bench-reviewer-${userId}`,
      'active',
      now,
      now,
    ]);
    await tx.query('INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)', [
      hashToken(token),
      userId,
      now,
      now + 86_400_000,
    ]);
    await tx.query('INSERT INTO user_roles (id, user_id, role, county_code, created_at) VALUES (?, ?, ?, ?, ?)', [
      newId(),
      userId,
      'county_miit',
      '230717',
      now,
    ]);
  });
  return token;
}

/** A follower of the official account bound to a clerk whose enterprise has one application among the many. */
export async function seedBoundFollower(db: Database, openid: string): Promise<void> {
  const now = Date.now();
  const userId = newId();
  const enterpriseId = newId();
  await db.transaction(async (tx) => {
    await tx.query('INSERT INTO users (id, mp_openid, oa_openid, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)', [
      userId,
      `bench-clerk-${userId}`,
      openid,
      'active',
      now,
      now,
    ]);
    await tx.query('INSERT INTO user_roles (id, user_id, role, created_at) VALUES (?, ?, ?, ?)', [newId(), userId, 'enterprise', now]);
    await tx.query(
      'INSERT INTO enterprises (id, credit_code, name, county_code, status, version, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)',
      [enterpriseId, 'BENCHFOLLOWER00001', '伊春压测关注企业有限公司', '230717', 'verified', userId, now, now],
    );
    await tx.query(
      'INSERT INTO enterprise_members (id, enterprise_id, user_id, member_role, status, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      [newId(), enterpriseId, userId, 'owner', 'active', now],
    );
    await tx.query(
      'INSERT INTO applications (id, tracking_no, enterprise_id, county_code, status, version, contract_no, contract_amount_fen, paid_amount_fen, other_subsidies_fen, subsidy_fen, round, created_by, submitted_at, created_at, updated_at, contract_changed) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, 0, ?, 1, ?, ?, ?, ?, 0)',
      [
        newId(),
        'YCBENCH000001',
        enterpriseId,
        '230717',
        'county_review',
        'HT-BENCH',
        12_000_000,
        12_000_000,
        6_000_000,
        userId,
        now,
        now,
        now,
      ],
    );
  });
}
