export const COUNTY_CODE_LENGTH = 6;

export type JsonObject = { [key: string]: unknown };
