export * from './types';
export { policyPack, installPolicyPack, BUILT_IN_PACKS } from './active';
export * from './accessors';
