/** Every scenario, in the order they run (the order is part of what makes the pictures stable). */
import type { Scenario } from './types';
import { everyone } from './everyone';
import { enterprise } from './enterprise';
import { provider } from './provider';
import { county } from './county';
import { city } from './city';
import { payments } from './payments';
import { accountChange } from './accountChange';

export const SCENARIOS: Scenario[] = [...everyone, ...enterprise, ...provider, ...county, ...city, ...payments, ...accountChange];
