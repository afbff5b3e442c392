import type { EntitySchema } from 'typeorm';

/** Tables of the official account (chatbot conversations, bindings, message dedupe). */
export const OFFICIAL_ACCOUNT_ENTITIES: EntitySchema[] = [];
