/**
 * String interning for the trace: every name is stored once and events refer to it by number.
 * Id 0 is the empty string so a zeroed column means "no name".
 */
export class StringTable {
  private readonly ids = new Map<string, number>()
  readonly list: string[] = ['']

  constructor() {
    this.ids.set('', 0)
  }

  intern(s: string): number {
    let id = this.ids.get(s)
    if (id === undefined) {
      id = this.list.length
      this.list.push(s)
      this.ids.set(s, id)
    }
    return id
  }

  has(s: string): boolean {
    return this.ids.has(s)
  }

  get(id: number): string {
    return this.list[id] ?? ''
  }

  get size(): number {
    return this.list.length
  }
}
