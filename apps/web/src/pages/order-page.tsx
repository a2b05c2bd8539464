import { ErrorNotice, HistoryTimeline, useSluice } from '@sluice/react';
import { type FormEvent, useState } from 'react';
import { client } from '../client.ts';
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
const statuses = ['New', 'Collecting', 'Shipped', 'Delivered', 'Cancelled'];

/** One order: edit its status, delivery date, price and products; its history below. */
export function OrderPage({ id }: { id: number }) {
  const me = useMe();
  const { locale } = useSluice();
  const order = useApi<Order>(`/api/orders/${id}`);
  const products = useApi<{ items: Product[] }>('/api/products');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // Every saved change adds to the history (a product change need not touch the order's updatedAt).
  const [edits, setEdits] = useState(0);
  const change = async (call: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await call();
      order.reload();
      setEdits((n) => n + 1);
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
    void change(() => client.request('PATCH', `/api/orders/${id}`, body));
  };
  if (order.error && !order.data) return <ErrorNotice error={order.error} />;
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
      <ErrorNotice error={error} />
      <h2>Products</h2>
      <ul className="products">
        {current?.productIds.map((productId) => (
          <li key={productId}>
            {names.get(productId)?.name ?? `Product ${productId}`} <span className="muted">{formatMoney(names.get(productId)?.price ?? 0, locale)}</span>{' '}
            <button
              type="button"
              className="link"
              disabled={busy}
              onClick={() => void change(() => client.request('DELETE', `/api/orders/${id}/products/${productId}`))}
            >
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
          onChange={(event) => void change(() => client.request('POST', `/api/orders/${id}/products`, { productId: Number(event.target.value) }))}
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
      {me.may.history ? (
        <>
          <h2>History</h2>
          <HistoryTimeline entity="orders" id={id} refreshKey={edits} />
        </>
      ) : null}
    </section>
  );
}
