/** An application's (or a filing's) steps, newest first: items from logic/timeline.ts. */
import { page } from '../../services/page';

Component(
  page({
    options: { addGlobalClass: true },
    properties: {
      items: { type: Array, value: [] },
    },
  }),
);
