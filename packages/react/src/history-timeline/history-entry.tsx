import type { HistoryEntryView } from '../server-types.ts';
import { useSluice } from '../sluice-provider.tsx';

/** One revision: when and by whom, then what changed, in the server's sentences. */
export function HistoryEntry({ entry }: { entry: HistoryEntryView }) {
  const { messages, format } = useSluice();
  return (
    <li>
      <div className="sluice-timeline-when">
        {messages.historyByline({ at: format.dateTime(entry.at), actor: entry.actor?.username ?? messages.systemActor })}
      </div>
      <ul>
        {entry.action === 'create' ? <li>{messages.historyCreated}</li> : null}
        {entry.action === 'delete' ? <li>{messages.historyDeleted}</li> : null}
        {[...entry.changes, ...entry.collections].map((change) => (
          <li key={change.field}>{change.text}</li>
        ))}
      </ul>
    </li>
  );
}
