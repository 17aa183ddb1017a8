import type { Health } from '../../src/snapshot.ts'

export const healthWord: Record<Health, string> = { ok: 'ok', warning: 'warning', down: 'down' }

export function Badge({ health, children }: { health: Health; children?: preact.ComponentChildren }) {
  return <span class={`badge ${health}`}>{children ?? healthWord[health]}</span>
}

export const formatMs = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? '–' : ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`

export const shortId = (id: string) => id.slice(0, 8)

/** A button that runs an action, is disabled meanwhile and reports a failure next to itself. */
export function ActionButton(props: {
  label: string
  onAction: () => Promise<unknown>
  class?: string
  title?: string
  disabled?: boolean
}) {
  return (
    <button
      type="button"
      class={props.class}
      title={props.title}
      disabled={props.disabled}
      onClick={async (event) => {
        const button = event.currentTarget as HTMLButtonElement
        button.disabled = true
        button.setAttribute('aria-busy', 'true')
        try {
          await props.onAction()
          button.removeAttribute('data-error')
        } catch (error) {
          button.setAttribute('data-error', (error as Error).message)
          alertLater((error as Error).message)
        } finally {
          button.disabled = props.disabled === true
          button.removeAttribute('aria-busy')
        }
      }}
    >
      {props.label}
    </button>
  )
}

function alertLater(message: string) {
  const region = document.getElementById('announcer')
  if (region !== null) region.textContent = message
}

/** Where failed actions are announced, for screen readers and sighted users alike. */
export function Announcer() {
  return <p id="announcer" class="announcer" role="alert" aria-live="assertive" />
}
