import { TaskList, useSluice } from '@sluice/react';
import { navigate } from '../router.tsx';

/** The user's export tasks, newest first, following the live ones; each can be opened in the builder. */
export function TasksPage() {
  return (
    <section>
      <h1>{useSluice().messages.tasksLabel}</h1>
      <TaskList onOpenInBuilder={(task) => navigate(`/exports?task=${task.id}`)} />
    </section>
  );
}
