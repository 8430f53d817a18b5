/**
 * The workbench page as a user drives it: the toolbar, the editor (Monaco), the status bar, the
 * timeline and the side panels, through their test ids (renderer/README.md, renderer/panels/README.md)
 * and what is on screen. Every wait is for a condition, with a finite limit.
 *
 * Page-side callbacks (evaluate) are typed with the few DOM shapes they use: the test tsconfig has no
 * DOM library.
 */
import type { Locator, Page } from 'playwright-core'
import { expect } from 'vitest'

/** How long a 2 s run (real time, or fast) may take to end on a loaded 2-core machine. */
export const RUN_TIMEOUT_MS = 60_000
/** How long the page may take to show something after an action (a panel, a notice, a marker). */
export const UI_TIMEOUT_MS = 20_000

export type RunState = 'no run' | 'starting…' | 'running' | 'paused' | 'finished' | 'bug check' | 'stopped' | 'trace file'
export type Speed = '0.25' | '1' | '4' | 'fast'
export type SideTab = 'problems' | 'registers' | 'rings' | 'memory' | 'frame' | 'faults' | 'export'

/** An RGBA pixel read back from a canvas. */
export type Rgba = [number, number, number, number]

interface ElementLike {
  className: string
  parentElement: ElementLike | null
  textContent: string | null
  style: { top: string }
}
interface NodeLike {
  nodeType: number
  textContent: string | null
  classList?: { contains(name: string): boolean }
  childNodes: Iterable<NodeLike>
}
interface DocumentLike {
  querySelectorAll(selector: string): Iterable<ElementLike>
}
interface CanvasLike {
  width: number
  height: number
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null
}

export class WorkbenchPage {
  constructor(readonly page: Page) {}

  byId(id: string): Locator {
    return this.page.getByTestId(id)
  }

  /** The project is open and the editor shows its lines. */
  async ready(): Promise<void> {
    await this.page.locator('.monaco-editor .view-line').first().waitFor({ timeout: UI_TIMEOUT_MS })
    await this.byId('project-name').waitFor({ timeout: UI_TIMEOUT_MS })
  }

  /** The visible text of an element without the words kept for screen readers ("Run state: "). */
  async shownText(id: string): Promise<string> {
    const parts = await this.byId(id).evaluate((el) => {
      const out: string[] = []
      const walk = (node: NodeLike): void => {
        if (node.nodeType === 3) out.push(node.textContent ?? '')
        else if (node.nodeType === 1 && !(node.classList?.contains('visually-hidden') ?? false)) for (const child of node.childNodes) walk(child)
      }
      walk(el as unknown as NodeLike)
      return out
    })
    // Separate elements are separate words ("time" "46.350 µs"); Monaco and Vue use no-break spaces too.
    return parts.join(' ').replace(/[\s\u00a0]+/g, ' ').trim()
  }

  // ----------------------------------------------------------------------------------- run controls

  async state(): Promise<string> {
    return this.shownText('status-state')
  }

  async waitForState(states: readonly RunState[], timeout = RUN_TIMEOUT_MS): Promise<string> {
    await expect.poll(() => this.state().catch(() => ''), { timeout, interval: 50 }).toSatisfy((s: string) => states.includes(s as RunState))
    return this.state()
  }

  /** Waits for the run shown to end (finished, or a bug check) and returns which. */
  async waitForRunEnd(timeout = RUN_TIMEOUT_MS): Promise<string> {
    return this.waitForState(['finished', 'bug check', 'stopped'], timeout)
  }

  async setSpeed(speed: Speed): Promise<void> {
    await this.byId('speed').selectOption(speed)
  }

  /** Virtual time in seconds, from the status bar ("2.000094 s"). */
  async virtualTimeS(): Promise<number> {
    const text = await this.shownText('status-time')
    const m = /([\d.]+) s/.exec(text)
    if (m === null) throw new Error(`status-time reads "${text}"`)
    return Number(m[1])
  }

  /** Frames delivered, from the status bar ("60 frames"). */
  async frames(): Promise<number> {
    return leadingNumber(await this.shownText('status-frames'), 'status-frames')
  }

  /** Frames dropped, torn or stale, from the status bar ("1 dropped"). */
  async drops(): Promise<number> {
    return leadingNumber(await this.shownText('status-drops'), 'status-drops')
  }

  // ----------------------------------------------------------------------------------------- editor

  /** Focuses the editor by clicking into its text (Monaco 0.57 types through an EditContext, not its textarea). */
  async focusEditor(): Promise<void> {
    const box = await this.byId('editor').boundingBox()
    if (box === null) throw new Error('the editor is not on screen')
    await this.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
  }

  /** Ctrl+G, the line number, Enter; returns when the status bar shows the caret on that line. */
  async goToLine(line: number): Promise<void> {
    await this.focusEditor()
    await this.page.keyboard.press('Control+G')
    const input = this.page.locator('.quick-input-widget input')
    await input.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS })
    await expect.poll(() => input.evaluate((el) => (el as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement === el)).toBe(true)
    await this.page.keyboard.type(String(line))
    await this.page.keyboard.press('Enter')
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS })
    // Monaco leaves "in quick input" set until a timer task after the widget lost focus (its
    // FocusTracker blurs in a setTimeout 0); an Enter before that is the gone widget's "accept" and
    // never reaches the editor. A timer of ours, queued later, runs after Monaco's.
    await this.page.evaluate(() => new Promise<void>((resolve) => setTimeout(resolve, 0)))
    await expect.poll(() => this.shownText('status-position'), { timeout: UI_TIMEOUT_MS }).toMatch(new RegExp(`^Ln ${line},`))
  }

  /** Types a new line after `line` (Escape closes a completion list the typing opened). */
  async insertLineAfter(line: number, text: string): Promise<void> {
    await this.goToLine(line)
    await this.page.keyboard.press('End')
    await this.page.keyboard.press('Enter')
    await this.page.keyboard.type(text)
    await this.page.keyboard.press('Escape')
  }

  /** Types at the end of `line`. */
  async appendToLine(line: number, text: string): Promise<void> {
    await this.goToLine(line)
    await this.page.keyboard.press('End')
    await this.page.keyboard.type(text)
    await this.page.keyboard.press('Escape')
  }

  async isDirty(path: string): Promise<boolean> {
    return /\bdirty\b/.test((await this.byId(`tab-${path}`).getAttribute('class')) ?? '')
  }

  /** Ctrl+Z until the file's tab is no longer marked unsaved (its text equals the file again). */
  async undoUntilClean(path: string): Promise<void> {
    await this.focusEditor()
    for (let i = 0; i < 20 && (await this.isDirty(path)); i++) await this.page.keyboard.press('Control+Z')
    expect(await this.isDirty(path), `${path} still differs from the file after 20 undos`).toBe(false)
  }

  /**
   * The editor lines (numbers) that carry a squiggle of this severity, among the lines on screen: a
   * squiggle is drawn in the line's overlay, found by its position against the line-number margin.
   */
  async squiggledLines(severity: 'error' | 'warning' | 'info' = 'error'): Promise<number[]> {
    return this.page.evaluate((cls) => {
      const doc = (globalThis as unknown as { document: DocumentLike }).document
      const lines = new Set<number>()
      const margin = [...doc.querySelectorAll('.monaco-editor .margin-view-overlays > div')]
      for (const squiggle of doc.querySelectorAll(`.monaco-editor .view-overlays .squiggly-${cls}`)) {
        const top = squiggle.parentElement?.style.top
        const number = margin.find((m) => m.style.top === top)?.textContent?.trim()
        if (number) lines.add(Number(number))
      }
      return [...lines].sort((a, b) => a - b)
    }, severity)
  }

  /** The text of the editor lines on screen (Monaco renders only those). */
  async visibleLines(): Promise<string[]> {
    return (await this.page.locator('.monaco-editor .view-line').allInnerTexts()).map((t) => t.replace(/\u00a0/g, ' '))
  }

  // ----------------------------------------------------------------------------------- side panels

  async openSideTab(tab: SideTab): Promise<Locator> {
    await this.byId(`side-tab-${tab}`).click()
    const panel = this.byId(`side-panel-${tab}`)
    await panel.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS })
    return panel
  }

  /** The problems listed, as the panel shows them. */
  async problems(): Promise<{ source: string; severity: string; text: string }[]> {
    const rows = await this.page.locator('[data-testid="problems-list"] > li').all()
    return Promise.all(
      rows.map(async (row) => ({
        source: (await row.getAttribute('data-source')) ?? '',
        severity: (await row.getAttribute('data-severity')) ?? '',
        text: (await row.innerText()).replace(/\s+/g, ' ').trim(),
      })),
    )
  }

  // ---------------------------------------------------------------------------------------- timeline

  /** Types a query into the trace search box and presses Enter; returns the result line ("64 matches · at …"). */
  async searchTrace(query: string): Promise<string> {
    const box = this.byId('trace-search')
    await box.fill(query)
    await box.press('Enter')
    await expect.poll(() => this.shownText('trace-search-result'), { timeout: UI_TIMEOUT_MS }).not.toBe('')
    return this.shownText('trace-search-result')
  }

  /** The selected event's strip: its name and every field shown, as "name value" lines. */
  async eventDetails(): Promise<{ name: string; text: string }> {
    await this.byId('event-details').waitFor({ timeout: UI_TIMEOUT_MS })
    return { name: await this.shownText('event-name'), text: await this.shownText('event-details') }
  }

  /**
   * Pixels of the timeline canvas, right of the track labels, that have colour (slices, counters,
   * instants): the background, grid, labels and axis are shades of grey.
   */
  async timelineColouredPixels(): Promise<{ coloured: number; total: number }> {
    return this.page.locator('[data-testid="timeline"] canvas').evaluate((el) => {
      const c = el as unknown as CanvasLike
      const ctx = c.getContext('2d')
      if (ctx === null) return { coloured: 0, total: 0 }
      const x0 = Math.floor(c.width * 0.3)
      const { data } = ctx.getImageData(x0, 0, c.width - x0, c.height)
      let coloured = 0
      for (let i = 0; i < data.length; i += 4) {
        const r = data[i]
        const g = data[i + 1]
        const b = data[i + 2]
        if (Math.max(r, g, b) - Math.min(r, g, b) > 48) coloured++
      }
      return { coloured, total: data.length / 4 }
    })
  }

  // ------------------------------------------------------------------------------------------ canvas

  /** Pixels of the frame preview at fractions of its width and height. */
  async framePixels(points: readonly (readonly [number, number])[]): Promise<{ width: number; height: number; pixels: Rgba[] }> {
    return this.byId('frame-canvas').evaluate((el, pts) => {
      const c = el as unknown as CanvasLike
      const ctx = c.getContext('2d')
      if (ctx === null) throw new Error('the frame canvas has no 2D context')
      const pixels = pts.map(([fx, fy]) => {
        const d = ctx.getImageData(Math.min(c.width - 1, Math.floor(fx * c.width)), Math.min(c.height - 1, Math.floor(fy * c.height)), 1, 1).data
        return [d[0], d[1], d[2], d[3]] as Rgba
      })
      return { width: c.width, height: c.height, pixels }
    }, points)
  }

  // ----------------------------------------------------------------------------------------- notices

  /** Waits for a notice whose text matches and returns its text. */
  async notice(text: RegExp): Promise<string> {
    const n = this.byId('notices').getByText(text).first()
    await n.waitFor({ timeout: UI_TIMEOUT_MS })
    return (await n.innerText()).trim()
  }
}

function leadingNumber(text: string, what: string): number {
  const m = /(\d+)/.exec(text)
  if (m === null) throw new Error(`${what} reads "${text}": no number`)
  return Number(m[1])
}
