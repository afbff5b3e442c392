import type { EntitySchema } from 'typeorm';

/** Tables of notification delivery (preferences, quiet hours, subscriptions). */
export const NOTIFICATION_ENTITIES: EntitySchema[] = [];
