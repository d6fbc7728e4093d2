/** Escapes every character that means something in a regular expression. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** Case-insensitive substring match of the user's text, taken literally. */
export function titleMatcher(text: string): RegExp {
  return new RegExp(escapeRegExp(text), 'i');
}
