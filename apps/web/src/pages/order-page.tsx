import { type FormEvent, useState } from 'react';
import { api, type Page } from '../api.ts';
import { ErrorMessage } from '../components/error-message.tsx';
import { useApi } from '../components/use-api.ts';
import { Link } from '../router.tsx';
import { useMe } from '../session.tsx';
import { formatMoney } from './format.ts';

interface Order {
  id: number;
  personId: number;
  status: string;
  totalPrice: number;
  deliveryDate: string | null;
  productIds: number[];
  updatedAt: string;
}
interface Product {
  id: number;
  name: string;
  price: number;
}
interface HistoryEntry {
  revision: number;
  at: string;
  actor: { id: number; username: string } | null;
  action: 'create' | 'update' | 'delete';
  changes: { field: string; text: string }[];
  collections: { field: string; text: string }[];
}

const statuses = ['New', 'Collecting', 'Shipped', 'Delivered', 'Cancelled'];

/** One order: edit its status, delivery date, price and products; its history below. */
export function OrderPage({ id }: { id: number }) {
  const me = useMe();
  const order = useApi<Order>(`/api/orders/${id}`);
  const products = useApi<{ items: Product[] }>('/api/products');
  const history = useApi<Page<HistoryEntry>>(me.may.history ? `/api/history/orders/${id}?limit=50` : null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const change = async (call: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await call();
      order.reload();
      history.reload();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const save = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const price = Math.round(Number(form.get('totalPrice')) * 100);
    const body = { status: form.get('status'), deliveryDate: form.get('deliveryDate') || null, totalPrice: price };
    void change(() => api('PATCH', `/api/orders/${id}`, body));
  };
  if (order.error && !order.data) return <ErrorMessage error={order.error} />;
  const current = order.data;
  const names = new Map(products.data?.items.map((product) => [product.id, product]) ?? []);
  return (
    <section>
      <p>
        <Link to="/orders">← Orders</Link>
      </p>
      <h1>Order #{id}</h1>
      {current ? (
        <form className="order-form" onSubmit={save} key={current.updatedAt} aria-label="Edit order">
          <label>
            Status
            <select name="status" defaultValue={current.status}>
              {statuses.map((status) => (
                <option key={status}>{status}</option>
              ))}
            </select>
          </label>
          <label>
            Delivery date
            <input name="deliveryDate" type="date" defaultValue={current.deliveryDate ?? ''} />
          </label>
          <label>
            Total price (€)
            <input name="totalPrice" type="number" min="0" step="0.01" defaultValue={(current.totalPrice / 100).toFixed(2)} />
          </label>
          <button type="submit" disabled={busy}>
            {busy ? 'Saving…' : 'Save'}
          </button>
        </form>
      ) : (
        <p className="placeholder" aria-busy="true" />
      )}
      <ErrorMessage error={error} />
      <h2>Products</h2>
      <ul className="products">
        {current?.productIds.map((productId) => (
          <li key={productId}>
            {names.get(productId)?.name ?? `Product ${productId}`} <span className="muted">{formatMoney(names.get(productId)?.price ?? 0)}</span>{' '}
            <button type="button" className="link" disabled={busy} onClick={() => void change(() => api('DELETE', `/api/orders/${id}/products/${productId}`))}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      <label>
        Add a product{' '}
        <select
          value=""
          disabled={busy}
          onChange={(event) => void change(() => api('POST', `/api/orders/${id}/products`, { productId: Number(event.target.value) }))}
        >
          <option value="">Choose…</option>
          {products.data?.items
            .filter((product) => !current?.productIds.includes(product.id))
            .map((product) => (
              <option key={product.id} value={product.id}>
                {product.name}
              </option>
            ))}
        </select>
      </label>
      {me.may.history ? <OrderHistory id={id} entries={history.data?.items} error={history.error} /> : null}
    </section>
  );
}

function OrderHistory({ id, entries, error }: { id: number; entries: HistoryEntry[] | undefined; error: unknown }) {
  const [at, setAt] = useState('');
  const asOf = useApi<{ revision: number | null; state: Record<string, unknown> | null }>(
    at ? `/api/history/orders/${id}/as-of?at=${encodeURIComponent(new Date(at).toISOString())}` : null,
  );
  return (
    <>
      <h2>History</h2>
      <ErrorMessage error={error} />
      <ol className="timeline">
        {entries?.map((entry) => (
          <li key={entry.revision}>
            <div className="when">
              {new Date(entry.at).toLocaleString()} · {entry.actor?.username ?? 'system'}
            </div>
            <ul>
              {entry.action === 'create' ? <li>Created</li> : null}
              {entry.action === 'delete' ? <li>Deleted</li> : null}
              {[...entry.changes, ...entry.collections].map((change) => (
                <li key={change.field}>{change.text}</li>
              ))}
            </ul>
          </li>
        ))}
        {entries?.length === 0 ? <li className="muted">No recorded changes yet.</li> : null}
      </ol>
      <label>
        View as of <input type="datetime-local" value={at} onChange={(event) => setAt(event.target.value)} />
      </label>
      <ErrorMessage error={asOf.error} />
      {at && asOf.data ? (
        asOf.data.state ? (
          <dl className="as-of">
            <dt>Revision</dt>
            <dd>{asOf.data.revision}</dd>
            {Object.entries(asOf.data.state).map(([field, value]) => (
              <div key={field}>
                <dt>{field}</dt>
                <dd>{Array.isArray(value) ? value.join(', ') : String(value ?? '–')}</dd>
              </div>
            ))}
          </dl>
        ) : (
          <p className="muted">No history recorded before that time.</p>
        )
      ) : null}
    </>
  );
}
