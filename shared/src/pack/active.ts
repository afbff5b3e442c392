/**
 * The pack this process serves (issue 18 item 4): Yichun unless another is installed — by the server
 * at start-up from its POLICY_PACK setting, or by a test. Read it with `policyPack()` where a value is
 * used, never into a module-level constant: a constant taken at import would keep the first pack.
 */
import type { PolicyPack } from './types';
import { YICHUN } from './yichun';

let installed: PolicyPack = YICHUN;

export function policyPack(): PolicyPack {
  return installed;
}

/** Installs `pack` for the whole process; returns the one it replaces, so a test can put it back. */
export function installPolicyPack(pack: PolicyPack): PolicyPack {
  const previous = installed;
  installed = pack;
  return previous;
}

/** The packs this build carries, by the name POLICY_PACK gives. */
export const BUILT_IN_PACKS: Readonly<Record<string, PolicyPack>> = { yichun: YICHUN };
