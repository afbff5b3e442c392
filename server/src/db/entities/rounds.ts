import { EntitySchema } from 'typeorm';
import { col } from '../columns';

/** A round (申报批次) as city MIIT opened it (shared/src/workflow/rounds.ts). */
export interface RoundRow {
  id: string;
  year: number;
  number: number;
  status: 'open' | 'closed';
  opensOn: string;
  closesOn: string;
  countyDeadline: string;
  cityDeadline: string;
  notice: string;
  version: number;
  /** null: the year's round a new install starts with. */
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
}
export const RoundEntity = new EntitySchema<RoundRow>({
  name: 'Round',
  tableName: 'application_rounds',
  columns: {
    id: col.id(),
    year: col.int(),
    number: col.int(),
    status: col.str(16),
    opensOn: { ...col.date(false), name: 'opens_on' },
    closesOn: { ...col.date(false), name: 'closes_on' },
    countyDeadline: { ...col.date(false), name: 'county_deadline' },
    cityDeadline: { ...col.date(false), name: 'city_deadline' },
    notice: col.text(false),
    version: col.version(),
    createdBy: { ...col.ref(true), name: 'created_by' },
    createdAt: { ...col.ms(), name: 'created_at' },
    updatedAt: { ...col.ms(), name: 'updated_at' },
  },
});

/** One reminder of one draft before its round's window closes: the key makes it once only. */
export interface RoundReminderRow {
  roundId: string;
  applicationId: string;
  kind: string;
  /** How many of the enterprise's people the reminder could reach by a subscribe message. */
  recipients: number;
  createdAt: number;
}
export const RoundReminderEntity = new EntitySchema<RoundReminderRow>({
  name: 'RoundReminder',
  tableName: 'round_reminders',
  columns: {
    roundId: { ...col.ref(), primary: true, name: 'round_id' },
    applicationId: { ...col.ref(), primary: true, name: 'application_id' },
    kind: { ...col.str(16), primary: true },
    recipients: col.int(),
    createdAt: { ...col.ms(), name: 'created_at' },
  },
});
