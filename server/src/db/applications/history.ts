import { em } from '../orm';
import type { Tx } from '../tx';
import { ApplicationEventEntity, type ApplicationEventRow } from '../entities';
import { insertRow } from '../rows';

/** An application's history: one row per transition or edit, numbered from 1 without gaps. */

export type { ApplicationEventRow as ApplicationEvent } from '../entities';

export async function historyOf(tx: Tx, applicationId: string): Promise<ApplicationEventRow[]> {
  return em(tx)
    .getRepository(ApplicationEventEntity)
    .find({ where: { applicationId }, order: { seq: 'ASC' } });
}

/** Appends an event after the last one (seq = last + 1): inside the transaction that changed the application. */
export async function appendEvent(tx: Tx, row: Omit<ApplicationEventRow, 'seq'>): Promise<ApplicationEventRow> {
  const rows: { seq: number | string | null }[] = await em(tx).query(
    'SELECT MAX(seq) AS seq FROM application_events WHERE application_id = ?',
    [row.applicationId],
  );
  const event: ApplicationEventRow = { ...row, seq: Number(rows[0]?.seq ?? 0) + 1 };
  await insertRow(em(tx), ApplicationEventEntity, event);
  return event;
}
