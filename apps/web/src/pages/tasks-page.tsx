import { TaskList, useSluice } from '@sluice/react';

/** The user's export tasks, newest first, following the live ones. */
export function TasksPage() {
  return (
    <section>
      <h1>{useSluice().messages.tasksLabel}</h1>
      <TaskList />
    </section>
  );
}
