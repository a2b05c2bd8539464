/** The sentence for one field change. */
export function describeFieldChange(label: string, action: 'create' | 'update' | 'delete', old: string | null, value: string | null): string {
  if (action === 'create') return `${label} set to ${value ?? 'nothing'}`;
  if (old === null) return `${label} set to ${value}`;
  if (value === null) return `${label} cleared (was ${old})`;
  return `${label} changed from ${old} to ${value}`;
}

/** The sentence for one collection change. */
export function describeCollectionChange(label: string, added: readonly string[], removed: readonly string[]): string {
  const parts = [];
  if (added.length > 0) parts.push(`added ${added.join(', ')}`);
  if (removed.length > 0) parts.push(`removed ${removed.join(', ')}`);
  return `${label}: ${parts.join('; ')}`;
}
