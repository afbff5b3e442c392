/**
 * How a text names a clause of the policy (the installed pack's title; issue 14 item 10): as the seed numbers
 * it — the chapter (一 … 五), the item in full-width brackets, the point — after 细则: 细则二（四）,
 * 细则三（三）4, 细则四（二）. A leaf module, so that the rules' own texts can cite too.
 */

/** '二（四）', '三（三）4', '四（二）', '五' — never a bare item ('四' meant for 二（四）). */
export const CLAUSE = /^[一二三四五](?:（[一二三四五六七八九十]）)*(?:\d+)?$/;

/** '二（四）' → '细则二（四）'. */
export function cite(clause: string): string {
  if (!CLAUSE.test(clause)) throw new RangeError(`not a clause of the policy: ${clause}`);
  return `细则${clause}`;
}
