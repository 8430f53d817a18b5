/**
 * What the card itself can judge about the driver (vcap1.md 7.11-7.12): these go to the verifier with
 * the rule ids of docs/verifier-rules.md. The hardware layer knows only this interface; the host wires
 * it to the class driver's verifier.
 */
export type CardRule = 'register-access' | 'descriptor-misuse' | 'dma-unowned-memory'

export interface CardFindingSink {
  report(rule: CardRule, message: string): void
}

/** Until the host connects a verifier, findings are kept here (tests read them). */
export class CollectedFindings implements CardFindingSink {
  readonly findings: { rule: CardRule; message: string }[] = []

  report(rule: CardRule, message: string): void {
    this.findings.push({ rule, message })
  }
}
