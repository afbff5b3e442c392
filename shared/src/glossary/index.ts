/** The glossary and the money formatter: what every text a person reads is made with (see terms.ts). */
export * from './money';
export * from './clauses';
export * from './terms';
export * from './plain';
