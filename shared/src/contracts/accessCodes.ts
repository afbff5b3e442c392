/**
 * The codes that open a door — a reviewer's invitation and a colleague's join code: 12 characters of
 * Crockford's base-32 alphabet (60 bits), shown as XXXX-XXXX-XXXX. The alphabet has no I, L, O or U,
 * so a code read aloud over the phone is typed right; what a person types is forgiven for case,
 * spaces, hyphens, and O/I/L typed for 0/1.
 */
export const ACCESS_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const ACCESS_CODE_LENGTH = 12;

export function normalizeAccessCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

/** Whether what was typed can be a code at all: checked on the phone before anything is sent. */
export function isAccessCode(code: string): boolean {
  const n = normalizeAccessCode(code);
  return n.length === ACCESS_CODE_LENGTH && [...n].every((c) => ACCESS_CODE_ALPHABET.includes(c));
}

/** XXXX-XXXX-XXXX */
export function formatAccessCode(normalized: string): string {
  return normalized.match(/.{1,4}/g)?.join('-') ?? normalized;
}
