import { ErrorNotice, HistoryTimeline, useSluice } from '@sluice/react';
import { type FormEvent, useState } from 'react';
import { client } from '../client.ts';
import { useApi } from '../components/use-api.ts';
import { useTexts } from '../language.tsx';
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
  const t = useTexts().order;
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
        <Link to="/orders">← {t.back}</Link>
      </p>
      <h1>{t.title(id)}</h1>
      {current ? (
        <form className="order-form" onSubmit={save} key={current.updatedAt} aria-label={t.edit}>
          <label>
            {t.status}
            <select name="status" defaultValue={current.status}>
              {statuses.map((status) => (
                <option key={status} value={status}>
                  {t.statuses[status] ?? status}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t.deliveryDate}
            <input name="deliveryDate" type="date" defaultValue={current.deliveryDate ?? ''} />
          </label>
          <label>
            {t.totalPrice}
            <input name="totalPrice" type="number" min="0" step="0.01" defaultValue={(current.totalPrice / 100).toFixed(2)} />
          </label>
          <button type="submit" disabled={busy}>
            {busy ? t.saving : t.save}
          </button>
        </form>
      ) : (
        <p className="placeholder" aria-busy="true" />
      )}
      <ErrorNotice error={error} />
      <h2>{t.products}</h2>
      <ul className="products">
        {current?.productIds.map((productId) => (
          <li key={productId}>
            {names.get(productId)?.name ?? t.product(productId)} <span className="muted">{formatMoney(names.get(productId)?.price ?? 0, locale)}</span>{' '}
            <button
              type="button"
              className="link"
              disabled={busy}
              onClick={() => void change(() => client.request('DELETE', `/api/orders/${id}/products/${productId}`))}
            >
              {t.remove}
            </button>
          </li>
        ))}
      </ul>
      <label>
        {t.addProduct}{' '}
        <select
          value=""
          disabled={busy}
          onChange={(event) => void change(() => client.request('POST', `/api/orders/${id}/products`, { productId: Number(event.target.value) }))}
        >
          <option value="">{t.choose}</option>
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
          <h2>{t.history}</h2>
          <HistoryTimeline entity="orders" id={id} refreshKey={edits} />
        </>
      ) : null}
    </section>
  );
}
