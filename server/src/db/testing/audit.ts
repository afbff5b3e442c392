import { em } from '../orm';
import type { Tx } from '../tx';

// ---- tampering with the audit trail: for the tests that show verification catches it ---------------

/** Rewrites one record's data behind the trail's back, as someone with database access could. */
export async function tamperAuditData(tx: Tx, chain: string, seq: number, data: unknown): Promise<void> {
  await em(tx).query('UPDATE audit_log SET data = ? WHERE chain = ? AND seq = ?', [JSON.stringify(data), chain, seq]);
}

/** Renames an action in every record that has it, behind the trail's back. */
export async function tamperAuditAction(tx: Tx, action: string, forged: string): Promise<void> {
  await em(tx).query('UPDATE audit_log SET action = ? WHERE action = ?', [forged, action]);
}

/** Deletes one record of a chain behind the trail's back (its head stays). */
export async function deleteAuditRecord(tx: Tx, chain: string, seq: number): Promise<void> {
  await em(tx).query('DELETE FROM audit_log WHERE chain = ? AND seq = ?', [chain, seq]);
}

/** Deletes a whole chain, its head too: a test cleans up after tampering, or a forger starts over. */
export async function deleteAuditChain(tx: Tx, chain: string): Promise<void> {
  await em(tx).query('DELETE FROM audit_log WHERE chain = ?', [chain]);
  await em(tx).query('DELETE FROM audit_heads WHERE chain = ?', [chain]);
}
