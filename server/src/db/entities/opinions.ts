import { EntitySchema } from 'typeorm';
import { col } from '../columns';
import { JsonObject } from './common';

export interface ReviewOpinionRow {
  id: string;
  applicationId: string;
  round: number;
  level: 'county' | 'city';
  department: 'miit' | 'finance';
  reviewerId: string;
  decision: 'approve' | 'return' | 'reject';
  /** Fields and materials to fix, shown to the enterprise. */
  reasons: JsonObject[] | null;
  /** 上云效果 and 服务商服务质量, 1 (差) to 5 (优秀). */
  ratingEffect: number | null;
  ratingService: number | null;
  internalNote: string | null;
  createdAt: number;
}
export const ReviewOpinionEntity = new EntitySchema<ReviewOpinionRow>({
  name: 'ReviewOpinion',
  tableName: 'review_opinions',
  columns: {
    id: col.id(),
    applicationId: { ...col.ref(), name: 'application_id' },
    round: col.int(),
    level: col.str(8),
    department: col.str(8),
    reviewerId: { ...col.ref(), name: 'reviewer_id' },
    decision: col.str(8),
    reasons: col.json(),
    ratingEffect: { ...col.int(true), name: 'rating_effect' },
    ratingService: { ...col.int(true), name: 'rating_service' },
    internalNote: { ...col.text(), name: 'internal_note' },
    createdAt: { ...col.ms(), name: 'created_at' },
  },
});
