import { Component, type ReactNode } from 'react';

/**
 * A page that throws while rendering shows what went wrong instead of a blank screen; navigating to
 * another page (a new `resetKey`) tries again.
 */
export class ErrorBoundary extends Component<{ resetKey: string; children: ReactNode }, { error: Error | null; key: string }> {
  override state = { error: null as Error | null, key: this.props.resetKey };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  static getDerivedStateFromProps(props: { resetKey: string }, state: { error: Error | null; key: string }) {
    return props.resetKey === state.key ? null : { error: null, key: props.resetKey };
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <section role="alert">
        <h1>This page failed</h1>
        <p className="error">{this.state.error.message}</p>
        <p>
          <a href={window.location.href}>Reload the page</a> or go to another one; if it keeps failing, the message above helps support.
        </p>
      </section>
    );
  }
}
