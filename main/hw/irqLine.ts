/** What an interrupt line drives on the kernel side (an InterruptVector). */
export interface IrqSink {
  /** Level-sensitive: the wire's level changed. */
  setLevel(asserted: boolean): void
  /** Latched or message-signalled: one interrupt. */
  signal(): void
}

/**
 * A shared, level-triggered interrupt wire (INTA#). Each device attached to it drives its own output;
 * the wire is asserted while any output is (wired-OR). The kernel sees only the wire.
 */
export class IrqLine {
  private readonly outputs: IrqOutput[] = []
  private level = false
  private sink: IrqSink | null = null
  private messageSink: IrqSink | null = null

  constructor(readonly name: string) {}

  connect(sink: IrqSink): void {
    this.sink = sink
    if (this.level) sink.setLevel(true)
  }

  /** Where message-signalled interrupts of the devices on this slot go (the MSI vector). */
  connectMessages(sink: IrqSink): void {
    this.messageSink = sink
  }

  /** A device's pin on this wire. */
  attach(device: string): IrqOutput {
    const out = new IrqOutput(this, device)
    this.outputs.push(out)
    return out
  }

  get asserted(): boolean {
    return this.level
  }

  /** Which devices currently drive the wire. */
  drivers(): string[] {
    return this.outputs.filter((o) => o.asserted).map((o) => o.device)
  }

  /** @internal called by outputs when they change */
  recompute(): void {
    let level = false
    for (const o of this.outputs) level ||= o.asserted
    if (level === this.level) return
    this.level = level
    this.sink?.setLevel(level)
  }

  /** @internal an MSI message from one device */
  message(): void {
    ;(this.messageSink ?? this.sink)?.signal()
  }
}

/** One device's connection to an IrqLine. */
export class IrqOutput {
  asserted = false

  constructor(
    private readonly line: IrqLine,
    readonly device: string,
  ) {}

  set(asserted: boolean): void {
    if (asserted === this.asserted) return
    this.asserted = asserted
    this.line.recompute()
  }

  /** Sends one message (MSI) instead of driving the level. */
  message(): void {
    this.line.message()
  }
}
