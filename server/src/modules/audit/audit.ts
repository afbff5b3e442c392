import { createHmac } from 'node:crypto';
import type { Database } from '../../db/database';
import type { Tx } from '../../db/tx';
import {
  allAuditHeads,
  auditRecordsAfter,
  findAuditHead,
  insertAuditRecord,
  lockAuditHead,
  moveAuditHead,
  startAuditChain,
  type AuditRecord,
} from '../../db/audit';
import { newId } from '../../ids';

/**
 * The audit trail: append-only and tamper-evident. Rows form one hash chain per audited entity
 * (`user:…`, `application:…`), so that writes to different entities never contend for one row;
 * `audit_heads` holds each chain's last seq and hash, so deleting the newest row is caught too.
 * Hashes are HMACs under AUDIT_KEY: someone who can write the database but lacks the key cannot
 * recompute a chain after editing it. Rows are never updated or deleted by the application.
 */

export const GENESIS = '0'.repeat(64);

export interface AuditEntry {
  action: string;
  actorId: string | null;
  entityType: string;
  entityId: string;
  data?: Record<string, unknown>;
}

/** JSON with sorted keys: the same data always hashes the same, whatever order it was built in. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

export function auditHash(key: string, row: Omit<AuditRecord, 'id' | 'hash'>): string {
  const material = canonicalJson([
    row.chain,
    row.seq,
    row.prevHash,
    row.action,
    row.actorId,
    row.entityType,
    row.entityId,
    row.data ?? null,
    row.createdAt,
  ]);
  return createHmac('sha256', key).update(material).digest('hex');
}

export class AuditTrail {
  constructor(
    private readonly key: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Appends inside the caller's transaction: the audit row commits with the change it explains. */
  async append(tx: Tx, entry: AuditEntry): Promise<void> {
    const chain = `${entry.entityType}:${entry.entityId}`;
    const createdAt = this.now();
    const base = {
      chain,
      action: entry.action,
      actorId: entry.actorId,
      entityType: entry.entityType,
      entityId: entry.entityId,
      data: entry.data ?? null,
      createdAt,
    };

    // A new chain is started by inserting its head: no locking read first, since on MySQL a locking
    // read of a missing row takes a gap lock that makes concurrent starters of other chains deadlock.
    // If another transaction started it first, append behind its row.
    if (!(await findAuditHead(tx, chain))) {
      const first = { ...base, seq: 1, prevHash: GENESIS };
      const hash = auditHash(this.key, first);
      if (await startAuditChain(tx, { chain, seq: 1, hash, updatedAt: createdAt })) {
        await insertAuditRecord(tx, { id: newId(), ...first, hash });
        return;
      }
    }
    // Serialises appends to this one chain across instances.
    const head = await lockAuditHead(tx, chain);
    if (!head) throw new Error(`audit head for ${chain} vanished`);
    const row: Omit<AuditRecord, 'id' | 'hash'> = { ...base, seq: head.seq + 1, prevHash: head.hash };
    const hash = auditHash(this.key, row);
    await insertAuditRecord(tx, { id: newId(), ...row, hash });
    if (!(await moveAuditHead(tx, chain, head.seq, { seq: row.seq, hash, updatedAt: row.createdAt })))
      throw new Error(`audit chain ${chain} moved underneath us`);
  }
}

export interface AuditProblem {
  chain: string;
  seq: number | null;
  problem: string;
}

/**
 * Walks every chain and recomputes it: an edited row breaks its hash, a deleted row breaks the
 * sequence or the next row's link, and a deleted newest row disagrees with the chain's head.
 */
export async function verifyAuditTrail(
  db: Database,
  key: string,
  batchSize = 1000,
): Promise<{ rows: number; chains: number; problems: AuditProblem[] }> {
  const problems: AuditProblem[] = [];
  let rows = 0;
  let chains = 0;
  let current: { chain: string; seq: number; hash: string } | null = null;
  const heads = new Map<string, { seq: number; hash: string }>();
  for (const h of await allAuditHeads(db)) heads.set(h.chain, { seq: h.seq, hash: h.hash });

  const closeChain = () => {
    if (!current) return;
    const head = heads.get(current.chain);
    if (!head) problems.push({ chain: current.chain, seq: null, problem: 'chain has rows but no head' });
    else if (head.seq !== current.seq || head.hash !== current.hash)
      problems.push({
        chain: current.chain,
        seq: head.seq,
        problem: `head says seq ${head.seq}, rows end at ${current.seq}: rows were removed or the head was altered`,
      });
    heads.delete(current.chain);
  };

  let after: { chain: string; seq: number } | null = null;
  for (;;) {
    const batch = await auditRecordsAfter(db, after, batchSize);
    if (batch.length === 0) break;
    for (const r of batch) {
      rows++;
      if (!current || current.chain !== r.chain) {
        closeChain();
        chains++;
        current = { chain: r.chain, seq: 0, hash: GENESIS };
      }
      if (r.seq !== current.seq + 1)
        problems.push({ chain: r.chain, seq: r.seq, problem: `expected seq ${current.seq + 1}: a row is missing` });
      if (r.prevHash !== current.hash) problems.push({ chain: r.chain, seq: r.seq, problem: 'link to the previous row is broken' });
      if (auditHash(key, r) !== r.hash)
        problems.push({ chain: r.chain, seq: r.seq, problem: 'row content does not match its hash: it was edited' });
      current = { chain: r.chain, seq: r.seq, hash: r.hash };
    }
    const last = batch[batch.length - 1];
    after = { chain: last.chain, seq: last.seq };
    if (batch.length < batchSize) break;
  }
  closeChain();
  for (const [chain, head] of heads) {
    if (head.seq > 0) problems.push({ chain, seq: head.seq, problem: 'head without rows: the chain was removed' });
  }
  return { rows, chains, problems };
}
