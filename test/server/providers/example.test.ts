import fs from 'node:fs';
import path from 'node:path';
import { completeProviderFiling } from '../../fixtures/providerFiling';

// The README's walk-through posts docs/examples/provider-filing.json: it must stay a complete, valid filing.
test('the README example filing is the complete fixture', () => {
  const example = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../docs/examples/provider-filing.json'), 'utf8'));
  expect(example).toEqual({ form: completeProviderFiling() });
});
