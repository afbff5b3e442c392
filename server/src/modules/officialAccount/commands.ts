/**
 * The official account's text parsing: a command word, `绑定 <code>`, or the answer a free text is
 * closest to. The chatbot (chatbot.ts) acts on what it finds.
 */
import * as T from './texts';

export type Command =
  | { kind: 'topic'; topic: T.Topic }
  | { kind: 'help' }
  | { kind: 'progress' }
  | { kind: 'todo' }
  | { kind: 'selfCheck' }
  | { kind: 'exit' }
  | { kind: 'bind'; code: string };

/** A command word, or `绑定 <code>`; null for anything else. */
export function parseCommand(text: string): Command | null {
  const compact = text.replace(/\s+/g, '').toLowerCase();
  if (compact.startsWith(T.BIND_WORD))
    return {
      kind: 'bind',
      code: compact
        .slice(T.BIND_WORD.length)
        .replace(/^[:：,，]/, '')
        .replace(/-/g, ''),
    };
  // Own keys only: "__proto__" or "constructor" typed by someone is not a command.
  if (!Object.hasOwn(T.COMMAND_WORDS, compact)) return null;
  const word = T.COMMAND_WORDS[compact];
  switch (word) {
    case 'help':
    case 'progress':
    case 'todo':
    case 'selfCheck':
    case 'exit':
      return { kind: word };
    default:
      return { kind: 'topic', topic: word };
  }
}

/** The answer whose words the text shares most (texts.ts KEYWORDS), or null when it shares none. */
export function closestTopic(text: string): (typeof T.KEYWORDS)[number]['target'] | null {
  const t = text.toLowerCase().slice(0, 500);
  let best: (typeof T.KEYWORDS)[number]['target'] | null = null;
  let bestScore = 0;
  for (const entry of T.KEYWORDS) {
    let score = 0;
    for (const [word, weight] of entry.words) if (t.includes(word)) score += weight;
    if (score > bestScore) {
      best = entry.target;
      bestScore = score;
    }
  }
  return best;
}
