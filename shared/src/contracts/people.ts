import { z } from 'zod';
import { ROLE_LABELS, type Role } from './roles';

/**
 * How a person is named to others (issue 14 item 9): documents and screens name who recorded, signed or
 * decided something by the name the admin gave on the invitation or the person set in their profile, and
 * by their role's Chinese name (市财政局经办人) where no name is known — never by an id.
 */

export const DISPLAY_NAME_MIN = 2;
export const DISPLAY_NAME_MAX = 20;

/** Letters of any script (汉字, Latin), spaces inside, the middle dot of 少数民族 and foreign names, and hyphens. */
const NAME_CHARACTERS = /^[\p{L}\p{M}][\p{L}\p{M} ·•．.-]*$/u;

/** 2–20 characters once trimmed (a 汉字 counts one), with inner runs of spaces kept to one. */
export const displayNameSchema = z
  .string({ error: '姓名须为文字' })
  .transform((s) => s.trim().replace(/\s+/g, ' '))
  .pipe(
    z
      .string()
      .min(DISPLAY_NAME_MIN, `姓名至少 ${DISPLAY_NAME_MIN} 个字`)
      .max(DISPLAY_NAME_MAX, `姓名不超过 ${DISPLAY_NAME_MAX} 个字`)
      .regex(NAME_CHARACTERS, '姓名只能由文字组成，可含空格、间隔号“·”或连字符，不能含数字或其他符号'),
  );

/** The role's Chinese name as a stand-in for a person with no name on file: '市财政局经办人'. */
export function roleStandIn(role: Role): string {
  return `${ROLE_LABELS[role]}经办人`;
}

/**
 * The person's name, or their role's stand-in where none is known. Callers pass the role that the step
 * requires (only 市财政局 records ledger entries; only 市工信局 drafts a list).
 */
export function personName(displayName: string | null | undefined, role: Role): string {
  const name = displayName?.trim();
  return name ? name : roleStandIn(role);
}
