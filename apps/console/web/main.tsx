import { render } from 'preact'
import { useEffect, useMemo, useState } from 'preact/hooks'
import 'uplot/dist/uPlot.min.css'
import './styles.css'
import type { Snapshot } from '../src/snapshot.ts'
import { api, followSnapshots, forgetSession, login, savedSession, type Session } from './api.ts'
import { ConsistencyView } from './views/consistency.tsx'
import { FaultsView } from './views/faults.tsx'
import { OrderView } from './views/order.tsx'
import { TopologyView } from './views/topology.tsx'

const views = [
  { id: 'topology', label: 'Topology' },
  { id: 'order', label: 'Follow an order' },
  { id: 'consistency', label: 'Consistency' },
  { id: 'faults', label: 'Faults' },
] as const
type ViewId = (typeof views)[number]['id']

const viewOfHash = (): ViewId => {
  const id = location.hash.replace(/^#\/?/, '')
  return views.some((view) => view.id === id) ? (id as ViewId) : 'topology'
}

function Login({ onSession }: { onSession: (session: Session) => void }) {
  const [error, setError] = useState<string | undefined>()
  const [busy, setBusy] = useState(false)
  const submit = async (event: Event) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget as HTMLFormElement)
    setBusy(true)
    setError(undefined)
    try {
      onSession(await login(String(form.get('email')), String(form.get('password'))))
    } catch (failure) {
      setError((failure as Error).message)
    } finally {
      setBusy(false)
    }
  }
  return (
    <main class="login" id="main">
      <h1>Seams console</h1>
      <p>Admins only: log in with the shop's admin account (the start-up table prints it).</p>
      <form onSubmit={submit} aria-describedby={error === undefined ? undefined : 'login-error'}>
        <label>
          Email
          <input name="email" type="email" autocomplete="username" required defaultValue="admin@seams.local" />
        </label>
        <label>
          Password
          <input name="password" type="password" autocomplete="current-password" required />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? 'Logging in ...' : 'Log in'}
        </button>
        {error !== undefined && (
          <p class="error" id="login-error" role="alert">
            {error}
          </p>
        )}
      </form>
    </main>
  )
}

function Console({ session, onLogout }: { session: Session; onLogout: () => void }) {
  const [view, setView] = useState<ViewId>(viewOfHash)
  const [snapshot, setSnapshot] = useState<Snapshot | undefined>()
  const [stream, setStream] = useState<'live' | 'reconnecting' | 'refused'>('reconnecting')
  const client = useMemo(() => api(session), [session])
  useEffect(() => {
    const onHash = () => setView(viewOfHash())
    addEventListener('hashchange', onHash)
    return () => removeEventListener('hashchange', onHash)
  }, [])
  useEffect(() => followSnapshots(session, setSnapshot, setStream), [session])
  useEffect(() => {
    if (stream === 'refused') onLogout()
  }, [stream])
  useEffect(() => {
    document.title = `${views.find((entry) => entry.id === view)!.label} · Seams console`
  }, [view])
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header>
        <span class="brand">Seams console</span>
        <nav aria-label="Views">
          <ul>
            {views.map((entry) => (
              <li key={entry.id}>
                <a href={`#/${entry.id}`} aria-current={entry.id === view ? 'page' : undefined}>
                  {entry.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span class="who">
          <span class={`stream ${stream}`} role="status" data-testid="stream-state">
            {stream === 'live' ? 'live' : 'reconnecting ...'}
          </span>{' '}
          {session.email}{' '}
          <button type="button" class="link" onClick={onLogout}>
            Log out
          </button>
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        {snapshot === undefined ? (
          <p class="loading">Waiting for the first snapshot ...</p>
        ) : view === 'topology' ? (
          <TopologyView snapshot={snapshot} />
        ) : view === 'order' ? (
          <OrderView snapshot={snapshot} client={client} />
        ) : view === 'consistency' ? (
          <ConsistencyView snapshot={snapshot} client={client} />
        ) : (
          <FaultsView snapshot={snapshot} client={client} />
        )}
      </main>
    </>
  )
}

function App() {
  const [session, setSession] = useState<Session | undefined>(savedSession)
  if (session === undefined) return <Login onSession={setSession} />
  return (
    <Console
      session={session}
      onLogout={() => {
        forgetSession()
        setSession(undefined)
      }}
    />
  )
}

const root = document.getElementById('app')!
// Preact renders next to what is there: the page's loading line would otherwise stay above the console.
root.replaceChildren()
render(<App />, root)
