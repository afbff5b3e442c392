/** Keys of what pages hand to each other through WeChat's storage (a page cannot return a value). */

/** The facts of the last finished self-check: they start the application and fill its declarations. */
export const CHECK_FACTS_KEY = 'check.facts';
/** The provider picked in the registry for the application's contract. */
export const PICKED_PROVIDER_KEY = 'apply.pickedProvider';
/** An application a platform payment was just made for: its page reloads to show the verified payment. */
export const PAID_FOR_APPLICATION_KEY = 'apply.paidForApplication';
