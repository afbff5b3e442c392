import { z } from 'zod';
import { idField, versionField } from './common';

/** A round (申报批次, issue 18): its window, the county's and the city's deadlines, its notice. */
export const roundSchema = z
  .strictObject({
    id: idField,
    year: z.number().int(),
    number: z.number().int(),
    name: z.string().describe('如 2026年第1批'),
    status: z.enum(['open', 'closed']),
    opensOn: z.string().describe('申报开始日期'),
    closesOn: z.string().describe('申报截止日期'),
    countyDeadline: z.string().describe('县级审核截止日期'),
    cityDeadline: z.string().describe('市级审核截止日期'),
    notice: z.string(),
    version: versionField.or(z.literal(0)),
    acceptingToday: z.boolean().describe('今天可以提交申请'),
    applications: z.number().int().min(0),
  })
  .meta({ id: 'Round' });
export type RoundViewBody = z.infer<typeof roundSchema>;

export const roundListSchema = z.strictObject({ rounds: z.array(roundSchema) }).meta({ id: 'RoundList' });

export const currentRoundSchema = z
  .strictObject({ open: roundSchema.nullable(), next: roundSchema.nullable() })
  .meta({ id: 'CurrentRound' });
