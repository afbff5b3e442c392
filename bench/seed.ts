import { randomBytes } from 'node:crypto';
import type { Database } from '../server/src/db/database';
import { insertMember } from '../server/src/db/enterprises';
import { insertBulkApplication, insertBulkEnterprise, insertBulkUser } from '../server/src/db/testing';
import { hashToken } from '../server/src/modules/auth/authService';
import { newId } from '../server/src/ids';
import { policyPack } from '../shared/src/pack';

/** The installed pack's first county: the one the benchmark's reviewer and follower belong to. */
const firstCounty = () => policyPack().counties[0].code;

const DAY_MS = 86_400_000;

/** Plain parameterised inserts in batches (server/src/db/testing.ts): seeding speed, not the product's write path. */
export async function seedSessions(db: Database, users: number): Promise<string[]> {
  const tokens: string[] = [];
  const now = Date.now();
  for (let start = 0; start < users; start += 1000) {
    await db.transaction(async (tx) => {
      for (let i = start; i < Math.min(users, start + 1000); i++) {
        const userId = newId();
        const token = randomBytes(32).toString('base64url');
        tokens.push(token);
        await insertBulkUser(tx, {
          id: userId,
          mpOpenid: `bench-${userId}`,
          session: { hash: hashToken(token), expiresAt: now + DAY_MS },
          grant: i % 3 === 0 ? { id: newId(), role: 'county_miit', countyCode: firstCounty() } : undefined,
          now,
        });
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
        const counties = policyPack().counties;
        const county = counties[i % counties.length].code;
        const enterpriseId = newId();
        await insertBulkEnterprise(tx, {
          id: enterpriseId,
          creditCode: `B${String(i).padStart(17, '0')}`,
          name: `${policyPack().city.shortName}压测企业${i}号有限公司`,
          countyCode: county,
          createdBy: owner,
          now,
        });
        await insertBulkApplication(tx, {
          id: newId(),
          trackingNo: `YCB${String(i).padStart(9, '0')}`,
          enterpriseId,
          countyCode: county,
          status: STATES[i % STATES.length],
          contractNo: `HT-${i}`,
          amountFen: 12_000_000,
          subsidyFen: 6_000_000,
          createdBy: owner,
          submittedAt: now - i * 1000,
          createdAt: now - i * 1000,
          updatedAt: now - (i % 5000) * 1000,
        });
      }
    });
  }
}

/** A county reviewer of the pack's first county logged in: the one whose queue the benchmark reads. */
export async function seedCountyReviewer(db: Database): Promise<string> {
  const now = Date.now();
  const userId = newId();
  const token = randomBytes(32).toString('base64url');
  await db.transaction((tx) =>
    insertBulkUser(tx, {
      id: userId,
      mpOpenid: `bench-reviewer-${userId}`,
      session: { hash: hashToken(token), expiresAt: now + DAY_MS },
      grant: { id: newId(), role: 'county_miit', countyCode: firstCounty() },
      now,
    }),
  );
  return token;
}

/** A follower of the official account bound to a clerk whose enterprise has one application among the many. */
export async function seedBoundFollower(db: Database, openid: string): Promise<void> {
  const now = Date.now();
  const userId = newId();
  const enterpriseId = newId();
  await db.transaction(async (tx) => {
    await insertBulkUser(tx, {
      id: userId,
      mpOpenid: `bench-clerk-${userId}`,
      oaOpenid: openid,
      grant: { id: newId(), role: 'enterprise', countyCode: null },
      now,
    });
    await insertBulkEnterprise(tx, {
      id: enterpriseId,
      creditCode: 'BENCHFOLLOWER00001',
      name: `${policyPack().city.shortName}压测关注企业有限公司`,
      countyCode: firstCounty(),
      createdBy: userId,
      now,
    });
    await insertMember(tx, { id: newId(), enterpriseId, userId, memberRole: 'owner', status: 'active', createdAt: now });
    await insertBulkApplication(tx, {
      id: newId(),
      trackingNo: 'YCBENCH000001',
      enterpriseId,
      countyCode: firstCounty(),
      status: 'county_review',
      contractNo: 'HT-BENCH',
      amountFen: 12_000_000,
      subsidyFen: 6_000_000,
      createdBy: userId,
      submittedAt: now,
      createdAt: now,
      updatedAt: now,
    });
  });
}
