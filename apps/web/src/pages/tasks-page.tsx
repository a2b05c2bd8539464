import { TaskList } from '@sluice/react';

/** The user's export tasks, newest first, following the live ones. */
export function TasksPage() {
  return (
    <section>
      <h1>Export tasks</h1>
      <TaskList />
    </section>
  );
}
