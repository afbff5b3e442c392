/**
 * The receiving account of a subsidy is the enterprise's own (DESIGN.md, "An application's life":
 * account name = the enterprise's name): public money goes to the legal person that applied.
 */

/** Account name and enterprise name compared as a cashier would: without spaces, with full- and half-width brackets alike. */
export function accountNameMatches(accountName: string | null | undefined, enterpriseName: string | null | undefined): boolean {
  const norm = (s: string | null | undefined) => (s ?? '').replace(/\s+/g, '').replace(/（/g, '(').replace(/）/g, ')');
  return norm(accountName).length > 0 && norm(accountName) === norm(enterpriseName);
}
