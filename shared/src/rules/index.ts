export * from './parameters';
export * from './calendar';
export * from './creditCode';
export * from './eligibility';
export * from './flow';
export * from '../contracts/eligibility';
